import type { Uplift } from './stats.js';

export const CHURN_REASONS = ['expectation_gap', 'lack_of_support', 'content_mismatch', 'slow_service', 'life_circumstances', 'other'] as const;
export type ChurnReason = (typeof CHURN_REASONS)[number];

/** Filters every report accepts; dates are calendar days in the school time zone, both ends inclusive. */
export interface PeriodQuery {
  from?: string;
  to?: string;
  courseId?: string;
  /** One team's courses (within the caller's scope). */
  teamId?: string;
}

export interface ChurnFigures {
  enrolments: number;
  mature30: number;
  churned30: number;
  churnRate30: number | null;
  mature60: number;
  churned60: number;
  churnRate60: number | null;
  mature90: number;
  churned90: number;
  churnRate90: number | null;
}

export interface CurvePoint {
  week: number;
  /** Enrolments observed for at least `week` weeks (the denominator). */
  enrolments: number;
  activeShare: number | null;
}

export interface CohortReport extends ChurnFigures {
  cohort: string;
  churnedToDate: number;
  renewed: number;
  renewalDue: number;
  renewalRate: number | null;
  curve: CurvePoint[];
}

export interface RetentionReport {
  asOf: string | null;
  refreshedAt: string | null;
  cohortBy: 'week' | 'month';
  churnInactiveDays: number | null;
  from: string | null;
  to: string | null;
  courseId: string | null;
  cohorts: CohortReport[];
  total: Omit<CohortReport, 'cohort'> & { cohort: 'total' };
  /** The same figures per course (no curve). */
  byCourse: Array<Omit<CohortReport, 'cohort' | 'curve'> & { courseId: string; courseTitle: string }>;
}

export interface FirstWeekGroups {
  covered: ChurnFigures;
  notCovered: ChurnFigures;
  holdout: ChurnFigures;
}

export interface Coverage {
  /** Treated enrolments past their first week. */
  eligible: number;
  covered: number;
  share: number | null;
}

export interface FirstWeekReport {
  asOf: string | null;
  horizonDays: number;
  from: string | null;
  to: string | null;
  courseId: string | null;
  coverage: Coverage;
  /** Enrolments still in their first week (in no group yet). */
  inFirstWeek: number;
  groups: FirstWeekGroups;
  uplift: Uplift;
  byCourse: Array<{ courseId: string; courseTitle: string; coverage: Coverage; groups: FirstWeekGroups; uplift: Uplift }>;
}

export interface RuleQuality {
  ruleKey: string;
  name: string;
  enabled: boolean;
  alerts: number;
  alertedEnrolments: number;
  /** Alerted enrolments whose first alert in the period is at least 30 days old. */
  precisionN: number;
  churnedWithin30: number;
  precision: number | null;
  /** Churned enrolments in the period (the recall denominator). */
  recallN: number;
  alertedBeforeChurn: number;
  recall: number | null;
  medianLeadDays: number | null;
  feedback: { useful: number; not_useful: number; incorrect: number };
}

export interface RulesReport {
  asOf: string | null;
  from: string | null;
  to: string | null;
  courseId: string | null;
  churnedEnrolments: number;
  rules: RuleQuality[];
}

export interface ChurnReasonsReport {
  from: string | null;
  to: string | null;
  courseId: string | null;
  total: number;
  reasons: Array<{ reason: ChurnReason; count: number; share: number | null; fromCases: number; fromCalls: number }>;
}

export interface AdvisorFigures {
  advisorId: string;
  name: string;
  teamId: string | null;
  status: string;
  openCases: number;
  tasksDone: number;
  tasksOverdue: number;
  callsReached: number;
  medianFirstContactMinutes: number | null;
  firstContactN: number;
  outcomes: { retained: number; churned: number; unreachable: number; not_at_risk: number };
}

export interface AdvisorsReport {
  asOf: string;
  from: string | null;
  to: string | null;
  advisors: AdvisorFigures[];
}

/** Precision/recall of a set of alerts (live or simulated by a backtest) against refreshed outcomes. */
export interface AlertQuality {
  asOf: string | null;
  alertedEnrolments: number;
  precisionN: number;
  churnedWithin30: number;
  precision: number | null;
  recallN: number;
  alertedBeforeChurn: number;
  recall: number | null;
  medianLeadDays: number | null;
}

export interface SlaClockFigures {
  /** Tickets with a measured duration (answered / resolved, with a calendar). */
  measured: number;
  p50Minutes: number | null;
  p90Minutes: number | null;
  met: number;
  breached: number;
  /** Not answered / resolved yet and still within target. */
  open: number;
  /** met ÷ (met + breached); null when nothing is decided yet. */
  compliance: number | null;
}

export interface TicketGroupFigures {
  tickets: number;
  firstResponse: SlaClockFigures;
  resolution: SlaClockFigures;
}

export interface TicketsReport {
  asOf: string;
  /** When the business-minute durations were last computed; tickets changed since are counted in `staleDurations`. */
  durationsAsOf: string | null;
  staleDurations: number;
  from: string | null;
  to: string | null;
  overall: TicketGroupFigures;
  byCategory: Array<TicketGroupFigures & { category: string }>;
  byPriority: Array<TicketGroupFigures & { priority: string }>;
}
