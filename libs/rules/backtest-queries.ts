import type { ParamsByKind, RuleKind } from './rule-definitions.js';

/**
 * Backtest: for each school day d in [$1 from, $2 to] (time zone $3), would the rule fire at the end of d?
 * Each kind yields firing *intervals* `(enrollment_id, s, e)` (days s..e inclusive) straight from the
 * rollups in one set-based statement — no per-day re-evaluation — which the caller merges and counts.
 * Parameters follow from `$4`, then an optional course id; the SQL of some kinds is sized to the period, which is
 * passed again as `period` (the same dates as $1 and $2). Status history is approximated from the current status: an enrolment that
 * is no longer active is taken as active until the day its status changed.
 */
type Builder<K extends RuleKind> = (p: ParamsByKind[K], period: PeriodDays) => { sql: string; values: unknown[]; serial?: boolean };

/** The period's first and last day ($1 and $2) as day numbers (days since 1970-01-01), for sizing queries. */
interface PeriodDays {
  from: number;
  to: number;
}

const dayNumber = (isoDate: string): number => Date.UTC(+isoDate.slice(0, 4), +isoDate.slice(5, 7) - 1, +isoDate.slice(8, 10)) / 86_400_000;
/** The Monday of a day number's week (1970-01-01 was a Thursday). */
const mondayOf = (day: number): number => day - (((day + 3) % 7) + 7) % 7;
/**
 * The Monday of the week of a date parameter, in date arithmetic only (2000-01-03 was a Monday): unlike
 * date_trunc, which goes through timestamptz, the planner folds it into a constant.
 */
const MONDAY = (param: string) => `(${param}::date - ((${param}::date - date '2000-01-03') % 7 + 7) % 7)`;

/**
 * Active days of each enrolment: from its enrolment day until today, or until the day before its status changed.
 * Only enrolments in the course given, and in courses of the teams given (null: every team), take part.
 */
const ACTIVE_WINDOW = (statuses: string, courseParam: string, teamsParam: string) => `
  select e.id as enrollment_id, e.learner_id, e.enrolled_at, (e.enrolled_at at time zone $3::text)::date as enroll_day,
         case when e.status in (${statuses}) then $2::date else (e.status_changed_at at time zone $3::text)::date - 1 end as active_end
  from enrollments e
  where (e.enrolled_at at time zone $3::text)::date <= $2::date and (${courseParam}::uuid is null or e.course_id = ${courseParam}::uuid)
    and (${teamsParam}::uuid[] is null or e.course_id in (select c.id from courses c where c.team_id = any(${teamsParam}::uuid[])))`;

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

const BUILDERS: { [K in RuleKind]: Builder<K> } = {
  // No big sort: each enrolment's login days in [from − 1 − N, to] become one bit string (hash aggregates);
  // every run of ≥ N zeros [a, b] means inactive on days a + N − 1 … b, and never before N days after
  // enrolling (counted from the enrolment time, as the live rule does).
  inactive_days: (p) => ({
    values: [p.days],
    sql: `
      span as (select $1::date - 1 - $4::int as d0, $2::date - ($1::date - 1 - $4::int) + 1 as len, repeat('0', $4::int) || '0*' as pat),
      -- 63-day words of bigint bits (bit_or in a hash aggregate), then concatenated in order per enrolment.
      words as (
        select d.enrollment_id, (d.day - span.d0) / 63 as wi, bit_or(1::bigint << (62 - (d.day - span.d0) % 63)) as wb
        from enrollment_daily d, span
        where d.logins > 0 and d.day >= span.d0 and d.day <= $2::date
        group by 1, 2),
      masks as (
        select wd.enrollment_id, left(string_agg(substr(wd.wb::bit(64)::text, 2), '' order by wd.wi), span.len) as txt
        from (select e.enrollment_id, g.wi, coalesce(x.wb, 0) as wb
              from (select distinct enrollment_id from words) e
              cross join span cross join generate_series(0, (span.len - 1) / 63) g(wi)
              left join words x on x.enrollment_id = e.enrollment_id and x.wi = g.wi) wd, span
        group by wd.enrollment_id, span.len),
      runs as (
        select w.enrollment_id, w.enrolled_at, t.txt, g.n
        from w cross join span
        left join masks m on m.enrollment_id = w.enrollment_id
        cross join lateral (select coalesce(m.txt, repeat('0', span.len)) as txt) t
        cross join lateral generate_series(1, regexp_count(t.txt, span.pat)) g(n)),
      -- Materialized: the run positions (regular expressions) are computed once, not again in each later join filter.
      iv as materialized (
        select r.enrollment_id,
               greatest(span.d0 + regexp_instr(r.txt, span.pat, 1, r.n::int) - 1 + $4::int - 1,
                        case when x.t = date_trunc('day', x.t) then x.t::date - 1 else x.t::date end) as s,
               span.d0 + regexp_instr(r.txt, span.pat, 1, r.n::int, 1) - 2 as e
        from runs r cross join span
        cross join lateral (select (r.enrolled_at + make_interval(days => $4::int)) at time zone $3::text as t) x)`,
  }),

  // Between two lesson days the completed count is constant while the expected count grows, so each
  // segment fires from a computable first day: elapsed ≥ grace and elapsed > completed·duration ÷ (ratio·total).
  // Only segments reaching into [from − 1, to] matter: lessons before from − 1 are one sum per enrolment (hash
  // aggregate), and only the period's lesson days are sorted; the course figures are joined once per enrolment.
  // The first firing day of each segment (1.5 million at 100k enrolments) is computed in floating point where that
  // gives the numeric result exactly (K_FROM_FAST): numeric division on every one of them took seconds.
  low_completion: (p) => ({
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

  // An assignment counts from the end of the first day on which it is more than lateDays past due and still
  // missing — unless it was submitted in time — and, missing or later submitted late, for good: the rule fires
  // from the day the N-th assignment starts to count. Assignments never submitted are missing on every day.
  late_assignments: (p) => ({
    values: [p.lateDays, p.count],
    sql: `
      late as (
        select a.enrollment_id, x.day, row_number() over (partition by a.enrollment_id order by x.day) as n
        from enrollment_assignments a
        cross join lateral (select ((a.due_at + make_interval(hours => 24 * $4::int)) at time zone $3::text)::date as day) x
        where (a.submitted_at is null or a.submitted_at - a.due_at > make_interval(days => $4::int)) and x.day <= $2::date),
      iv as (select enrollment_id, day as s, $2::date as e from late where n = $5::int)`,
  }),

  // From the day a month's count reaches the threshold until the month ends.
  complaints: (p) => ({
    values: [p.count],
    sql: `
      monthly as (
        select d.enrollment_id, d.day, date_trunc('month', d.day)::date as month,
               sum(d.complaints) over (partition by d.enrollment_id, date_trunc('month', d.day) order by d.day) as cum,
               sum(d.complaints) over (partition by d.enrollment_id, date_trunc('month', d.day) order by d.day rows between unbounded preceding and 1 preceding) as before
        from enrollment_daily d
        where d.complaints > 0 and d.day >= date_trunc('month', $1::date)::date and d.day <= $2::date),
      iv as (
        select enrollment_id, day as s, (month + interval '1 month')::date - 1 as e
        from monthly where cum >= $4::int and coalesce(before, 0) < $4::int)`,
  }),

  // Each calendar week fires or not as a whole, judged on the full weeks before it. Firing needs minutes in
  // the baseline week (the oldest of the n + 1), so each week with minutes is a possible baseline. The weeks run
  // from W0, n weeks before the Monday of `from`, to the Monday of `to`: one hash aggregate per enrolment (not per
  // enrolment and week, a million groups to sort again for the look-ahead) puts the minutes of week i in element
  // i + 1 of an array, a week without rows having 0; then baselines are read off the arrays. Its groups are few
  // enough for parallel workers (each merges about as many groups as there are enrolments). The array has a
  // filtered sum per week: 16 for 90 days, about 60 at the longest period.
  study_time_drop: (p, period) => {
    const n = p.weeks + 1;
    const weeks = (mondayOf(period.to) - mondayOf(period.from)) / 7 + n;
    const w0 = `(${MONDAY('$1')} - ${7 * n})`;
    // Each week's first and next Monday are constants (folded), so each filter is two comparisons.
    const sums = Array.from({ length: weeks }, (_, i) => `coalesce(sum(d.study_minutes) filter (where d.day >= ${w0} + ${7 * i} and d.day < ${w0} + ${7 * i + 7}), 0)::int`).join(', ');
    // Week i + j has minutes at most the ratio of week i + j − 1, for j = 1 … n − 1.
    const drops = Array.from({ length: n - 1 }, (_, j) => `w.m[g.i + ${j + 2}] <= $4::numeric * w.m[g.i + ${j + 1}]`).join(' and ');
    return {
      values: [p.dropRatio, p.weeks],
      sql: `
      wk as materialized (
        select d.enrollment_id, array[${sums}] as m
        from enrollment_daily d
        where d.study_minutes > 0 and d.day >= ${w0} and d.day < ${MONDAY('$2')}
        group by d.enrollment_id),
      -- Baseline week i fires week i + n: from the Monday of the first day up to the Monday of the last.
      iv as materialized (
        select w.enrollment_id, ${w0} + 7 * (g.i + ${n}) as s, ${w0} + 7 * (g.i + ${n}) + 6 as e
        from wk w cross join generate_series(0, ${weeks - n}) g(i)
        where $5::int > 0 and w.m[g.i + 1] > 0 and ${drops})`,
    };
  },
};

const STATUSES: Record<RuleKind, string> = {
  inactive_days: `'active'`,
  low_completion: `'active'`,
  study_time_drop: `'active'`,
  late_assignments: `'active','paused'`,
  complaints: `'active','paused','completed','cancelled','expired'`,
};

/**
 * The whole backtest as one statement: per-day firing counts, alerts opened (the workload) and cleared,
 * plus totals. Intervals are clipped to each enrolment's active days and to [from − 1, to], merged into
 * islands (one alert each); an island starting at from − 1 was already open when the period began.
 */
export function backtestQuery(
  kind: RuleKind,
  params: ParamsByKind[RuleKind],
  period: { from: string; to: string },
  courseId: string | null = null,
  teamIds: string[] | null = null,
): { sql: string; values: unknown[]; serial: boolean } {
  const b = (BUILDERS[kind] as Builder<RuleKind>)(params as never, { from: dayNumber(period.from), to: dayNumber(period.to) });
  const courseParam = `$${4 + b.values.length}`;
  const teamsParam = `$${5 + b.values.length}`;
  const sql = `
    with w as (${ACTIVE_WINDOW(STATUSES[kind], courseParam, teamsParam)}),
    ${b.sql},
    -- Empty intervals (most gaps between two logins, most lesson segments) go before any join or sort.
    live as (select * from iv where iv.s <= iv.e and iv.e >= $1::date - 1 and iv.s <= $2::date),
    clipped as (
      select iv.enrollment_id, w.learner_id, greatest(iv.s, w.enroll_day, $1::date - 1) as s, least(iv.e, w.active_end, $2::date) as e
      from live iv join w on w.enrollment_id = iv.enrollment_id),
    valid as (select * from clipped where s <= e and e >= $1::date),
    marked as (
      select v.*, case when v.s <= max(v.e) over (partition by v.enrollment_id order by v.s, v.e rows between unbounded preceding and 1 preceding) + 1
                       then 0 else 1 end as starts
      from valid v),
    grouped as (select m.*, sum(m.starts) over (partition by m.enrollment_id order by m.s, m.e) as grp from marked m),
    islands as (select enrollment_id, min(learner_id::text) as learner_id, min(s) as s, max(e) as e from grouped group by enrollment_id, grp),
    flagged as (select enrollment_id, min(s) as s from islands group by enrollment_id),
    ev as (
      select greatest(s, $1::date) as day, 1 as delta, (s >= $1::date)::int as opened, 0 as cleared from islands
      union all
      select e + 1, -1, 0, 1 from islands where e < $2::date),
    per_day as (select day, sum(delta) as delta, sum(opened) as opened, sum(cleared) as cleared from ev group by day),
    days as (
      select g.day::date as day,
             sum(coalesce(p.delta, 0)) over (order by g.day)::int as firing,
             coalesce(p.opened, 0)::int as opened,
             coalesce(p.cleared, 0)::int as cleared
      from generate_series($1::date, $2::date, interval '1 day') g(day)
      left join per_day p on p.day = g.day::date)
    select
      (select jsonb_agg(jsonb_build_object('day', to_char(day, 'YYYY-MM-DD'), 'firing', firing, 'opened', opened, 'cleared', cleared) order by day) from days) as days,
      (select count(distinct learner_id)::int from islands) as distinct_learners,
      (select count(distinct enrollment_id)::int from islands) as distinct_enrollments,
      (select count(*)::int from islands where s >= $1::date) as alerts_opened,
      (select count(*)::int from islands where s < $1::date) as open_at_start,
      -- Each flagged enrolment's first alert, dated at the end of the day it fires (the period's start when already open).
      (select coalesce(array_agg(enrollment_id::text order by enrollment_id), array[]::text[]) from flagged) as flagged_ids,
      (select coalesce(array_agg(((s + 1)::timestamp at time zone $3::text) order by enrollment_id), array[]::timestamptz[]) from flagged) as flagged_at`;
  return { sql, values: [...b.values, courseId, teamIds], serial: b.serial ?? false };
}
