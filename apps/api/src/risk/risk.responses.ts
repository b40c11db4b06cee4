import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FEATURE_KEYS } from '../../../../libs/risk/risk-features.js';

const STATUSES = ['queued', 'training', 'ready', 'insufficient', 'failed'] as const;
const VERDICTS = ['model_better', 'rules_as_good', 'rules_better', 'no_rule_alerts'] as const;

export class RiskReasonDto {
  @ApiProperty({ enum: FEATURE_KEYS, example: 'days_since_login' }) feature: string;
  @ApiProperty({ example: 12, description: 'the feature value that raised the score' }) value: number;
  @ApiProperty({ example: 'no login for 12 days', description: 'the reason in English (the console words it in the reader language)' }) text: string;
}

/** A learned risk score as learners, cases and queue rows carry it (null: no active model, or not an active enrolment). */
export class RiskScoreDto {
  @ApiProperty({ example: 0.72, description: 'chance of churning within 30 days, 0 to 1' }) score: number;
  @ApiProperty({ type: [RiskReasonDto], description: 'at most three, the strongest first' }) reasons: RiskReasonDto[];
  @ApiProperty({ example: 3 }) modelVersion: number;
}

export class RiskShortfallDto {
  @ApiProperty({
    enum: ['history', 'training', 'test'],
    description: 'history: too few days; training: too few labelled enrolments or churners; test: too small a test set',
  })
  code: string;
  @ApiPropertyOptional({ example: 84 }) minDays?: number;
  @ApiPropertyOptional({ example: 143 }) enrollments?: number;
  @ApiPropertyOptional({ example: 12 }) churned?: number;
  @ApiPropertyOptional({ example: 200 }) minEnrollments?: number;
  @ApiPropertyOptional({ example: 20 }) minChurned?: number;
  @ApiPropertyOptional({ example: 31 }) rows?: number;
  @ApiPropertyOptional({ example: 50 }) minRows?: number;
}

export class RiskAttemptDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger: string;
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: null, description: 'why the attempt produced no model' }) message: string | null;
  @ApiProperty({ type: RiskShortfallDto, nullable: true, description: 'insufficient: what there was and what a model needs, as figures' })
  shortfall: RiskShortfallDto | null;
}

export class RiskTrainAcceptedDto extends RiskAttemptDto {
  @ApiProperty({ description: 'false: an attempt was already queued or training, and this is it' }) created: boolean;
}

class PeriodDto {
  @ApiProperty({ format: 'date', example: '2026-09-07' }) from: string;
  @ApiProperty({ format: 'date', example: '2026-10-26' }) to: string;
}

class TrainingDto {
  @ApiProperty({ example: 9120, description: 'enrolment-days trained on' }) rows: number;
  @ApiProperty({ example: 2210 }) enrollments: number;
  @ApiProperty({ example: 1004 }) churnedRows: number;
  @ApiProperty({ example: 640 }) churnedEnrollments: number;
  @ApiProperty({ example: 7 }) iterations: number;
  @ApiProperty() converged: boolean;
  @ApiProperty({ example: 1, description: 'L2 penalty on the standardised coefficients' }) lambda: number;
  @ApiProperty({ example: 1830 }) durationMs: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { refreshMs: 900, featuresMs: 600, fitMs: 120, evaluateMs: 200 },
    description: 'where the training time went, in ms',
  })
  phases: Record<string, number>;
}

class RiskFeatureDto {
  @ApiProperty({ enum: FEATURE_KEYS }) key: string;
  @ApiProperty({ example: 'days since the last day with a login (up to 60; never logged in: days since enrolment)' }) meaning: string;
  @ApiProperty({ example: 4.2 }) mean: number;
  @ApiProperty({ example: 5.1 }) sd: number;
  @ApiProperty({ example: 0.93, description: 'per standard deviation of the feature; above 0 raises the risk' }) coefficient: number;
}

class AtBudgetDto {
  @ApiProperty({ example: 410, description: 'rows flagged (alerts)' }) flagged: number;
  @ApiProperty({ example: 180, description: 'flagged rows that churned within 30 days' }) hits: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.44 }) precision: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.58 }) recall: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.81, description: 'ROC AUC on the test rows' }) auc: number | null;
}

class RulesAtBudgetDto extends AtBudgetDto {
  @ApiProperty({ type: [String], example: ['inactive_7d', 'low_completion'], description: 'the enabled rules compared (risk_score excluded)' })
  ruleKeys: string[];
}

class CalibrationBinDto {
  @ApiProperty({ example: 10, description: '1 = the tenth of rows with the lowest scores' }) decile: number;
  @ApiProperty({ example: 120 }) n: number;
  @ApiProperty({ example: 0.62, description: 'mean predicted chance' }) predicted: number;
  @ApiProperty({ example: 0.58, description: 'share that churned' }) observed: number;
}

class VerdictDto {
  @ApiProperty({ enum: VERDICTS }) kind: string;
  @ApiProperty({ type: Number, nullable: true, example: 0.31, description: '(model hits − rule hits) ÷ rule hits at the same number of alerts' })
  moreFound: number | null;
  @ApiProperty({ example: 'The model finds 31% more of the learners who churned at the same workload (236 against 180 of 410 alerts).' }) text: string;
}

class EvaluationDto {
  @ApiProperty({ example: 30 }) horizonDays: number;
  @ApiProperty({ example: 3100, description: 'held-out enrolment-days (the test period; none of their learners is in training)' }) rows: number;
  @ApiProperty({ example: 310 }) churned: number;
  @ApiProperty({ example: 0.1 }) baseRate: number;
  @ApiProperty({ example: 410, description: 'alerts compared at: the rows the rules flagged in the test period' }) budget: number;
  @ApiProperty({ type: AtBudgetDto }) model: AtBudgetDto;
  @ApiProperty({ type: RulesAtBudgetDto }) rules: RulesAtBudgetDto;
  @ApiProperty({ type: [CalibrationBinDto] }) calibration: CalibrationBinDto[];
  @ApiProperty({ type: VerdictDto }) verdict: VerdictDto;
}

export class RiskModelDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 3 }) version: number;
  @ApiProperty({ format: 'date-time' }) trainedAt: string;
  @ApiProperty({ format: 'date-time', description: 'the outcomes it learned from were known as of this time' }) asOf: string;
  @ApiProperty({ type: PeriodDto, description: 'snapshot days trained on' }) trainingWindow: PeriodDto;
  @ApiProperty({ type: PeriodDto, description: 'snapshot days tested on' }) testPeriod: PeriodDto;
  @ApiProperty({ type: TrainingDto }) training: TrainingDto;
  @ApiProperty({ example: -2.1 }) intercept: number;
  @ApiProperty({ type: [RiskFeatureDto] }) features: RiskFeatureDto[];
  @ApiProperty({ type: EvaluationDto }) evaluation: EvaluationDto;
}

export class RiskReportDto {
  @ApiProperty({ enum: [...STATUSES, 'none'], description: 'the latest attempt; none before the first' }) status: string;
  @ApiProperty({ type: String, nullable: true, description: 'why there is no model, or why the latest attempt did not replace it' })
  message: string | null;
  @ApiPropertyOptional({ type: RiskAttemptDto, nullable: true }) latest: RiskAttemptDto | null;
  @ApiProperty({ type: RiskModelDto, nullable: true, description: 'the active model' }) model: RiskModelDto | null;
}
