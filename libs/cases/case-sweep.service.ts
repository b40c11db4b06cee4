import { Injectable } from '@nestjs/common';
import { CaseEscalationService } from './case-escalation.service.js';
import { CaseIntakeService } from './case-intake.service.js';
import { CasePoolService } from './case-pool.service.js';

/** The periodic safety net behind the event-driven paths: lost jobs delay work, they never lose it. */
@Injectable()
export class CaseSweepService {
  constructor(
    private readonly intake: CaseIntakeService,
    private readonly pool: CasePoolService,
    private readonly escalation: CaseEscalationService,
  ) {}

  async sweep(): Promise<{ alertsTakenIn: number; assignedFromPool: number; escalated: number }> {
    return {
      alertsTakenIn: await this.intake.drain(),
      assignedFromPool: await this.pool.backfill(null, 'periodic sweep'),
      escalated: await this.escalation.sweep(),
    };
  }
}
