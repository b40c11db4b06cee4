import { Module } from '@nestjs/common';
import { AssignmentModule } from '../assignment/assignment.module.js';
import { TasksModule } from '../tasks/tasks.module.js';
import { CaseIntakeRepository } from './case-intake.repository.js';
import { CaseEscalationService } from './case-escalation.service.js';
import { CaseIntakeService } from './case-intake.service.js';
import { CasePoolService } from './case-pool.service.js';
import { CasesRepository } from './cases.repository.js';
import { CaseSweepService } from './case-sweep.service.js';
import { CasesService } from './cases.service.js';

const PROVIDERS = [CasesRepository, CaseIntakeRepository, CasesService, CaseIntakeService, CasePoolService, CaseEscalationService, CaseSweepService];

@Module({ imports: [AssignmentModule, TasksModule], providers: PROVIDERS, exports: [...PROVIDERS, AssignmentModule] })
export class CasesModule {}
