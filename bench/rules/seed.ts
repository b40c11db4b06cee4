import type pg from 'pg';

export interface RulesSeedPlan {
  learners: number;
  courses: number;
  /** Days of rollups before today (default 120). */
  days: number;
  timezone: string;
  asOf: Date;
}

export interface RulesSeedResult {
  enrolments: number;
  rollupRows: number;
  /** Activity events the rollups stand for: logins + lessons + study sessions + assignments + complaints. */
  events: number;
  assignments: number;
}

/**
 * A school of `learners` learners (one enrolment each) with `days` days of daily rollups generated directly
 * with SQL generate_series (what sync would have rolled up from the events), day by day as sync appends them.
 * Behaviour mix: 70% regular, 10% drop out 8–37 days ago, 10% halve their study time two weeks running,
 * 10% sparse; 85% active, 5% paused, 5% completed, 5% cancelled; rare complaints; a few late assignments.
 */
export async function seedRulesSchool(pool: pg.Pool, p: RulesSeedPlan, progress: (m: string) => void): Promise<RulesSeedResult> {
  const client = await pool.connect();
  try {
    const c = (sql: string, params: unknown[] = []) => client.query(sql, params);
    await c(`select setseed(0.42)`);
    await c(
      `insert into courses (external_id, title, total_lessons, duration_days)
       select 'C' || i, 'Course ' || i, 40 + (i * 7) % 80, 180 + (i * 37) % 186 from generate_series(1, $1) i`,
      [p.courses],
    );
    await c(`insert into learners (external_id, name) select 'L' || i, 'Learner ' || i from generate_series(1, $1) i`, [p.learners]);
    await c(
      `with cs as (select array_agg(id order by id) as ids from courses)
       insert into enrollments (external_id, learner_id, course_id, enrolled_at, status, status_changed_at)
       select 'E' || substr(l.external_id, 2), l.id, cs.ids[1 + n % array_length(cs.ids, 1)],
              $1::timestamptz - make_interval(days => 1 + (n * 7919) % 240, hours => n % 24),
              s.status, $1::timestamptz - make_interval(days => n % 5)
       from learners l cross join cs
       cross join lateral (select substr(l.external_id, 2)::int as n) x
       cross join lateral (select case when (n * 2654435761::bigint) % 100 < 85 then 'active' when (n * 2654435761::bigint) % 100 < 90 then 'paused'
                                       when (n * 2654435761::bigint) % 100 < 95 then 'completed' else 'cancelled' end as status) s`,
      [p.asOf],
    );
    progress(`seeded ${p.learners.toLocaleString('en')} learners and enrolments in ${p.courses} courses`);

    // Profile per enrolment: 0 regular, 1 dropout, 2 declining, 3 sparse.
    await c(
      `create temp table bench_profile as
      select e.id, (e.enrolled_at at time zone $1::text)::date as enroll_day,
             case when b < 70 then 0 when b < 80 then 1 when b < 90 then 2 else 3 end as profile,
             8 + n % 30 as stop_days_ago
      from enrollments e cross join lateral (select substr(e.external_id, 2)::int as n) x
      cross join lateral (select (n::bigint * 40503) % 100 as b) y`,
      [p.timezone],
    );
    await c(`analyze bench_profile`);
    // Bulk load: indexes and the primary key are rebuilt once afterwards, foreign keys are not re-checked
    // row by row (the enrolments exist), like a restore.
    const indexes: Array<{ indexdef: string; indexname: string }> = (
      await c(`select indexname, indexdef from pg_indexes where tablename = 'enrollment_daily' and indexname <> 'enrollment_daily_pkey'`)
    ).rows;
    for (const i of indexes) await c(`drop index ${i.indexname}`);
    await c(`alter table enrollment_daily drop constraint enrollment_daily_pkey`);
    await c(`set session_replication_role = replica`);
    const today = `(($1::timestamptz) at time zone $2::text)::date`;
    // Day by day (outer loop), like sync appends them: a day range is physically clustered.
    const chunk = 10;
    for (let start = p.days; start >= 1; start -= chunk) {
      const end = Math.max(1, start - chunk + 1);
      await c(
        `insert into enrollment_daily (enrollment_id, day, logins, study_minutes, lessons_completed, complaints)
         select pr.id, d.day, 1 + (random() < 0.3)::int,
                (round((15 + random() * 60) * case when pr.profile = 2 then
                   case (date_trunc('week', ${today})::date - d.day + 6) / 7 when 1 then 0.2 when 2 then 0.45 else 1 end else 1 end))::int,
                (random() < 0.45)::int, (random() < 0.0012)::int
         from (select (${today} - g)::date as day from generate_series($3::int, $4::int, -1) g) d
         join bench_profile pr on d.day >= pr.enroll_day
         where random() < case pr.profile when 3 then 0.15 when 1 then case when d.day < ${today} - pr.stop_days_ago then 0.8 else 0 end else 0.8 end
         order by d.day`,
        [p.asOf, p.timezone, start, end],
      );
      progress(`rollups: days ${start}..${end} before today`);
    }
    await c(`set session_replication_role = origin`);
    await c(`alter table enrollment_daily add constraint enrollment_daily_pkey primary key (enrollment_id, day)`);
    for (const i of indexes) await c(i.indexdef);
    progress(`rebuilt the primary key and ${indexes.length} indexes of enrollment_daily`);
    await c(
      `insert into enrollment_assignments (enrollment_id, assignment_id, due_at, submitted_at, late_hours)
       select e.id, 'A' || k, e.enrolled_at + make_interval(days => 14 * k), s.at, greatest(0, extract(epoch from s.at - (e.enrolled_at + make_interval(days => 14 * k))) / 3600)
       from enrollments e cross join generate_series(1, 8) k
       cross join lateral (select e.enrolled_at + make_interval(days => 14 * k) + case when random() < 0.06 then interval '4 days' else interval '1 day' end * random() * 1.5 as at) s
       where s.at <= $1::timestamptz`,
      [p.asOf],
    );
    // What sync maintains from the events: last login (evening of the last login day) and completed lessons.
    await c(
      `update enrollments e set last_login_at = (a.last_day + time '20:00') at time zone $2::text, source_updated_at = $1::timestamptz,
              completed_lessons = least(a.lessons, co.total_lessons)
       from (select enrollment_id, max(day) filter (where logins > 0) as last_day, sum(lessons_completed)::int as lessons
             from enrollment_daily group by enrollment_id) a, courses co
       where a.enrollment_id = e.id and co.id = e.course_id`,
      [null, p.timezone],
    );
    await c(`update learners l set last_login_at = e.last_login_at from enrollments e where e.learner_id = l.id`);
    await c(`drop table bench_profile`);
    progress('vacuum analyze');
    await c(`vacuum analyze enrollment_daily`);
    await c(`vacuum analyze enrollments`);
    await c(`vacuum analyze learners`);
    await c(`vacuum analyze enrollment_assignments`);
    const [{ rows, events }] = (
      await c(
        `select count(*)::bigint as rows, (sum(logins) + sum(lessons_completed) + sum(ceil(study_minutes / 25.0)) + sum(complaints))::bigint as events from enrollment_daily`,
      )
    ).rows;
    const [{ n: assignments }] = (await c(`select count(*)::int as n from enrollment_assignments`)).rows;
    return { enrolments: p.learners, rollupRows: Number(rows), events: Number(events) + assignments, assignments };
  } finally {
    client.release();
  }
}
