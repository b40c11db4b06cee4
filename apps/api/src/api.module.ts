import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from '../../../libs/audit/audit.module.js';
import { AuthGuard } from './http/auth.guard.js';
import { AuthModule } from '../../../libs/auth/auth.module.js';
import type { AppConfig } from '../../../libs/config/config.js';
import { ConfigModule } from '../../../libs/config/config.module.js';
import { loggerParams } from '../../../libs/config/logger.js';
import { DatabaseModule } from '../../../libs/database/database.module.js';
import { OutboxModule } from '../../../libs/outbox/outbox.module.js';
import { QueueModule } from '../../../libs/queue/queue.module.js';
import { StaffModule } from '../../../libs/staff/staff.module.js';
import { CasesModule } from '../../../libs/cases/cases.module.js';
import { CasesController } from './cases/cases.controller.js';
import { LearnersModule } from '../../../libs/learners/learners.module.js';
import { LearnersController } from './learners/learners.controller.js';
import { SyncController } from './sync/sync.controller.js';
import { AnalyticsModule } from '../../../libs/analytics/analytics.module.js';
import { AnalyticsController } from './analytics/analytics.controller.js';
import { ApiClientsController } from './api-clients/api-clients.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { AuthController } from './auth/auth.controller.js';
import { HealthController } from './ops/health.controller.js';
import { MetricsController } from './ops/metrics.controller.js';
import { MetricsService } from './ops/metrics.service.js';
import { RedisProbe } from './ops/redis-probe.service.js';
import { StaffController } from './staff/staff.controller.js';
import { TasksModule } from '../../../libs/tasks/tasks.module.js';
import { WebhooksModule } from '../../../libs/webhooks/webhooks.module.js';
import { TasksController } from './tasks/tasks.controller.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { TicketsModule } from '../../../libs/tickets/tickets.module.js';
import { TicketsController } from './tickets/tickets.controller.js';
import { KbController } from './kb/kb.controller.js';
import { CalendarsController } from './calendars/calendars.controller.js';
import { SharedModule } from '../../../libs/common/shared.module.js';
import { RulesModule } from '../../../libs/rules/rules.module.js';
import { RulesController } from './rules/rules.controller.js';
import { RiskModule } from '../../../libs/risk/risk.module.js';
import { RiskController } from './risk/risk.controller.js';
import { AlertsController } from './alerts/alerts.controller.js';

export interface ApiModuleOptions {
  config: AppConfig;
  logStream?: NodeJS.WritableStream;
}

/** HTTP only: controllers, guards, validation, OpenAPI. Enqueues through the outbox; never runs jobs. */
@Module({})
export class ApiModule {
  static forRoot({ config, logStream }: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config, logStream)),
        DatabaseModule.forRoot(config.databaseUrl!, config.databasePoolSize, 'careloop-api'),
        SharedModule,
        QueueModule,
        OutboxModule,
        AuditModule,
        StaffModule,
        CasesModule,
        TicketsModule,
        AuthModule,
        TerminusModule.forRoot({ logger: false }),
        TasksModule,
        WebhooksModule,
        LearnersModule,
        AnalyticsModule,
        RulesModule,
        RiskModule,
      ],
      controllers: [
        AuthController,
        StaffController,
        TasksController,
        WebhooksController,
        CasesController,
        ApiClientsController,
        AuditController,
        HealthController,
        MetricsController,
        SyncController,
        LearnersController,
        AnalyticsController,
        TicketsController,
        KbController,
        CalendarsController,
        RulesController,
        RiskController,
        AlertsController,
      ],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }, MetricsService, RedisProbe],
    };
  }
}
