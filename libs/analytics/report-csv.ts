import type {
  AdvisorsReport,
  ChurnFigures,
  ChurnReasonsReport,
  FirstWeekReport,
  RetentionReport,
  RulesReport,
  SlaClockFigures,
  TicketGroupFigures,
  TicketsReport,
} from './analytics.types.js';
import { toCsv, type CsvValue } from './csv.js';
import type { Uplift } from './stats.js';

/** The same numbers as the JSON reports, one table each (`Accept: text/csv`). */

const CHURN_COLUMNS = [
  'enrolments',
  'mature30',
  'churned30',
  'churnRate30',
  'mature60',
  'churned60',
  'churnRate60',
  'mature90',
  'churned90',
  'churnRate90',
] as const;

function churnCells(f: ChurnFigures): Record<string, CsvValue> {
  return Object.fromEntries(CHURN_COLUMNS.map((k) => [k, f[k]]));
}

/** One row per cohort plus a `total` row; the retention curve as week_<n> columns (share still active). */
export function retentionCsv(r: RetentionReport): string {
  const rows = [...r.cohorts, r.total];
  const weeks = Math.max(0, ...rows.map((c) => (c.curve.length ? c.curve[c.curve.length - 1].week : 0)));
  const weekCols = Array.from({ length: weeks }, (_, i) => `week_${i + 1}`);
  const columns = ['cohort', ...CHURN_COLUMNS, 'churnedToDate', 'renewed', 'renewalDue', 'renewalRate', ...weekCols];
  return toCsv(
    columns,
    rows.map((c) => ({
      cohort: c.cohort,
      ...churnCells(c),
      churnedToDate: c.churnedToDate,
      renewed: c.renewed,
      renewalDue: c.renewalDue,
      renewalRate: c.renewalRate,
      ...Object.fromEntries(c.curve.map((p) => [`week_${p.week}`, p.activeShare])),
    })),
  );
}

const UPLIFT_COLUMNS = [
  'horizonDays',
  'holdoutN',
  'holdoutChurned',
  'holdoutChurn',
  'treatedN',
  'treatedChurned',
  'treatedChurn',
  'difference',
  'ciLow',
  'ciHigh',
  'conclusive',
  'verdict',
] as const;

function upliftCells(u: Uplift): Record<string, CsvValue> {
  return Object.fromEntries(UPLIFT_COLUMNS.map((k) => [k, u[k]]));
}

/** Rows: per scope (overall, then each course) the three groups and the uplift; sparse columns. */
export function firstWeekCsv(r: FirstWeekReport): string {
  const columns = ['scope', 'courseId', 'courseTitle', 'row', ...CHURN_COLUMNS, 'coverageEligible', 'coverageCovered', 'coverageShare', ...UPLIFT_COLUMNS];
  const rows: Array<Record<string, CsvValue>> = [];
  const scopes = [
    { scope: 'overall', courseId: null as string | null, courseTitle: null as string | null, groups: r.groups, coverage: r.coverage, uplift: r.uplift },
    ...r.byCourse.map((c) => ({ scope: 'course', ...c })),
  ];
  for (const s of scopes) {
    const head = { scope: s.scope, courseId: s.courseId, courseTitle: s.courseTitle };
    for (const g of ['covered', 'notCovered', 'holdout'] as const) rows.push({ ...head, row: g, ...churnCells(s.groups[g]) });
    rows.push({ ...head, row: 'coverage', coverageEligible: s.coverage.eligible, coverageCovered: s.coverage.covered, coverageShare: s.coverage.share });
    rows.push({ ...head, row: 'uplift', ...upliftCells(s.uplift) });
  }
  return toCsv(columns, rows);
}

export function rulesCsv(r: RulesReport): string {
  const columns = [
    'ruleKey',
    'name',
    'enabled',
    'alerts',
    'alertedEnrolments',
    'precisionN',
    'churnedWithin30',
    'precision',
    'recallN',
    'alertedBeforeChurn',
    'recall',
    'medianLeadDays',
    'feedback_useful',
    'feedback_not_useful',
    'feedback_incorrect',
  ];
  return toCsv(
    columns,
    r.rules.map((x) => ({
      ...x,
      feedback: undefined,
      feedback_useful: x.feedback.useful,
      feedback_not_useful: x.feedback.not_useful,
      feedback_incorrect: x.feedback.incorrect,
    })),
  );
}

export function churnReasonsCsv(r: ChurnReasonsReport): string {
  return toCsv(
    ['reason', 'count', 'share', 'fromCases', 'fromCalls'],
    [
      ...r.reasons,
      {
        reason: 'total',
        count: r.total,
        share: r.total > 0 ? 1 : null,
        fromCases: r.reasons.reduce((s, x) => s + x.fromCases, 0),
        fromCalls: r.reasons.reduce((s, x) => s + x.fromCalls, 0),
      },
    ],
  );
}

export function advisorsCsv(r: AdvisorsReport): string {
  const columns = [
    'advisorId',
    'name',
    'teamId',
    'status',
    'openCases',
    'tasksDone',
    'tasksOverdue',
    'callsReached',
    'medianFirstContactMinutes',
    'firstContactN',
    'outcome_retained',
    'outcome_churned',
    'outcome_unreachable',
    'outcome_not_at_risk',
  ];
  return toCsv(
    columns,
    r.advisors.map((a) => ({
      ...a,
      outcomes: undefined,
      outcome_retained: a.outcomes.retained,
      outcome_churned: a.outcomes.churned,
      outcome_unreachable: a.outcomes.unreachable,
      outcome_not_at_risk: a.outcomes.not_at_risk,
    })),
  );
}

const CLOCK_COLUMNS = ['measured', 'p50Minutes', 'p90Minutes', 'met', 'breached', 'open', 'compliance'] as const;

/** Rows: overall, then per category, then per priority; first-response and resolution columns side by side. */
export function ticketsCsv(r: TicketsReport): string {
  const columns = ['scope', 'key', 'tickets', ...CLOCK_COLUMNS.map((c) => `firstResponse_${c}`), ...CLOCK_COLUMNS.map((c) => `resolution_${c}`)];
  const row = (scope: string, key: string, g: TicketGroupFigures): Record<string, CsvValue> => ({
    scope,
    key,
    tickets: g.tickets,
    ...Object.fromEntries(CLOCK_COLUMNS.map((c) => [`firstResponse_${c}`, (g.firstResponse as SlaClockFigures)[c]])),
    ...Object.fromEntries(CLOCK_COLUMNS.map((c) => [`resolution_${c}`, (g.resolution as SlaClockFigures)[c]])),
  });
  return toCsv(columns, [
    row('overall', '', r.overall),
    ...r.byCategory.map((c) => row('category', c.category, c)),
    ...r.byPriority.map((p) => row('priority', p.priority, p)),
  ]);
}
