import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module.js';
import { AlertsRepository } from './alerts.repository.js';
import { AlertsService } from './alerts.service.js';
import { BacktestService } from './backtest.service.js';
import { RuleRunsService } from './rule-runs.service.js';
import { RulesRepository } from './rules.repository.js';
import { RulesService } from './rules.service.js';

const PROVIDERS = [RulesRepository, AlertsRepository, RulesService, RuleRunsService, AlertsService, BacktestService];

/** Warning rules: definitions, runs (set-based evaluation into alerts), cohort alerts, feedback, backtest. */
@Module({ imports: [AnalyticsModule], providers: PROVIDERS, exports: PROVIDERS })
export class RulesModule {}
