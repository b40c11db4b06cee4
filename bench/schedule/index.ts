import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type pg from 'pg';
import { AuditModule } from '../../libs/audit/audit.module.js';
import { SharedModule } from '../../libs/common/shared.module.js';
import { ConfigModule } from '../../libs/config/config.module.js';
import { DatabaseModule } from '../../libs/database/database.module.js';
import { OutboxModule } from '../../libs/outbox/outbox.module.js';
import { QueueModule } from '../../libs/queue/queue.module.js';
import { FirstWeekScheduler } from '../../libs/tasks/first-week.scheduler.js';
import { TasksModule } from '../../libs/tasks/tasks.module.js';
import type { BenchContext } from '../lib/bench-context.js';
import { spread, spreadFigures } from '../lib/stats.js';

/**
 * `npm run bench -- schedule [--enrollments 10000] [--advisors N (default: one per 25 enrolments, 400)] [--teams 30] [--batch 2000]`
 *
 * 10,000 enrolments that arrived in the last minute (learners in three time zones, no owners yet, 25 per advisor) get their
 * first-week program through FirstWeekScheduler.schedule(), `batch` enrolments per transaction: owners chosen by
 * the shared assignment policy and audited, seven check-ins each planned per advisor-day in memory and inserted
 * with one unnest statement per batch. Baseline: the same task rows inserted bare with one unnest statement per
 * batch into the same (emptied) table. Ratio = scheduling time ÷ bare insert time (target ≤ 1.2), medians of 3
 * interleaved rounds each side (owners and check-ins removed between rounds).
 */
export async function run(ctx: BenchContext): Promise<void> {
  const enrollments = num(ctx.args.enrollments, 10_000);
  const advisors = num(ctx.args.advisors, Math.max(3, Math.ceil(enrollments / 25)));
  const teams = Math.min(num(ctx.args.teams, Math.max(1, Math.round(advisors / 10))), advisors);
  const batch = num(ctx.args.batch, 2000);
  const db = ctx.pool;

  ctx.progress(`seeding ${teams} teams, ${advisors} advisors, ${enrollments} learners with new enrolments`);
  await seed(db, { enrollments, advisors, teams });
  const ids: string[] = (await db.query(`select id from enrollments order by enrolled_at, id`)).rows.map((r: { id: string }) => r.id);

  @Module({
    imports: [ConfigModule.forRoot(ctx.config), DatabaseModule.forRoot(ctx.databaseUrl, 8), SharedModule, QueueModule, OutboxModule, AuditModule, TasksModule],
  })
  class ScheduleBenchModule {}
  const app = await NestFactory.createApplicationContext(ScheduleBenchModule, { logger: ['error', 'warn'] });
  try {
    const scheduler = app.get(FirstWeekScheduler);
    const rounds = Math.max(3, num(ctx.args.rounds, 3));
    const times: number[] = [];
    const bases: number[] = [];
    let owners = 0;
    let stats = { tasks: 0, by_owner: 0, unassigned: 0 };
    for (let round = 1; round <= rounds; round++) {
      if (round > 1) {
        // Back to new enrolments without owners or check-ins (the audit log stays: nothing reads it here).
        await db.query(`truncate tasks`);
        await db.query(`update learners set owner_advisor_id = null`);
        await db.query(`update staff set last_assigned_at = null`);
        await db.query(`vacuum analyze tasks`);
      }
      ctx.progress(`round ${round}/${rounds}: scheduling first weeks in batches of ${batch}`);
      const t0 = process.hrtime.bigint();
      owners = 0;
      const phases: Record<string, number> = {};
      for (let i = 0; i < ids.length; i += batch) {
        const r = await scheduler.schedule(ids.slice(i, i + batch));
        owners += r.ownersAssigned;
        for (const [k, v] of Object.entries(r.phases)) phases[k] = (phases[k] ?? 0) + v;
      }
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      times.push(ms);
      ctx.progress(
        `phases (ms): ${Object.entries(phases)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')} (commit and the rest: ${Math.round(ms - Object.values(phases).reduce((a, b) => a + b, 0))})`,
      );

      const problems = await checkInvariants(db, enrollments);
      if (problems.length) throw new Error(`invariants violated:\n  - ${problems.join('\n  - ')}`);
      stats = (
        await db.query(
          `select count(*)::int as tasks,
                  count(*) filter (where t.assignee_id = l.owner_advisor_id)::int as by_owner,
                  count(*) filter (where t.assignee_id is null)::int as unassigned
             from tasks t join learners l on l.id = t.learner_id`,
        )
      ).rows[0];
      ctx.progress(
        `${stats.tasks} check-ins in ${Math.round(ms)} ms (${stats.by_owner} by the owner, ${stats.unassigned} unassigned); owners assigned: ${owners}`,
      );
      bases.push(await baseline(db, batch * 7));
      ctx.progress(`round ${round}/${rounds}: bare insert of the same ${stats.tasks} rows: ${Math.round(bases.at(-1)!)} ms`);
    }
    const careloop = spread(times);
    const base = spread(bases);
    ctx.result({
      ratio: careloop.median / base.median,
      op: '<=',
      target: 1.2,
      figures: {
        enrollments,
        tasks: stats.tasks,
        by_owner: stats.by_owner,
        unassigned: stats.unassigned,
        advisors,
        batch,
        rounds,
        ...spreadFigures('ms', careloop),
        ...spreadFigures('baseline_ms', base),
      },
      notes: 'median of 3 interleaved rounds each side; baseline: the same task rows, one bare unnest INSERT per batch into the emptied tasks table',
    });
  } finally {
    await app.close();
  }
}

const WEEKDAYS = JSON.stringify(
  Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [
      d,
      [
        ['09:00', '12:00'],
        ['13:00', '19:00'],
      ],
    ]),
  ),
);
const EVERY_DAY = JSON.stringify(
  Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [
      d,
      [
        ['09:00', '12:00'],
        ['13:00', '19:00'],
      ],
    ]),
  ),
);

async function seed(db: pg.Pool, o: { enrollments: number; advisors: number; teams: number }): Promise<void> {
  await db.query(`insert into teams (name) select 'bench-team-' || lpad(i::text, 4, '0') from generate_series(1, $1) i`, [o.teams]);
  // Two thirds of the advisors also work weekends; the others' weekend calls go to cover.
  await db.query(
    `with t as (select array_agg(id order by name) as ids from teams)
     insert into staff (email, name, password_hash, role, team_id, capacity, skills, timezone, working_hours, status)
     select 'advisor' || i || '@bench.careloop', 'Advisor ' || i, 'x', 'advisor', t.ids[1 + i % $2], 1000, '{}', 'Asia/Shanghai',
            (case when i % 3 <> 0 then $3 else $4 end)::jsonb, 'active'
       from generate_series(1, $1) i, t`,
    [o.advisors, o.teams, EVERY_DAY, WEEKDAYS],
  );
  await db.query(
    `with t as (select array_agg(id order by name) as ids from teams)
     insert into courses (external_id, title, total_lessons, duration_days, team_id)
     select 'bench-course-' || i, 'Course ' || i, 60, 90, t.ids[i] from generate_series(1, $1) i, t`,
    [o.teams],
  );
  await db.query(
    `insert into learners (external_id, name, phone, timezone)
     select 'bench-learner-' || i, 'Learner ' || i, '+86138' || lpad(i::text, 8, '0'),
            case abs(hashtext(i::text)) % 16 when 0 then 'America/New_York' when 1 then 'Europe/London' else null end
       from generate_series(1, $1) i`,
    [o.enrollments],
  );
  await db.query(
    `with c as (select array_agg(id order by external_id) as ids, count(*)::int as n from courses)
     insert into enrollments (external_id, learner_id, course_id, enrolled_at, expires_at, status)
     select 'bench-enr-' || l.external_id, l.id, c.ids[1 + (substr(l.external_id, 15)::int % c.n)],
            now() - make_interval(secs => substr(l.external_id, 15)::int % 60), now() + interval '180 days', 'active'
       from learners l, c`,
  );
  await db.query(`analyze`);
}

async function checkInvariants(db: pg.Pool, enrollments: number): Promise<string[]> {
  const problems: string[] = [];
  const q = async (sql: string) => (await db.query(sql)).rows[0];
  const perEnrollment = await q(
    `select count(*)::int as n from (select enrollment_id from tasks group by enrollment_id having count(*) <> 7 or count(distinct day_index) <> 7) x`,
  );
  if (perEnrollment.n) problems.push(`${perEnrollment.n} enrolments do not have exactly 7 check-ins (days 1..7)`);
  const covered = await q(`select count(distinct enrollment_id)::int as n from tasks`);
  if (covered.n !== enrollments) problems.push(`${covered.n} of ${enrollments} enrolments have check-ins`);
  const owners = await q(`select count(*)::int as n from learners where owner_advisor_id is null`);
  if (owners.n) problems.push(`${owners.n} learners without an owner`);
  // Never more calls in an advisor-day (Shanghai) than 15-minute slots in their hours (9 h = 36).
  const over = await q(
    `select count(*)::int as n from (select assignee_id, (due_at at time zone 'Asia/Shanghai')::date from tasks where assignee_id is not null group by 1, 2 having count(*) > 36) x`,
  );
  if (over.n) problems.push(`${over.n} advisor-days over capacity`);
  const clash = await q(
    `select count(*)::int as n from (select assignee_id, due_at from tasks where assignee_id is not null group by 1, 2 having count(*) > 1) x`,
  );
  if (clash.n) problems.push(`${clash.n} double-booked slots`);
  const past = await q(`select count(*)::int as n from tasks where due_at < now() - interval '5 minutes'`);
  if (past.n) problems.push(`${past.n} check-ins in the past`);
  return problems;
}

/** The same rows, inserted bare: one unnest statement per batch. */
async function baseline(db: pg.Pool, rowsPerBatch: number): Promise<number> {
  const rows = (
    await db.query(`select day_index, assignee_id, learner_id, enrollment_id, due_at, window_end_at, dedupe_key from tasks order by created_at, id`)
  ).rows;
  await db.query(`truncate tasks`);
  await db.query(`vacuum analyze tasks`);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += rowsPerBatch) {
    const part = rows.slice(i, i + rowsPerBatch);
    await db.query(
      `insert into tasks (kind, day_index, assignee_id, learner_id, enrollment_id, due_at, window_end_at, planned_minutes, status, dedupe_key)
       select 'first_week_checkin', p.d, p.a, p.l, p.e, p.due, p.w, 15, 'scheduled', p.k
         from unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[], $7::text[]) as p(d, a, l, e, due, w, k)`,
      [
        part.map((r) => r.day_index),
        part.map((r) => r.assignee_id),
        part.map((r) => r.learner_id),
        part.map((r) => r.enrollment_id),
        part.map((r) => r.due_at),
        part.map((r) => r.window_end_at),
        part.map((r) => r.dedupe_key),
      ],
    );
  }
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}
