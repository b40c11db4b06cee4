import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module.js';
import { RulesModule } from '../rules/rules.module.js';
import { RiskRepository } from './risk.repository.js';
import { RiskService } from './risk.service.js';

/** Learned churn risk: training and evaluation against the rules, scoring of every active enrolment. */
@Module({ imports: [AnalyticsModule, RulesModule], providers: [RiskRepository, RiskService], exports: [RiskRepository, RiskService] })
export class RiskModule {}
