import { Module } from '@nestjs/common';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';
import { TicketMetricsRepository } from './ticket-metrics.repository.js';

@Module({ providers: [AnalyticsRepository, TicketMetricsRepository, AnalyticsService], exports: [AnalyticsService] })
export class AnalyticsModule {}
