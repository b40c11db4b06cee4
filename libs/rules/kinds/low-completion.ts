/*
 * Behind the course pace (low_completion): everything the rule means, in one place — its parameters and defaults, the default rule
 * seeded with them, the live query (does it fire as of a time?), the backtest query (on which past days did it
 * fire?) and the words for its parameters and its evidence. test/rules-kinds.e2e-spec.ts runs the live and the
 * backtest query over the same data and expects the same learners on the same days.
 */
import { CLOCK, pct, type Evidence, type RuleKindSpec } from './kind.js';

/**
 * low_completion: the first day on which `count` completed lessons fire (elapsed ≥ grace and elapsed >
 * completed·duration ÷ (ratio·total)), from the enrolment columns of `row` (enroll_day, base, duration_days,
 * total_lessons). The count must also be below ratio·total.
 */
const K_FROM = (count: string, row = count.split('.')[0]) =>
  `${row}.enroll_day + greatest(0, ceil($5::int - ${row}.base), floor(${count}::numeric * ${row}.duration_days / ($4::numeric * ${row}.total_lessons) - ${row}.base) + 1)::int`;
/**
 * The same day in floating point (the row also has cap_f = ratio·total and base_f), which is exact whenever the
 * values floored and ceiled are below 10⁶ and not within 10⁻⁶ of a whole number (their rounding errors are far
 * smaller); otherwise the numeric K_FROM.
 */
const K_FROM_FAST = (count: string, row = count.split('.')[0]) => {
  const y = `(${count} * ${row}.duration_days / ${row}.cap_f - ${row}.base_f)`;
  const g = `($5::int - ${row}.base_f)`;
  return `case when abs(${y}) < 1e6 and abs(${y} - round(${y})) > 1e-6 and abs(${g} - round(${g})) > 1e-6
          then ${row}.enroll_day + greatest(0, ceil(${g}), floor(${y}) + 1)::int else ${K_FROM(count, row)} end`;
};

export const lowCompletion: RuleKindSpec<'low_completion'> = {
  kind: 'low_completion',
  params: {
    ratio: { integer: false, min: 0, max: 1, minExclusive: true, default: 0.2, meaning: 'fires when completed ÷ expected lessons is below this' },
    graceDays: { integer: true, min: 0, max: 365, default: 7, meaning: 'days after enrolment before the pace is judged' },
  },
  defaultRule: {
    key: 'low_completion',
    name: 'Completion below 20% of the expected pace',
    severity: 'medium',
    action: { taskKind: 'advisor_contact', dueWithinHours: 48 },
    cohortThreshold: null,
  },
  // expected = total × min(elapsed, duration) ÷ duration; fires after the grace period when
  // completed < ratio × expected. Elapsed is rounded to 0.1 day so evidence is stable between hourly runs.
  live: (p) => ({
    values: [p.ratio, p.graceDays],
    sql: `
      select e.id as enrollment_id, e.learner_id,
        jsonb_build_object(
          'completedLessons', e.completed_lessons,
          'totalLessons', co.total_lessons,
          'expectedLessons', round(x.expected, 1),
          'paceRatio', round(e.completed_lessons / x.expected, 3),
          'thresholdRatio', $3::numeric,
          'elapsedDays', x.elapsed,
          'durationDays', co.duration_days,
          'graceDays', $4::int,
          'window', jsonb_build_object('from', careloop_iso(e.enrolled_at), 'to', careloop_iso(c.as_of))
        ) as evidence
      from ${CLOCK}
      join enrollments e on e.status = 'active' and e.enrolled_at <= c.as_of
      join courses co on co.id = e.course_id and co.total_lessons > 0
      cross join lateral (select round((extract(epoch from c.as_of - e.enrolled_at) / 86400)::numeric, 1) as elapsed) t
      cross join lateral (select t.elapsed, co.total_lessons * least(t.elapsed, co.duration_days) / co.duration_days as expected) x
      where x.elapsed >= $4::int and x.expected > 0 and e.completed_lessons < $3::numeric * x.expected`,
  }),
  backtest: {
    statuses: `'active'`,
    // Between two lesson days the completed count is constant while the expected count grows, so each
    // segment fires from a computable first day: elapsed ≥ grace and elapsed > completed·duration ÷ (ratio·total).
    // Only segments reaching into [from − 1, to] matter: lessons before from − 1 are one sum per enrolment (hash
    // aggregate), and only the period's lesson days are sorted; the course figures are joined once per enrolment.
    // The first firing day of each segment (1.5 million at 100k enrolments) is computed in floating point where that
    // gives the numeric result exactly (K_FROM_FAST): numeric division on every one of them took seconds.
    intervals: (p) => ({
      values: [p.ratio, p.graceDays],
      sql: `
        prior as (
          select d.enrollment_id, coalesce(sum(d.lessons_completed) filter (where d.day < $1::date - 1), 0) as c,
                 min(d.day) filter (where d.day >= $1::date - 1) as first_day
          from enrollment_daily d where d.lessons_completed > 0 and d.day <= $2::date
          group by d.enrollment_id),
        pace0 as (
          select w.enrollment_id, w.enroll_day, co.total_lessons, co.duration_days, coalesce(pr.c, 0) as c0, pr.first_day,
                 extract(epoch from ((w.enroll_day + 1)::timestamp at time zone $3::text) - w.enrolled_at) / 86400 as base
          from w
          join enrollments e on e.id = w.enrollment_id
          join courses co on co.id = e.course_id and co.total_lessons > 0
          left join prior pr on pr.enrollment_id = w.enrollment_id),
        -- The count only grows, so an enrolment whose count before the period already keeps pace up to the
        -- last day (same formula as below) can never fire in it: its lesson days are not sorted.
        pace as materialized (
          select pa.*, $4::numeric * pa.total_lessons as cap, ($4::numeric * pa.total_lessons)::float8 as cap_f, pa.base::float8 as base_f
          from pace0 pa
          where pa.c0 < $4::numeric * pa.total_lessons
            and floor(pa.c0::numeric * pa.duration_days / ($4::numeric * pa.total_lessons) - pa.base) + 1 <= $2::date - pa.enroll_day),
        lessons as (
          select d.enrollment_id, d.day, sum(d.lessons_completed) over (partition by d.enrollment_id order by d.day) as cum,
                 lead(d.day) over (partition by d.enrollment_id order by d.day) as next_day
          from enrollment_daily d join pace pl on pl.enrollment_id = d.enrollment_id
          where d.lessons_completed > 0 and d.day >= $1::date - 1 and d.day <= $2::date),
        segs as (
          select pa.enrollment_id, $1::date - 1 as a, coalesce(pa.first_day - 1, $2::date) as b, 0::bigint as dc from pace pa
          union all
          select l.enrollment_id, l.day, coalesce(l.next_day - 1, $2::date), l.cum from lessons l),
        iv as (
          select s.enrollment_id, greatest(s.a, ${K_FROM_FAST('x.c', 'pa')}) as s, s.b as e
          from segs s
          join pace pa on pa.enrollment_id = s.enrollment_id
          cross join lateral (select pa.c0 + s.dc as c) x
          where x.c < pa.cap)`,
    }),
  },
  describeParams: (p) => {
    return `Completed lessons below ${Math.round(p.ratio * 100)}% of the expected pace (total × elapsed ÷ duration), after a ${p.graceDays}-day grace period.`;
  },
  describeEvidence: (e: Evidence) => {
    return `Completed ${e.completedLessons} of ${e.expectedLessons} lessons expected after ${e.elapsedDays} of ${e.durationDays} days (${pct(e.paceRatio)} of pace; threshold ${pct(e.thresholdRatio)}).`;
  },
};
