import { Module } from '@nestjs/common';
import { AnalyticsRepository } from './analytics.repository.js';
import { AnalyticsService } from './analytics.service.js';

@Module({ providers: [AnalyticsRepository, AnalyticsService], exports: [AnalyticsService] })
export class AnalyticsModule {}
