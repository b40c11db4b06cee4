import { ApiProperty } from '@nestjs/swagger';
import type {
  AdvisorsReport,
  ChurnFigures,
  ChurnReasonsReport,
  FirstWeekReport,
  RetentionReport,
  RulesReport,
  SlaClockFigures,
  TicketsReport,
} from '../../../../libs/analytics/analytics.types.js';
import { CHURN_REASONS } from '../../../../libs/analytics/analytics.types.js';
import { advisorsCsv, churnReasonsCsv, firstWeekCsv, retentionCsv, rulesCsv, ticketsCsv } from '../../../../libs/analytics/report-csv.js';
import { holdoutUplift } from '../../../../libs/analytics/stats.js';

// Rates are fractions in 0..1, null when there is nothing to divide by (never a misleading 0).
const rate = (example: number, description?: string) => ({
  type: Number,
  nullable: true,
  example,
  minimum: 0,
  maximum: 1,
  ...(description ? { description } : {}),
});
const day = { type: String, nullable: true, example: '2026-01-01' };

export class ChurnFiguresDto {
  @ApiProperty({ example: 420 }) enrolments: number;
  @ApiProperty({ example: 380, description: 'enrolments at least 30 days old (the 30-day denominator)' }) mature30: number;
  @ApiProperty({ example: 61 }) churned30: number;
  @ApiProperty(rate(0.160526)) churnRate30: number | null;
  @ApiProperty({ example: 300 }) mature60: number;
  @ApiProperty({ example: 66 }) churned60: number;
  @ApiProperty(rate(0.22)) churnRate60: number | null;
  @ApiProperty({ example: 240 }) mature90: number;
  @ApiProperty({ example: 62 }) churned90: number;
  @ApiProperty(rate(0.258333)) churnRate90: number | null;
}

export class CurvePointDto {
  @ApiProperty({ example: 4 }) week: number;
  @ApiProperty({ example: 350, description: 'enrolments observed for at least this many weeks' }) enrolments: number;
  @ApiProperty(rate(0.82, 'share still active')) activeShare: number | null;
}

export class RetentionFiguresDto extends ChurnFiguresDto {
  @ApiProperty({ example: 70 }) churnedToDate: number;
  @ApiProperty({ example: 40 }) renewed: number;
  @ApiProperty({ example: 95, description: 'enrolments whose renewal came due' }) renewalDue: number;
  @ApiProperty(rate(0.421053)) renewalRate: number | null;
}

export class CohortReportDto extends RetentionFiguresDto {
  @ApiProperty({ example: '2026-09', description: 'month (YYYY-MM) or week (YYYY-MM-DD, its Monday); "total" for the total row' }) cohort: string;
  @ApiProperty({ type: [CurvePointDto] }) curve: CurvePointDto[];
}

export class CourseRetentionDto extends RetentionFiguresDto {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ example: 'Python from zero' }) courseTitle: string;
}

export class RetentionReportDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'outcomes are computed as of this time' }) asOf: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) refreshedAt: string | null;
  @ApiProperty({ enum: ['week', 'month'] }) cohortBy: string;
  @ApiProperty({ type: Number, nullable: true, example: 30 }) churnInactiveDays: number | null;
  @ApiProperty(day) from: string | null;
  @ApiProperty({ ...day, example: '2026-03-31' }) to: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) courseId: string | null;
  @ApiProperty({ type: [CohortReportDto] }) cohorts: CohortReportDto[];
  @ApiProperty({ type: CohortReportDto, description: 'all cohorts together (cohort "total")' }) total: CohortReportDto;
  @ApiProperty({ type: [CourseRetentionDto] }) byCourse: CourseRetentionDto[];
}

export class CoverageDto {
  @ApiProperty({ example: 300, description: 'treated enrolments past their first week' }) eligible: number;
  @ApiProperty({ example: 240, description: 'with at least 5 of 7 check-ins reached' }) covered: number;
  @ApiProperty(rate(0.8)) share: number | null;
}

export class FirstWeekGroupsDto {
  @ApiProperty({ type: ChurnFiguresDto }) covered: ChurnFiguresDto;
  @ApiProperty({ type: ChurnFiguresDto }) notCovered: ChurnFiguresDto;
  @ApiProperty({ type: ChurnFiguresDto }) holdout: ChurnFiguresDto;
}

export class UpliftDto {
  @ApiProperty({ type: Number, nullable: true, example: 0.12, description: 'churn(holdout) − churn(treated): positive means the calls keep learners' })
  difference: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    example: 0.04,
    description: 'unpooled standard error of the difference, for reference; the interval does not use it',
  })
  standardError: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.04, description: "95% confidence interval (Newcombe's hybrid score interval), low end" }) ciLow:
    number | null;
  @ApiProperty({ type: Number, nullable: true, example: 0.2 }) ciHigh: number | null;
  @ApiProperty({ example: 30 }) horizonDays: number;
  @ApiProperty({ example: 120 }) holdoutN: number;
  @ApiProperty({ example: 1080 }) treatedN: number;
  @ApiProperty({ example: 40 }) holdoutChurned: number;
  @ApiProperty({ example: 230 }) treatedChurned: number;
  @ApiProperty(rate(0.333333)) holdoutChurn: number | null;
  @ApiProperty(rate(0.212963)) treatedChurn: number | null;
  @ApiProperty({ example: true, description: 'both groups are large enough and the interval excludes zero' }) conclusive: boolean;
  @ApiProperty({ example: 'Interventions reduce 30-day churn by 12.0 points (95% CI 4.0 points to 20.0 points; holdout n=120, treated n=1080).' })
  verdict: string;
}

export class CourseFirstWeekDto {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ example: 'Python from zero' }) courseTitle: string;
  @ApiProperty({ type: CoverageDto }) coverage: CoverageDto;
  @ApiProperty({ type: FirstWeekGroupsDto }) groups: FirstWeekGroupsDto;
  @ApiProperty({ type: UpliftDto }) uplift: UpliftDto;
}

export class FirstWeekReportDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) asOf: string | null;
  @ApiProperty({ enum: [30, 60, 90], example: 30 }) horizonDays: number;
  @ApiProperty(day) from: string | null;
  @ApiProperty({ ...day, example: '2026-03-31' }) to: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) courseId: string | null;
  @ApiProperty({ type: CoverageDto }) coverage: CoverageDto;
  @ApiProperty({ example: 35, description: 'enrolments still in their first week (in no group yet)' }) inFirstWeek: number;
  @ApiProperty({ type: FirstWeekGroupsDto }) groups: FirstWeekGroupsDto;
  @ApiProperty({ type: UpliftDto }) uplift: UpliftDto;
  @ApiProperty({ type: [CourseFirstWeekDto] }) byCourse: CourseFirstWeekDto[];
}

export class FeedbackCountsReportDto {
  @ApiProperty({ example: 12 }) useful: number;
  @ApiProperty({ example: 3 }) not_useful: number;
  @ApiProperty({ example: 1 }) incorrect: number;
}

export class RuleQualityDto {
  @ApiProperty({ example: 'inactive_7d' }) ruleKey: string;
  @ApiProperty({ example: 'No login for 7 days' }) name: string;
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: 210 }) alerts: number;
  @ApiProperty({ example: 190 }) alertedEnrolments: number;
  @ApiProperty({ example: 150, description: 'alerted enrolments whose first alert is at least 30 days old' }) precisionN: number;
  @ApiProperty({ example: 48 }) churnedWithin30: number;
  @ApiProperty(rate(0.32, 'share of alerted enrolments that churned within 30 days')) precision: number | null;
  @ApiProperty({ example: 90, description: 'churned enrolments in the period' }) recallN: number;
  @ApiProperty({ example: 63 }) alertedBeforeChurn: number;
  @ApiProperty(rate(0.7, 'share of churned enrolments alerted beforehand')) recall: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 11, description: 'days from first alert to churn' }) medianLeadDays: number | null;
  @ApiProperty({ type: FeedbackCountsReportDto }) feedback: FeedbackCountsReportDto;
}

export class RulesReportDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) asOf: string | null;
  @ApiProperty(day) from: string | null;
  @ApiProperty({ ...day, example: '2026-03-31' }) to: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) courseId: string | null;
  @ApiProperty({ example: 90 }) churnedEnrolments: number;
  @ApiProperty({ type: [RuleQualityDto] }) rules: RuleQualityDto[];
}

export class ChurnReasonShareDto {
  @ApiProperty({ enum: CHURN_REASONS }) reason: string;
  @ApiProperty({ example: 14 }) count: number;
  @ApiProperty(rate(0.35)) share: number | null;
  @ApiProperty({ example: 9, description: 'recorded when resolving cases' }) fromCases: number;
  @ApiProperty({ example: 5, description: 'recorded with call outcomes' }) fromCalls: number;
}

export class ChurnReasonsReportDto {
  @ApiProperty(day) from: string | null;
  @ApiProperty({ ...day, example: '2026-03-31' }) to: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) courseId: string | null;
  @ApiProperty({ example: 40 }) total: number;
  @ApiProperty({ type: [ChurnReasonShareDto] }) reasons: ChurnReasonShareDto[];
}

export class AdvisorOutcomesDto {
  @ApiProperty({ example: 20 }) retained: number;
  @ApiProperty({ example: 4 }) churned: number;
  @ApiProperty({ example: 3 }) unreachable: number;
  @ApiProperty({ example: 6 }) not_at_risk: number;
}

export class AdvisorFiguresDto {
  @ApiProperty({ format: 'uuid' }) advisorId: string;
  @ApiProperty({ example: 'Li Wei' }) name: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ enum: ['active', 'away', 'inactive'] }) status: string;
  @ApiProperty({ example: 18 }) openCases: number;
  @ApiProperty({ example: 140 }) tasksDone: number;
  @ApiProperty({ example: 3 }) tasksOverdue: number;
  @ApiProperty({ example: 96 }) callsReached: number;
  @ApiProperty({ type: Number, nullable: true, example: 185 }) medianFirstContactMinutes: number | null;
  @ApiProperty({ example: 33, description: 'cases with a first contact in the period' }) firstContactN: number;
  @ApiProperty({ type: AdvisorOutcomesDto }) outcomes: AdvisorOutcomesDto;
}

export class AdvisorsReportDto {
  @ApiProperty({ format: 'date-time' }) asOf: string;
  @ApiProperty(day) from: string | null;
  @ApiProperty({ ...day, example: '2026-03-31' }) to: string | null;
  @ApiProperty({ type: [AdvisorFiguresDto] }) advisors: AdvisorFiguresDto[];
}

export class SlaClockFiguresDto {
  @ApiProperty({ example: 180, description: 'tickets with a measured duration' }) measured: number;
  @ApiProperty({ type: Number, nullable: true, example: 42, description: 'business minutes' }) p50Minutes: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 210 }) p90Minutes: number | null;
  @ApiProperty({ example: 160 }) met: number;
  @ApiProperty({ example: 20 }) breached: number;
  @ApiProperty({ example: 12, description: 'not done yet and still within target' }) open: number;
  @ApiProperty(rate(0.888889, 'met ÷ (met + breached)')) compliance: number | null;
}

export class TicketGroupFiguresDto {
  @ApiProperty({ example: 192 }) tickets: number;
  @ApiProperty({ type: SlaClockFiguresDto }) firstResponse: SlaClockFiguresDto;
  @ApiProperty({ type: SlaClockFiguresDto }) resolution: SlaClockFiguresDto;
}

export class TicketCategoryFiguresDto extends TicketGroupFiguresDto {
  @ApiProperty({ example: 'technical' }) category: string;
}

export class TicketPriorityFiguresDto extends TicketGroupFiguresDto {
  @ApiProperty({ example: 'high' }) priority: string;
}

export class TicketsReportDto {
  @ApiProperty({ format: 'date-time' }) asOf: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when business-minute durations were last computed' }) durationsAsOf:
    string | null;
  @ApiProperty({ example: 0, description: 'tickets changed since durationsAsOf' }) staleDurations: number;
  @ApiProperty(day) from: string | null;
  @ApiProperty({ ...day, example: '2026-03-31' }) to: string | null;
  @ApiProperty({ type: TicketGroupFiguresDto }) overall: TicketGroupFiguresDto;
  @ApiProperty({ type: [TicketCategoryFiguresDto] }) byCategory: TicketCategoryFiguresDto[];
  @ApiProperty({ type: [TicketPriorityFiguresDto] }) byPriority: TicketPriorityFiguresDto[];
}

export class AnalyticsStatusDto {
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'outcomes are computed as of this time' }) asOf: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) refreshedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) requestedAt: string | null;
  @ApiProperty({ example: false, description: 'a refresh was requested after the last one finished' }) pending: boolean;
  @ApiProperty({ example: 3000 }) enrollments: number;
  @ApiProperty({ example: 41, description: 'outcomes the last refresh changed' }) changed: number;
  @ApiProperty({ type: Number, nullable: true, example: 640 }) durationMs: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 30 }) churnInactiveDays: number | null;
}

export class RefreshAcceptedDto {
  @ApiProperty({ format: 'date-time' }) requestedAt: string;
  @ApiProperty({ enum: ['queued'] }) status: string;
}

// CSV examples rendered by the same functions the endpoints use, from small example reports.
const figures: ChurnFigures = {
  enrolments: 120,
  mature30: 100,
  churned30: 18,
  churnRate30: 0.18,
  mature60: 80,
  churned60: 20,
  churnRate60: 0.25,
  mature90: 60,
  churned90: 18,
  churnRate90: 0.3,
};
const cohort = {
  ...figures,
  churnedToDate: 22,
  renewed: 10,
  renewalDue: 25,
  renewalRate: 0.4,
  curve: [
    { week: 1, enrolments: 120, activeShare: 0.95 },
    { week: 2, enrolments: 110, activeShare: 0.9 },
  ],
};
const retention: RetentionReport = {
  asOf: null,
  refreshedAt: null,
  cohortBy: 'month',
  churnInactiveDays: 30,
  from: null,
  to: null,
  courseId: null,
  cohorts: [{ cohort: '2026-09', ...cohort }],
  total: { cohort: 'total', ...cohort },
  byCourse: [],
};
const uplift = holdoutUplift({ holdoutChurned: 40, holdoutN: 120, treatedChurned: 230, treatedN: 1080 });
const firstWeek: FirstWeekReport = {
  asOf: null,
  horizonDays: 30,
  from: null,
  to: null,
  courseId: null,
  coverage: { eligible: 300, covered: 240, share: 0.8 },
  inFirstWeek: 35,
  groups: { covered: figures, notCovered: figures, holdout: figures },
  uplift,
  byCourse: [],
};
const rules: RulesReport = {
  asOf: null,
  from: null,
  to: null,
  courseId: null,
  churnedEnrolments: 90,
  rules: [
    {
      ruleKey: 'inactive_7d',
      name: 'No login for 7 days',
      enabled: true,
      alerts: 210,
      alertedEnrolments: 190,
      precisionN: 150,
      churnedWithin30: 48,
      precision: 0.32,
      recallN: 90,
      alertedBeforeChurn: 63,
      recall: 0.7,
      medianLeadDays: 11,
      feedback: { useful: 12, not_useful: 3, incorrect: 1 },
    },
  ],
};
const reasons: ChurnReasonsReport = {
  from: null,
  to: null,
  courseId: null,
  total: 20,
  reasons: [
    { reason: 'life_circumstances', count: 12, share: 0.6, fromCases: 8, fromCalls: 4 },
    { reason: 'slow_service', count: 8, share: 0.4, fromCases: 5, fromCalls: 3 },
  ],
};
const advisors: AdvisorsReport = {
  asOf: '2026-11-25T08:00:00.000Z',
  from: null,
  to: null,
  advisors: [
    {
      advisorId: '5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34',
      name: 'Li Wei',
      teamId: null,
      status: 'active',
      openCases: 18,
      tasksDone: 140,
      tasksOverdue: 3,
      callsReached: 96,
      medianFirstContactMinutes: 185,
      firstContactN: 33,
      outcomes: { retained: 20, churned: 4, unreachable: 3, not_at_risk: 6 },
    },
  ],
};
const clock: SlaClockFigures = { measured: 180, p50Minutes: 42, p90Minutes: 210, met: 160, breached: 20, open: 12, compliance: 0.888889 };
const tickets: TicketsReport = {
  asOf: '2026-11-25T08:00:00.000Z',
  durationsAsOf: null,
  staleDurations: 0,
  from: null,
  to: null,
  overall: { tickets: 192, firstResponse: clock, resolution: clock },
  byCategory: [{ category: 'technical', tickets: 192, firstResponse: clock, resolution: clock }],
  byPriority: [],
};
export const CSV_EXAMPLES = {
  retention: retentionCsv(retention),
  firstWeek: firstWeekCsv(firstWeek),
  rules: rulesCsv(rules),
  churnReasons: churnReasonsCsv(reasons),
  advisors: advisorsCsv(advisors),
  tickets: ticketsCsv(tickets),
};
