/*
 * Late or missing assignments (late_assignments): everything the rule means, in one place — its parameters and defaults, the default rule
 * seeded with them, the live query (does it fire as of a time?), the backtest query (on which past days did it
 * fire?) and the words for its parameters and its evidence. test/rules-kinds.e2e-spec.ts runs the live and the
 * backtest query over the same data and expects the same learners on the same days.
 */
import { CLOCK, type Evidence, type RuleKindSpec } from './kind.js';

/** Late and missing assignments; evidence from before missing ones counted has only `lateAssignments`. */
function lateAssignmentsSummary(e: Evidence): string {
  const late = Number(e.lateAssignments ?? 0);
  const missing = Number(e.missingAssignments ?? 0);
  const counted = e.countedAssignments ?? late + missing;
  const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
  return (
    `${counted} ${plural(counted, 'assignment', 'assignments')} more than ${e.lateDays} days past due: ` +
    `${late} submitted late, ${missing} still missing (threshold ${e.thresholdCount}).`
  );
}

export const lateAssignments: RuleKindSpec<'late_assignments'> = {
  kind: 'late_assignments',
  params: {
    lateDays: {
      integer: true,
      min: 1,
      max: 365,
      default: 3,
      meaning: 'an assignment counts when submitted, or still missing, more than this many days after its due time',
    },
    count: { integer: true, min: 1, max: 1000, default: 2, meaning: 'late or missing assignments (cumulative per enrolment) needed to fire' },
  },
  defaultRule: {
    key: 'late_assignments',
    name: 'Two assignments more than 3 days late',
    severity: 'medium',
    action: { taskKind: 'obstacle_call', dueWithinHours: 48 },
    cohortThreshold: null,
  },
  // Each assignment is one row of enrollment_assignments (keyed by assignment id), so a replayed submission
  // is counted once, and an assignment counted while missing is the same one counted once submitted. It counts
  // when submitted more than lateDays after its due time, or when still missing (not submitted as of $1, or set
  // and never submitted) more than lateDays after it.
  live: (p) => ({
    values: [p.lateDays, p.count],
    sql: `
      select e.id as enrollment_id, e.learner_id,
        jsonb_build_object(
          'countedAssignments', la.n,
          'lateAssignments', la.late,
          'missingAssignments', la.n - la.late,
          'thresholdCount', $4::int,
          'lateDays', $3::int,
          'assignments', la.items,
          'window', jsonb_build_object('from', careloop_iso(la.first_due), 'to', careloop_iso(c.as_of))
        ) as evidence
      from ${CLOCK}
      join lateral (
        select a.enrollment_id, count(*)::int as n, count(*) filter (where a.submitted_at <= c.as_of)::int as late, min(a.due_at) as first_due,
          jsonb_agg(jsonb_build_object('assignmentId', a.assignment_id, 'dueAt', careloop_iso(a.due_at),
            'status', case when a.submitted_at <= c.as_of then 'late' else 'missing' end,
            'submittedAt', case when a.submitted_at <= c.as_of then careloop_iso(a.submitted_at) end,
            'daysLate', round((extract(epoch from least(a.submitted_at, c.as_of) - a.due_at) / 86400)::numeric, 1)) order by a.due_at, a.assignment_id) as items
        from enrollment_assignments a
        where case when a.submitted_at <= c.as_of then a.submitted_at - a.due_at else c.as_of - a.due_at end > make_interval(days => $3::int)
        group by a.enrollment_id
        having count(*) >= $4::int
      ) la on true
      join enrollments e on e.id = la.enrollment_id and e.status in ('active', 'paused') and e.enrolled_at <= c.as_of`,
  }),
  backtest: {
    statuses: `'active','paused'`,
    // An assignment counts from the end of the first day on which it is more than lateDays past due and still
    // missing — unless it was submitted in time — and, missing or later submitted late, for good: the rule fires
    // from the day the N-th assignment starts to count. Assignments never submitted are missing on every day.
    intervals: (p) => ({
      values: [p.lateDays, p.count],
      sql: `
        late as (
          select a.enrollment_id, x.day, row_number() over (partition by a.enrollment_id order by x.day) as n
          from enrollment_assignments a
          cross join lateral (select ((a.due_at + make_interval(hours => 24 * $4::int)) at time zone $3::text)::date as day) x
          where (a.submitted_at is null or a.submitted_at - a.due_at > make_interval(days => $4::int)) and x.day <= $2::date),
        iv as (select enrollment_id, day as s, $2::date as e from late where n = $5::int)`,
    }),
  },
  describeParams: (p) => {
    return `${p.count} or more assignments submitted — or still missing — more than ${p.lateDays} days after their due time (cumulative per enrolment).`;
  },
  describeEvidence: (e: Evidence) => {
    return lateAssignmentsSummary(e);
  },
};
