import { KINDS, type RuleKindSpec } from './kinds/index.js';
import type { ParamsByKind, RuleKind } from './rule-definitions.js';

/**
 * Backtest: for each school day d in [$1 from, $2 to] (time zone $3), would the rule fire at the end of d?
 * Each kind (libs/rules/kinds/<kind>.ts, `backtest.intervals`) yields firing *intervals* `(enrollment_id, s, e)` (days s..e inclusive) straight from the
 * rollups in one set-based statement — no per-day re-evaluation — which the caller merges and counts.
 * Parameters follow from `$4`, then an optional course id; the SQL of some kinds is sized to the period, which is
 * passed again as `period` (the same dates as $1 and $2). Status history is approximated from the current status: an enrolment that
 * is no longer active is taken as active until the day its status changed.
 */

const dayNumber = (isoDate: string): number => Date.UTC(+isoDate.slice(0, 4), +isoDate.slice(5, 7) - 1, +isoDate.slice(8, 10)) / 86_400_000;
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
 * The CTEs every backtest shares, ending in `islands (enrollment_id, learner_id, s, e)`: the runs of days s..e on
 * which the rule fires at the end of the day, one per alert (clipped to each enrolment's active days and to
 * [from − 1, to]; an island starting at from − 1 was already open when the period began).
 */
function islandsCtes(
  kind: RuleKind,
  params: ParamsByKind[RuleKind],
  period: { from: string; to: string },
  courseId: string | null,
  teamIds: string[] | null,
): { ctes: string; values: unknown[]; serial: boolean } {
  const spec = KINDS[kind] as RuleKindSpec<RuleKind>;
  const b = spec.backtest.intervals(params as never, { from: dayNumber(period.from), to: dayNumber(period.to) });
  const courseParam = `$${4 + b.values.length}`;
  const teamsParam = `$${5 + b.values.length}`;
  const ctes = `
    with w as (${ACTIVE_WINDOW(spec.backtest.statuses, courseParam, teamsParam)}),
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
    islands as (select enrollment_id, min(learner_id::text) as learner_id, min(s) as s, max(e) as e from grouped group by enrollment_id, grp)`;
  return { ctes, values: [...b.values, courseId, teamIds], serial: b.serial ?? false };
}

/** The firing runs themselves (enrolment, first day, last day), for checking a kind's backtest against its live query. */
export function backtestIslandsQuery(kind: RuleKind, params: ParamsByKind[RuleKind], period: { from: string; to: string }): { sql: string; values: unknown[] } {
  const q = islandsCtes(kind, params, period, null, null);
  return { sql: `${q.ctes} select enrollment_id::text, to_char(s, 'YYYY-MM-DD') as s, to_char(e, 'YYYY-MM-DD') as e from islands`, values: q.values };
}

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
  const q = islandsCtes(kind, params, period, courseId, teamIds);
  const sql = `${q.ctes},
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
  return { sql, values: q.values, serial: q.serial };
}
