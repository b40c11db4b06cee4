/*
 * No login for N days (inactive_days): everything the rule means, in one place — its parameters and defaults, the default rule
 * seeded with them, the live query (does it fire as of a time?), the backtest query (on which past days did it
 * fire?) and the words for its parameters and its evidence. test/rules-kinds.e2e-spec.ts runs the live and the
 * backtest query over the same data and expects the same learners on the same days.
 */
import { CLOCK, type Evidence, type RuleKindSpec } from './kind.js';

export const inactiveDays: RuleKindSpec<'inactive_days'> = {
  kind: 'inactive_days',
  params: {
    days: { integer: true, min: 1, max: 365, default: 7, meaning: 'days without a login, counted from max(last login, enrolment)' },
  },
  defaultRule: {
    key: 'inactive_7d',
    name: 'No login for 7 days',
    severity: 'medium',
    action: { taskKind: 'care_call', dueWithinHours: 24 },
    cohortThreshold: 0.05,
  },
  // Counted from max(last login, enrolment). Last login as of $1: the stored time when it is not after $1,
  // otherwise (evaluating the past, or sync never set it) the start of the last rollup day with a login. Then, as the
  // backtest counts whole days, the rule holds at the end of the N-th day without a login (the stored time, when
  // there is one, makes it fire N × 24 hours after the login itself, during that day).
  live: (p) => ({
    values: [p.days],
    sql: `
      select e.id as enrollment_id, e.learner_id,
        jsonb_build_object(
          'inactiveDays', floor(extract(epoch from c.as_of - s.last_seen) / 86400)::int,
          'thresholdDays', $3::int,
          'lastLoginAt', careloop_iso(l.last_login),
          'enrolledAt', careloop_iso(e.enrolled_at),
          'window', jsonb_build_object('from', careloop_iso(s.last_seen), 'to', careloop_iso(c.as_of))
        ) as evidence
      from ${CLOCK}
      join enrollments e on e.status = 'active' and e.enrolled_at <= c.as_of
      join learners le on le.id = e.learner_id
      cross join lateral (
        select greatest(
          case when e.last_login_at <= c.as_of then e.last_login_at end,
          case when le.last_login_at <= c.as_of then le.last_login_at end,
          case when e.last_login_at is null or e.last_login_at > c.as_of then (
            select case when max(d.day) is not null then least(c.as_of, (max(d.day)::timestamp at time zone $2::text)) end
              from enrollment_daily d where d.enrollment_id = e.id and d.logins > 0 and d.day <= c.today
          ) end
        ) as last_login
      ) l
      cross join lateral (select greatest(e.enrolled_at, l.last_login) as last_seen) s
      where c.as_of - s.last_seen >= make_interval(days => $3::int)`,
  }),
  backtest: {
    statuses: `'active'`,
    // No big sort: each enrolment's login days in [from − 1 − N, to] become one bit string (hash aggregates);
    // every run of ≥ N zeros [a, b] means inactive on days a + N − 1 … b, and never before N days after
    // enrolling (counted from the enrolment time, as the live rule does).
    intervals: (p) => ({
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
  },
  describeParams: (p) => {
    return `No login for ${p.days} days, counted from the later of the last login and the enrolment (active enrolments only).`;
  },
  describeEvidence: (e: Evidence) => {
    return `No login for ${e.inactiveDays} days (threshold ${e.thresholdDays}); ${e.lastLoginAt ? `last login ${e.lastLoginAt}` : `never logged in since enrolling ${e.enrolledAt}`}.`;
  },
};
