import type pg from 'pg';

export interface SeedPlan {
  learners: number;
  teams: number;
  advisorsPerTeam: number;
  courses: number;
  /** The "now" of the school: everything happened in the 365 days before. */
  asOf: Date;
  seed: number;
}

/**
 * A school of `learners` learners seeded straight into the shared tables with set-based SQL (deterministic
 * for a given seed): ~1.2 enrolments per learner over a year, statuses and logins that make every kind of
 * churn, 10% holdout, first-week check-ins for the last 200 days, alerts with feedback, cases with outcomes
 * and reasons, care calls and support tickets on a business-hours calendar.
 */
export async function seedSchool(
  pool: pg.Pool,
  p: SeedPlan,
  progress: (m: string) => void,
): Promise<{ enrolments: number; tasks: number; alerts: number; cases: number; tickets: number }> {
  const q = (sql: string, params: unknown[] = []) => pool.query(sql, params);
  const client = await pool.connect();
  try {
    await client.query(`select setseed($1)`, [(p.seed % 1000) / 1000]);
    const c = (sql: string, params: unknown[] = []) => client.query(sql, params);
    // Staff: one supervisor and N advisors per team (no one logs in: the benchmark signs tokens).
    await c(`insert into teams (name) select 'Team ' || t from generate_series(1, $1) t`, [p.teams]);
    await c(
      `insert into staff (email, name, password_hash, role, team_id, capacity, skills, timezone, working_hours, status)
       select 'sup' || row_number() over () || '@bench.careloop', 'Supervisor ' || t.name, 'x', 'supervisor', t.id, 0, '{}', 'Asia/Shanghai', '{}'::jsonb, 'active' from teams t`,
    );
    await c(`update teams t set supervisor_id = s.id from staff s where s.team_id = t.id and s.role = 'supervisor'`);
    await c(
      `insert into staff (email, name, password_hash, role, team_id, capacity, skills, timezone, working_hours, status)
       select 'adv-' || t.id || '-' || a || '@bench.careloop', 'Advisor ' || a || ' ' || t.name, 'x', 'advisor', t.id, 200, '{}', 'Asia/Shanghai', '{}'::jsonb, 'active'
         from teams t cross join generate_series(1, $1) a`,
      [p.advisorsPerTeam],
    );
    await c(
      `insert into staff (email, name, password_hash, role, capacity, skills, timezone, working_hours, status) values ('admin@bench.careloop', 'Admin', 'x', 'admin', 0, '{}', 'Asia/Shanghai', '{}', 'active')`,
    );
    await c(
      `insert into courses (external_id, title, total_lessons, duration_days, team_id)
       select 'C' || i, 'Course ' || i, 40, 180, (select id from teams order by name offset (i % $2) limit 1)
         from generate_series(1, $1) i`,
      [p.courses, p.teams],
    );
    await c(
      `insert into learners (external_id, name, holdout, owner_advisor_id)
       select 'L' || i, 'Learner ' || i, (i % 10 = 0),
              (select array_agg(id order by id) from staff where role = 'advisor')[1 + i % $2]
         from generate_series(1, $1) i`,
      [p.learners, p.teams * p.advisorsPerTeam],
    );
    progress(`seeded ${p.learners.toLocaleString('en')} learners, ${p.courses} courses, ${p.teams} teams`);
    await c(
      `with courses_arr as (select array_agg(id order by external_id) as ids from courses),
       base as (
         select l.id as learner_id, substr(l.external_id, 2)::int as n, k, l.holdout,
                $1::timestamptz - random() * interval '365 days' as en, random() as r1, random() as r2
           from learners l cross join lateral generate_series(1, case when substr(l.external_id, 2)::int % 5 = 0 then 2 else 1 end) k
       )
       insert into enrollments (external_id, learner_id, course_id, enrolled_at, expires_at, status, status_changed_at, holdout, last_login_at)
       select 'E' || n || '-' || k, learner_id, (select ids from courses_arr)[1 + (n * 7 + k) % $2], en, en + interval '180 days',
              case when r1 < 0.15 then 'cancelled'
                   when r1 < 0.22 and en + interval '180 days' < $1 then 'expired'
                   when r1 < 0.27 then 'paused'
                   when r1 < 0.32 then 'completed'
                   else 'active' end,
              least($1, en + r2 * interval '60 days'),
              holdout,
              en + r2 * ($1::timestamptz - en)
         from base`,
      [p.asOf, p.courses],
    );
    const [{ n: enrolments }] = (await c(`select count(*)::int as n from enrollments`)).rows;
    progress(`seeded ${enrolments.toLocaleString('en')} enrolments`);
    // Renewals for 5% of enrolments that reached their expiry.
    await c(
      `insert into activity_events (event_id, learner_id, course_id, enrollment_id, type, occurred_at)
       select 'renew-' || e.id, e.learner_id, e.course_id, e.id, 'renewal', e.expires_at - interval '3 days'
         from enrollments e where e.expires_at < $1 and random() < 0.25`,
      [p.asOf],
    );
    await c(
      `insert into activity_event_ids (event_id, occurred_at) select event_id, occurred_at from activity_events where type = 'renewal' on conflict do nothing`,
    );
    // First-week program (non-holdout enrolments of the last 200 days): 7 check-ins, 70% reached.
    await c(
      `with advs as (select array_agg(id order by id) as ids, count(*)::int as k from staff where role = 'advisor')
       insert into tasks (kind, day_index, assignee_id, learner_id, enrollment_id, due_at, status, result, completed_at, dedupe_key)
       select 'first_week_checkin', d, (select ids from advs)[1 + abs(hashtext(e.id::text)) % (select k from advs)], e.learner_id, e.id,
              e.enrolled_at + (d - 1) * interval '1 day' + interval '2 hours',
              case when e.enrolled_at + d * interval '1 day' < $1 then 'done' else 'scheduled' end,
              case when e.enrolled_at + d * interval '1 day' < $1 then (case when random() < 0.7 then 'reached' else 'no_answer' end) end,
              case when e.enrolled_at + d * interval '1 day' < $1 then e.enrolled_at + (d - 1) * interval '1 day' + interval '3 hours' end,
              'fw:' || e.id || ':' || d
         from enrollments e cross join generate_series(1, 7) d
        where not e.holdout and e.enrolled_at > $1::timestamptz - interval '200 days'`,
      [p.asOf],
    );
    const [{ n: tasks }] = (await c(`select count(*)::int as n from tasks`)).rows;
    progress(`seeded ${tasks.toLocaleString('en')} first-week check-ins`);
    // Rules, alerts (25% of enrolments) and feedback (10% of alerts).
    await c(
      `insert into rules (key, name, kind, params, severity, action) values
         ('inactive_7d', 'No login for 7 days', 'inactive_days', '{"days":7}', 'medium', '{"taskKind":"care_call","dueWithinHours":24}'),
         ('low_completion', 'Low completion', 'low_completion', '{"ratio":0.2}', 'medium', '{"taskKind":"advisor_contact","dueWithinHours":48}'),
         ('late_assignments', 'Late assignments', 'late_assignments', '{"count":2}', 'low', '{"taskKind":"obstacle_call","dueWithinHours":48}'),
         ('complaints', 'Complaints', 'complaints', '{"count":2}', 'high', '{"taskKind":"escalation","dueWithinHours":4}'),
         ('study_time_drop', 'Study time drop', 'study_time_drop', '{"ratio":0.5}', 'low', '{"taskKind":"survey","dueWithinHours":72}')
       on conflict do nothing`,
    );
    await c(
      `with r as (select array_agg(key order by key) as keys from rules)
       insert into alerts (rule_key, learner_id, enrollment_id, status, severity, evidence, opened_at, refreshed_at, cleared_at)
       select (select keys from r)[1 + abs(hashtext(e.external_id)) % 5], e.learner_id, e.id,
              case when x.cleared then 'cleared' else 'open' end, 'medium', '{}', x.opened, x.opened,
              case when x.cleared then x.opened + interval '5 days' end
         from enrollments e
         cross join lateral (select least($1, greatest(e.enrolled_at, e.last_login_at + interval '7 days')) as opened, random() < 0.6 as cleared) x
        where random() < 0.25`,
      [p.asOf],
    );
    await c(
      `with advs as (select array_agg(id order by id) as ids, count(*)::int as k from staff where role = 'advisor')
       insert into alert_feedback (alert_id, staff_id, verdict)
       select a.id, (select ids from advs)[1 + abs(hashtext(a.id::text)) % (select k from advs)],
              (array['useful','not_useful','incorrect'])[1 + abs(hashtext(a.id::text || 'v')) % 3]
         from alerts a where random() < 0.1`,
    );
    const [{ n: alerts }] = (await c(`select count(*)::int as n from alerts`)).rows;
    // Cases for 15% of learners (70% resolved with an outcome, churned ones with a reason) and a care call each.
    await c(
      `with advs as (select id, team_id, row_number() over (order by id) as rn from staff where role = 'advisor'),
            k as (select count(*)::int as k from advs)
       insert into cases (learner_id, team_id, advisor_id, status, priority, opened_at, first_contact_at, outcome, churn_reason, resolved_at)
       select l.id, a.team_id, a.id, x.status, 'medium', x.opened,
              case when random() < 0.9 then x.opened + random() * interval '2 days' end,
              case when x.status = 'resolved' then (array['retained','churned','unreachable','not_at_risk'])[1 + abs(hashtext(l.id::text)) % 4] end,
              case when x.status = 'resolved' and abs(hashtext(l.id::text)) % 4 = 1
                   then (array['expectation_gap','lack_of_support','content_mismatch','slow_service','life_circumstances','other'])[1 + abs(hashtext(l.id::text || 'r')) % 6] end,
              case when x.status = 'resolved' then x.opened + interval '6 days' end
         from learners l
         join advs a on a.rn = 1 + abs(hashtext(l.external_id)) % (select k from k)
         cross join lateral (select $1::timestamptz - random() * interval '300 days' as opened, case when random() < 0.7 then 'resolved' else 'open' end as status) x
        where random() < 0.15`,
      [p.asOf],
    );
    await c(
      `insert into tasks (kind, assignee_id, learner_id, case_id, due_at, status, result, churn_reason, completed_at)
       select 'care_call', k.advisor_id, k.learner_id, k.id, k.opened_at + interval '1 day',
              case when k.status = 'resolved' then 'done' else 'scheduled' end,
              case when k.status = 'resolved' then 'reached' end,
              case when k.status = 'resolved' then k.churn_reason end,
              case when k.status = 'resolved' then k.opened_at + interval '1 day' end
         from cases k`,
    );
    const [{ n: cases }] = (await c(`select count(*)::int as n from cases`)).rows;
    progress(`seeded ${alerts.toLocaleString('en')} alerts, ${cases.toLocaleString('en')} cases with care calls`);
    // Tickets: 30% of learners' worth, on one split-shift calendar; due times approximated (2 h / 3 days).
    await c(
      `insert into calendars (name, timezone, hours) values ('Bench desk', 'Asia/Shanghai',
         '{"mon":[["09:00","12:00"],["13:30","18:00"]],"tue":[["09:00","12:00"],["13:30","18:00"]],"wed":[["09:00","12:00"],["13:30","18:00"]],"thu":[["09:00","12:00"],["13:30","18:00"]],"fri":[["09:00","12:00"],["13:30","18:00"]]}')`,
    );
    await c(
      `with cal as (select id from calendars limit 1), learners_t as (select id, team_id from learners l cross join lateral (select team_id from staff where id = l.owner_advisor_id) s where random() < 0.3)
       insert into tickets (learner_id, category, priority, subject, body, status, team_id, created_by_type, calendar_id,
                            first_response_due_at, first_responded_at, resolution_due_at, resolved_at, created_at)
       select l.id, (array['technical','learning','account','billing','complaint'])[1 + abs(hashtext(l.id::text)) % 5],
              (array['low','medium','high','urgent'])[1 + abs(hashtext(l.id::text || 'p')) % 4],
              'help', 'please', x.status, l.team_id, 'system', (select id from cal),
              x.created + interval '2 hours', case when x.r < 0.95 then x.created + x.r * interval '6 hours' end,
              x.created + interval '3 days', case when x.status = 'resolved' then x.created + x.r * interval '5 days' end,
              x.created
         from learners_t l
         cross join lateral (select $1::timestamptz - random() * interval '365 days' as created, random() as r, case when random() < 0.8 then 'resolved' else 'open' end as status) x`,
      [p.asOf],
    );
    const [{ n: tickets }] = (await c(`select count(*)::int as n from tickets`)).rows;
    progress(`seeded ${tickets.toLocaleString('en')} tickets`);
    await q('analyze');
    return { enrolments, tasks, alerts, cases, tickets };
  } finally {
    client.release();
  }
}
