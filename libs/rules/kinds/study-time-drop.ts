/*
 * Study time dropping week after week (study_time_drop): everything the rule means, in one place — its parameters and defaults, the default rule
 * seeded with them, the live query (does it fire as of a time?), the backtest query (on which past days did it
 * fire?) and the words for its parameters and its evidence. test/rules-kinds.e2e-spec.ts runs the live and the
 * backtest query over the same data and expects the same learners on the same days.
 */
import { CLOCK, pct, type Evidence, type RuleKindSpec } from './kind.js';

/** The Monday of a day number's week (1970-01-01 was a Thursday). */
const mondayOf = (day: number): number => day - ((((day + 3) % 7) + 7) % 7);
/**
 * The Monday of the week of a date parameter, in date arithmetic only (2000-01-03 was a Monday): unlike
 * date_trunc, which goes through timestamptz, the planner folds it into a constant.
 */
const MONDAY = (param: string) => `(${param}::date - ((${param}::date - date '2000-01-03') % 7 + 7) % 7)`;

export const studyTimeDrop: RuleKindSpec<'study_time_drop'> = {
  kind: 'study_time_drop',
  params: {
    dropRatio: {
      integer: false,
      min: 0,
      max: 1,
      minExclusive: true,
      default: 0.5,
      meaning: 'a week counts as a drop when its minutes are at most this share of the week before',
    },
    weeks: { integer: true, min: 1, max: 8, default: 2, meaning: 'consecutive dropping full weeks needed to fire' },
  },
  defaultRule: {
    key: 'study_time_drop',
    name: 'Weekly study time halved two weeks running',
    severity: 'low',
    action: { taskKind: 'survey', dueWithinHours: 72 },
    cohortThreshold: null,
  },
  // Full weeks (Monday to Sunday, school time zone) before the current one: w1 is the last full week.
  // Fires when w1 <= r·w2, w2 <= r·w3, … for `weeks` consecutive drops, from a baseline week with minutes.
  live: (p) => {
    const n = p.weeks + 1;
    const cols = Array.from({ length: n }, (_, i) => i + 1);
    const sums = cols
      .map((i) => `coalesce(sum(d.study_minutes) filter (where d.day >= c.week0 - ${7 * i} and d.day < c.week0 - ${7 * (i - 1)}), 0)::int as w${i}`)
      .join(',\n          ');
    const drops = cols
      .slice(0, -1)
      .map((i) => `w.w${i} <= $3::numeric * w.w${i + 1}`)
      .join(' and ');
    const weeks = [...cols]
      .reverse()
      .map((i) => `jsonb_build_object('weekStart', c.week0 - ${7 * i}, 'minutes', w.w${i})`)
      .join(', ');
    return {
      values: [p.dropRatio, p.weeks],
      sql: `
      select e.id as enrollment_id, e.learner_id,
        jsonb_build_object(
          'weeks', jsonb_build_array(${weeks}),
          'dropRatio', $3::numeric,
          'consecutiveDrops', $4::int,
          'window', jsonb_build_object('from', c.week0 - ${7 * n}, 'to', c.week0 - 1)
        ) as evidence
      -- MONDAY, not date_trunc('week', …): a constant, so the week filters below are plain date comparisons (as
      -- date_trunc of a timestamptz, each of the 1.3M rollup rows evaluated it for every week: 1.6 s of the rule's 3 s).
      from (select c0.*, ${MONDAY('c0.today')} as week0 from ${CLOCK.replace(/ c$/, ' c0')}) c
      join lateral (
        select d.enrollment_id,
          ${sums}
        from enrollment_daily d
        where d.day >= c.week0 - ${7 * n} and d.day < c.week0
        group by d.enrollment_id
      ) w on true
      join enrollments e on e.id = w.enrollment_id and e.status = 'active' and e.enrolled_at <= c.as_of
      where w.w${n} > 0 and ${drops}`,
    };
  },
  backtest: {
    statuses: `'active'`,
    // Each calendar week fires or not as a whole, judged on the full weeks before it. Firing needs minutes in
    // the baseline week (the oldest of the n + 1), so each week with minutes is a possible baseline. The weeks run
    // from W0, n weeks before the Monday of `from`, to the Monday of `to`: one hash aggregate per enrolment (not per
    // enrolment and week, a million groups to sort again for the look-ahead) puts the minutes of week i in element
    // i + 1 of an array, a week without rows having 0; then baselines are read off the arrays. Its groups are few
    // enough for parallel workers (each merges about as many groups as there are enrolments). The array has a
    // filtered sum per week: 16 for 90 days, about 60 at the longest period.
    intervals: (p, period) => {
      const n = p.weeks + 1;
      const weeks = (mondayOf(period.to) - mondayOf(period.from)) / 7 + n;
      const w0 = `(${MONDAY('$1')} - ${7 * n})`;
      // Each week's first and next Monday are constants (folded), so each filter is two comparisons.
      const sums = Array.from(
        { length: weeks },
        (_, i) => `coalesce(sum(d.study_minutes) filter (where d.day >= ${w0} + ${7 * i} and d.day < ${w0} + ${7 * i + 7}), 0)::int`,
      ).join(', ');
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
  },
  describeParams: (p) => {
    return `Weekly study minutes at most ${Math.round(p.dropRatio * 100)}% of the week before, ${p.weeks} full weeks running.`;
  },
  describeEvidence: (e: Evidence) => {
    const weeks = (e.weeks as Array<{ weekStart: string; minutes: number }> | undefined) ?? [];
    return `Weekly study minutes ${weeks.map((w) => w.minutes).join(' → ')} (weeks from ${weeks[0]?.weekStart ?? '?'}): each week at most ${pct(e.dropRatio)} of the one before.`;
  },
};
