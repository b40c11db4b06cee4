/*
 * Complaints in a calendar month (complaints): everything the rule means, in one place — its parameters and defaults, the default rule
 * seeded with them, the live query (does it fire as of a time?), the backtest query (on which past days did it
 * fire?) and the words for its parameters and its evidence. test/rules-kinds.e2e-spec.ts runs the live and the
 * backtest query over the same data and expects the same learners on the same days.
 */
import { CLOCK, type Evidence, type RuleKindSpec } from './kind.js';

export const complaints: RuleKindSpec<'complaints'> = {
  kind: 'complaints',
  params: {
    count: { integer: true, min: 1, max: 1000, default: 2, meaning: 'complaints in one calendar month (school time zone) needed to fire' },
  },
  defaultRule: {
    key: 'complaints',
    name: 'Two complaints in one calendar month',
    severity: 'high',
    action: { taskKind: 'escalation', dueWithinHours: 8 },
    cohortThreshold: null,
  },
  // Month to date in the school time zone: a new month starts from zero.
  live: (p) => ({
    values: [p.count],
    sql: `
      select e.id as enrollment_id, e.learner_id,
        jsonb_build_object(
          'complaints', m.n,
          'thresholdCount', $3::int,
          'month', to_char(c.today, 'YYYY-MM'),
          'days', m.days,
          'window', jsonb_build_object('from', date_trunc('month', c.today)::date, 'to', c.today)
        ) as evidence
      from ${CLOCK}
      join lateral (
        select d.enrollment_id, sum(d.complaints)::int as n,
          jsonb_agg(jsonb_build_object('day', d.day, 'complaints', d.complaints) order by d.day) as days
        from enrollment_daily d
        where d.complaints > 0 and d.day >= date_trunc('month', c.today)::date and d.day <= c.today
        group by d.enrollment_id
        having sum(d.complaints) >= $3::int
      ) m on true
      join enrollments e on e.id = m.enrollment_id and e.enrolled_at <= c.as_of`,
  }),
  backtest: {
    statuses: `'active','paused','completed','cancelled','expired'`,
    // From the day a month's count reaches the threshold until the month ends.
    intervals: (p) => ({
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
  },
  describeParams: (p) => {
    return `${p.count} or more complaints in one calendar month (school time zone).`;
  },
  describeEvidence: (e: Evidence) => {
    return `${e.complaints} complaints in ${e.month} (threshold ${e.thresholdCount}).`;
  },
};
