import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RULE_KINDS, SEVERITIES } from '../../../../libs/rules/rule-definitions.js';

export class RuleActionDto {
  @ApiProperty({ example: 'care_call', description: 'kind of the task each alert creates' }) taskKind: string;
  @ApiProperty({ example: 24, description: 'the task is due this many hours after the alert' }) dueWithinHours: number;
}

export class RuleViewDto {
  @ApiProperty({ example: 'inactive_7d' }) key: string;
  @ApiProperty({ example: 'No login for 7 days' }) name: string;
  @ApiProperty({ enum: RULE_KINDS, example: 'inactive_days' }) kind: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { days: 7 }, description: 'the numbers of the kind' }) params: Record<
    string,
    number
  >;
  @ApiProperty({ example: 'No login for 7 days, counted from the later of the last login and the enrolment (active enrolments only).' }) description: string;
  @ApiProperty({ enum: SEVERITIES }) severity: string;
  @ApiProperty({ type: RuleActionDto }) action: RuleActionDto;
  @ApiProperty({ type: Number, nullable: true, example: 0.05, description: "share of a course's active enrolments that raises a cohort alert" })
  cohortThreshold: number | null;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class RuleApplyCountsDto {
  @ApiProperty({ example: 42, description: 'enrolments the rule fires for' }) firing: number;
  @ApiProperty({ example: 5 }) opened: number;
  @ApiProperty({ example: 37 }) refreshed: number;
  @ApiProperty({ example: 2 }) cleared: number;
  @ApiProperty({ example: 120 }) ms: number;
}

export class RunCohortCountsDto {
  @ApiProperty({ example: 1 }) opened: number;
  @ApiProperty({ example: 0 }) updated: number;
}

export class RunStatsDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { $ref: '#/components/schemas/RuleApplyCountsDto' }, description: 'per rule key' })
  rules?: Record<string, RuleApplyCountsDto>;
  @ApiPropertyOptional({ type: RunCohortCountsDto }) cohortAlerts?: RunCohortCountsDto;
  @ApiPropertyOptional({ example: 850 }) durationMs?: number;
}

export class RuleRunViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] }) status: string;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger: string;
  @ApiProperty({ format: 'date-time', description: 'the moment evaluated' }) asOf: string;
  @ApiProperty({ type: String, nullable: true, description: 'staff id, or null for the schedule' }) requestedBy: string | null;
  @ApiProperty({ format: 'date-time' }) queuedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 850 }) durationMs: number | null;
  @ApiProperty({ example: 5 }) alertsOpened: number;
  @ApiProperty({ example: 37 }) alertsRefreshed: number;
  @ApiProperty({ example: 2 }) alertsCleared: number;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: RunStatsDto, nullable: true }) stats: RunStatsDto | null;
}

export class BacktestRuleDto {
  @ApiProperty({ enum: RULE_KINDS, example: 'inactive_days' }) kind: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { days: 10 }, description: 'the parameters used, defaults filled in' })
  params: Record<string, number>;
}

export class BacktestDayDto {
  @ApiProperty({ example: '2026-10-01' }) day: string;
  @ApiProperty({ example: 40, description: 'enrolments the rule fires for at the end of the day (open alerts)' }) firing: number;
  @ApiProperty({ example: 6, description: 'alerts that would have opened that day: the daily workload' }) opened: number;
  @ApiProperty({ example: 3 }) cleared: number;
}

export class BacktestTotalsDto {
  @ApiProperty({ example: 310 }) alertsOpened: number;
  @ApiProperty({ example: 35, description: 'alerts already open when the period starts' }) openAtStart: number;
  @ApiProperty({ example: 240 }) distinctLearners: number;
  @ApiProperty({ example: 262 }) distinctEnrollments: number;
  @ApiProperty({ example: 3.44 }) avgDailyWorkload: number;
  @ApiProperty({ example: 11 }) maxDailyWorkload: number;
  @ApiProperty({ example: 58 }) peakFiring: number;
}

export class AlertQualityDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'outcomes used (last analytics refresh); null before the first refresh' })
  asOf: string | null;
  @ApiProperty({ example: 262 }) alertedEnrolments: number;
  @ApiProperty({ example: 200, description: 'flagged enrolments whose first flag is at least 30 days before asOf' }) precisionN: number;
  @ApiProperty({ example: 58 }) churnedWithin30: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.29, description: 'share of flagged enrolments that churned within 30 days' }) precision:
    number | null;
  @ApiProperty({ example: 80, description: 'enrolments that churned in the period' }) recallN: number;
  @ApiProperty({ example: 52 }) alertedBeforeChurn: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.65, description: 'share of churned enrolments flagged before they churned' }) recall: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 9 }) medianLeadDays: number | null;
}

export class BacktestResultDto {
  @ApiProperty({ type: BacktestRuleDto }) rule: BacktestRuleDto;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) courseId: string | null;
  @ApiProperty({ example: '2026-08-01' }) from: string;
  @ApiProperty({ example: '2026-10-29' }) to: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timezone: string;
  @ApiProperty({ type: [BacktestDayDto] }) days: BacktestDayDto[];
  @ApiProperty({ type: BacktestTotalsDto }) totals: BacktestTotalsDto;
  @ApiProperty({ type: AlertQualityDto, description: 'how well the draft would have predicted churn (GET /analytics/rules definitions)' })
  quality: AlertQualityDto;
  @ApiProperty({ example: 1200 }) elapsedMs: number;
}

export class RuleParamSpecDto {
  @ApiProperty({ example: 'days' }) name: string;
  @ApiProperty({ example: true, description: 'whole numbers only' }) integer: boolean;
  @ApiProperty({ example: 1 }) min: number;
  @ApiProperty({ example: 365 }) max: number;
  @ApiProperty({ example: false, description: 'the value must be above min (ratios above zero)' }) minExclusive: boolean;
  @ApiProperty({ example: 7, description: 'taken when the parameter is left out' }) default: number;
  @ApiProperty({ example: 'days without a login, counted from max(last login, enrolment)' }) meaning: string;
}

export class RuleKindDto {
  @ApiProperty({ enum: RULE_KINDS }) kind: string;
  @ApiProperty({ type: [RuleParamSpecDto] }) params: RuleParamSpecDto[];
}
