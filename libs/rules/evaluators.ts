import type { ParamsByKind, RuleDefinition, RuleKind } from './rule-definitions.js';

/**
 * One set-based statement per rule kind. Each yields the enrolments for which the rule fires as of `$1`
 * (a timestamptz), with `$2` the school time zone, as rows `(enrollment_id, learner_id, evidence)`.
 * Evidence holds the numbers that fired and the window they were measured over; it only changes when
 * those numbers do, so re-running with no data change rewrites nothing.
 *
 * Only active enrolments raise inactivity, pace and study-time alerts (paused, cancelled, completed and
 * expired never do); late assignments also count for paused enrolments; complaints count for any status.
 */
export interface FiringQuery {
  sql: string;
  values: unknown[];
}

const CLOCK = `(select $1::timestamptz as as_of, ($1::timestamptz at time zone $2::text)::date as today) c`;

type Builder<K extends RuleKind> = (p: ParamsByKind[K]) => { sql: string; values: unknown[] };

const BUILDERS: { [K in RuleKind]: Builder<K> } = {
  // Counted from max(last login, enrolment). Last login as of $1: the stored time when it is not after $1,
  // otherwise (evaluating the past, or sync never set it) the end of the last rollup day with a login.
  inactive_days: (p) => ({
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
            select case when max(d.day) is not null then least(c.as_of, ((max(d.day) + 1)::timestamp at time zone $2::text)) end
              from enrollment_daily d where d.enrollment_id = e.id and d.logins > 0 and d.day <= c.today
          ) end
        ) as last_login
      ) l
      cross join lateral (select greatest(e.enrolled_at, l.last_login) as last_seen) s
      where c.as_of - s.last_seen >= make_interval(days => $3::int)`,
  }),

  // expected = total × min(elapsed, duration) ÷ duration; fires after the grace period when
  // completed < ratio × expected. Elapsed is rounded to 0.1 day so evidence is stable between hourly runs.
  low_completion: (p) => ({
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

  // Each assignment is one row of enrollment_assignments (keyed by assignment id), so a replayed submission
  // is counted once, and an assignment counted while missing is the same one counted once submitted. It counts
  // when submitted more than lateDays after its due time, or when still missing (not submitted as of $1, or set
  // and never submitted) more than lateDays after it.
  late_assignments: (p) => ({
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

  // Month to date in the school time zone: a new month starts from zero.
  complaints: (p) => ({
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

  // Full weeks (Monday to Sunday, school time zone) before the current one: w1 is the last full week.
  // Fires when w1 <= r·w2, w2 <= r·w3, … for `weeks` consecutive drops, from a baseline week with minutes.
  study_time_drop: (p) => {
    const n = p.weeks + 1;
    const cols = Array.from({ length: n }, (_, i) => i + 1);
    const sums = cols
      .map((i) => `coalesce(sum(d.study_minutes) filter (where d.day >= c.week0 - ${7 * i} and d.day < c.week0 - ${7 * (i - 1)}), 0)::int as w${i}`)
      .join(',\n          ');
    const drops = cols.slice(0, -1).map((i) => `w.w${i} <= $3::numeric * w.w${i + 1}`).join(' and ');
    const weeks = [...cols].reverse().map((i) => `jsonb_build_object('weekStart', c.week0 - ${7 * i}, 'minutes', w.w${i})`).join(', ');
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
      from (select c0.*, date_trunc('week', c0.today)::date as week0 from ${CLOCK.replace(/ c$/, ' c0')}) c
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
};

/** The firing query of one rule; `$1` = as-of time, `$2` = school time zone, `$3…` = its parameters. */
export function firingQuery(rule: Pick<RuleDefinition, 'kind' | 'params'>): FiringQuery {
  const build = BUILDERS[rule.kind] as Builder<RuleKind>;
  return build(rule.params as never);
}

/** Shifts `$n` placeholders by `offset` so a firing query can be embedded after other parameters. */
export function shiftPlaceholders(sql: string, offset: number): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
