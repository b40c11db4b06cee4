import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '../../../libs/audit/audit.module.js';
import { SharedModule } from '../../../libs/common/shared.module.js';
import type { AppConfig } from '../../../libs/config/config.js';
import { ConfigModule } from '../../../libs/config/config.module.js';
import { loggerParams } from '../../../libs/config/logger.js';
import { DatabaseModule } from '../../../libs/database/database.module.js';
import { OutboxModule } from '../../../libs/outbox/outbox.module.js';
import { JobAnchorsRepository } from '../../../libs/queue/job-anchors.repository.js';
import { QueueModule } from '../../../libs/queue/queue.module.js';
import { StaffModule } from '../../../libs/staff/staff.module.js';
import { CasesModule } from '../../../libs/cases/cases.module.js';
import { CasesProcessor } from './processors/cases.processor.js';
import { CasesSweepSchedule } from './schedules/cases-sweep.schedule.js';
import { LearnersModule } from '../../../libs/learners/learners.module.js';
import { MaintenanceProcessor } from './processors/maintenance.processor.js';
import { PartitionsSchedule } from './schedules/partitions.schedule.js';
import { AnalyticsModule } from '../../../libs/analytics/analytics.module.js';
import { JOB_PROCESSORS, type JobProcessor } from './job-processor.js';
import { AnalyticsProcessor } from './processors/analytics.processor.js';
import { AnalyticsSchedule } from './schedules/analytics.schedule.js';
import { OutboxRelaySchedule } from './schedules/outbox-relay.schedule.js';
import { WorkerRunner } from './worker-runner.service.js';
import { TasksModule } from '../../../libs/tasks/tasks.module.js';
import { WebhooksModule } from '../../../libs/webhooks/webhooks.module.js';
import { TasksProcessor } from './processors/tasks.processor.js';
import { WebhooksProcessor } from './processors/webhooks.processor.js';
import { RemindersSchedule } from './schedules/reminders.schedule.js';
import { RulesModule } from '../../../libs/rules/rules.module.js';
import { RiskModule } from '../../../libs/risk/risk.module.js';
import { RiskSchedule } from './schedules/risk.schedule.js';
import { RulesProcessor } from './processors/rules.processor.js';
import { RulesSchedule } from './schedules/rules.schedule.js';
import { TicketsModule } from '../../../libs/tickets/tickets.module.js';
import { TicketsProcessor } from './processors/tickets.processor.js';

/** Processor classes, one per queue; each is added here and to JOB_PROCESSORS below. */
const PROCESSORS: Array<new (...args: never[]) => JobProcessor> = [
  TasksProcessor,
  WebhooksProcessor,
  CasesProcessor,
  MaintenanceProcessor,
  AnalyticsProcessor,
  TicketsProcessor,
  RulesProcessor,
];

/** No HTTP: BullMQ processors, the outbox relay and the cron schedules (which only enqueue). */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, opts: { logStream?: NodeJS.WritableStream } = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config, opts.logStream)),
        DatabaseModule.forRoot(config.databaseUrl!, config.databasePoolSize, 'careloop-worker'),
        ScheduleModule.forRoot(),
        SharedModule,
        QueueModule,
        OutboxModule,
        AuditModule,
        StaffModule,
        TasksModule,
        WebhooksModule,
        CasesModule,
        LearnersModule,
        AnalyticsModule,
        RulesModule,
        RiskModule,
        TicketsModule,
      ],
      providers: [
        ...PROCESSORS,
        { provide: JOB_PROCESSORS, useFactory: (...ps: JobProcessor[]) => ps, inject: PROCESSORS },
        JobAnchorsRepository,
        WorkerRunner,
        OutboxRelaySchedule,
        RemindersSchedule,
        CasesSweepSchedule,
        RulesSchedule,
        PartitionsSchedule,
        AnalyticsSchedule,
        RiskSchedule,
      ],
    };
  }
}
