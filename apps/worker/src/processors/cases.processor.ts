import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { CaseEscalationService } from '../../../../libs/cases/case-escalation.service.js';
import { CaseIntakeService } from '../../../../libs/cases/case-intake.service.js';
import { CasePoolService } from '../../../../libs/cases/case-pool.service.js';
import { CaseSweepService } from '../../../../libs/cases/case-sweep.service.js';
import { CasesService } from '../../../../libs/cases/cases.service.js';
import { QueueName, type DomainEventJob, type JobPayloads } from '../../../../libs/queue/jobs.js';
import { UnknownJobError, type JobProcessor } from '../job-processor.js';

/** The cases queue: alert intake, cleared alerts, deadline checks, pool backfill and the periodic sweep. */
@Injectable()
export class CasesProcessor implements JobProcessor {
  readonly queue = QueueName.Cases;

  constructor(
    private readonly intake: CaseIntakeService,
    private readonly cases: CasesService,
    private readonly pool: CasePoolService,
    private readonly escalation: CaseEscalationService,
    private readonly sweeper: CaseSweepService,
  ) {}

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'cases.on-alerts-opened':
        return this.intake.onAlertsOpened((job.data as JobPayloads['cases.on-alerts-opened']).aggregateIds);
      case 'cases.on-alert-cleared':
        return this.cases.onAlertCleared(String((job.data as DomainEventJob).payload.alertId));
      case 'cases.escalation-check': {
        const d = job.data as JobPayloads['cases.escalation-check'];
        return this.escalation.check(d.caseIds, d.dueAt);
      }
      case 'cases.backfill':
        return this.backfill(job.data as JobPayloads['cases.backfill'] | DomainEventJob);
      case 'cases.sweep':
        return this.sweeper.sweep();
      default:
        throw new UnknownJobError(job);
    }
  }

  /** Direct requests carry {teamId, reason}; outbox events (staff.updated, case.capacity_freed) carry the teams in their payload. */
  private backfill(data: JobPayloads['cases.backfill'] | DomainEventJob): Promise<number> {
    if ('outboxId' in data) {
      const p = data.payload as { teamId?: string | null; before?: { teamId?: string | null }; after?: { teamId?: string | null } };
      return this.pool.backfill([p.teamId ?? null, p.after?.teamId ?? null, p.before?.teamId ?? null], data.eventType);
    }
    return this.pool.backfill(data.teamId === null ? null : [data.teamId], data.reason);
  }
}
