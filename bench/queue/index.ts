import { Controller, Get } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { createApiApp } from '../../apps/api/src/api-app.js';
import { ApiModule } from '../../apps/api/src/api.module.js';
import { StaffOnly } from '../../apps/api/src/http/decorators.js';
import { TokenService } from '../../libs/auth/token.service.js';
import type { BenchContext } from '../lib/bench-context.js';
import { spread, spreadFigures } from '../lib/stats.js';
import { runQueueLoad, type QueueLoadPlan, type QueueLoadResult } from './load.js';

/**
 * `npm run bench -- queue [--learners 100000] [--cases 20000] [--advisors 50] [--rate 25] [--duration 20] [--connections 8] [--rounds 3]`
 *
 * A school of 100k learners (one enrolment each, owners spread over 50 advisors), 20k open cases, 30k open
 * alerts, 40k past call outcomes (two for every fifth learner) and up to 400 scheduled calls per advisor (30 today,
 * 10 overdue, the rest in the coming weeks). The real API runs in this process; autocannon drives GET /api/v1/me/queue at a fixed rate (rotating the 50 advisors'
 * tokens) and, at the same rate, a trivial authenticated endpoint registered only on this bench app that returns a
 * stored queue body of the same size. The load generator runs in a child process (off the API's event loop, whose
 * own work would otherwise sit in every latency), and the two endpoints take turns for `--rounds` rounds. Per round
 * the p50 and p99 ratios (queue ÷ trivial); the RESULT ratio is the larger of their medians, so it is judged on both
 * (target ≤ 2), with each ratio's min–max beside it.
 */
export async function run(ctx: BenchContext): Promise<void> {
  const learners = num(ctx.args.learners, 100_000);
  const cases = Math.min(num(ctx.args.cases, 20_000), learners);
  const advisors = num(ctx.args.advisors, 50);
  // A rate this shared 2-core machine sustains for both endpoints (check the request counts in the RESULT line).
  const rate = num(ctx.args.rate, 25);
  const duration = num(ctx.args.duration, 20);
  const connections = num(ctx.args.connections, 8);
  const db = ctx.pool;

  ctx.progress(`seeding ${advisors} advisors, ${learners} learners, ${cases} open cases, alerts, tasks and past outcomes`);
  await seed(db, { learners, cases, advisors });

  const app = await withBenchEndpoint(() => createApiApp(ctx.config));
  try {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    const base = `http://127.0.0.1:${address.port}`;
    const ids: string[] = (await db.query(`select id from staff where role = 'advisor' order by email`)).rows.map((r: { id: string }) => r.id);
    const tokens = ids.map((id) => `Bearer ${app.get(TokenService).sign({ sub: id, role: 'advisor' }).accessToken}`);

    // One queue per advisor, to check them and to size the trivial endpoint's body.
    const sizes: Array<{ bytes: number; body: unknown; tasks: number; cases: number }> = [];
    for (const auth of tokens) {
      const res = await fetch(`${base}/api/v1/me/queue`, { headers: { authorization: auth } });
      if (res.status !== 200) throw new Error(`GET /me/queue answered ${res.status}: ${await res.text()}`);
      const text = await res.text();
      const body = JSON.parse(text);
      sizes.push({ bytes: Buffer.byteLength(text), body, tasks: body.tasks.length, cases: body.cases.length });
    }
    sizes.sort((a, b) => a.bytes - b.bytes);
    const median = sizes[Math.floor(sizes.length / 2)];
    BenchEchoController.payload = median.body;
    const echoBytes = Buffer.byteLength(JSON.stringify(median.body));
    ctx.progress(`queue bodies: median ${median.bytes} bytes (${median.tasks} tasks, ${median.cases} cases); trivial endpoint returns ${echoBytes} bytes`);

    const inline = ctx.args.inline === true || !import.meta.url.endsWith('.js');
    const rounds = Math.max(3, num(ctx.args.rounds, 3));
    const load = (path: string, seconds: number) => {
      const plan: QueueLoadPlan = { base, path, tokens, connections, rate, seconds };
      return inline ? runQueueLoad(plan) : inWorker(plan);
    };
    ctx.progress(`warming up both endpoints${inline ? ' (inline load generator)' : ''}`);
    await load('/api/v1/bench/echo', Math.max(1, Math.round(duration / 5)));
    await load('/api/v1/me/queue', Math.max(1, Math.round(duration / 5)));
    const echo: QueueLoadResult[] = [];
    const queue: QueueLoadResult[] = [];
    for (let r = 1; r <= rounds; r++) {
      // Interleaved, so both endpoints see the same machine.
      echo.push(await load('/api/v1/bench/echo', duration));
      queue.push(await load('/api/v1/me/queue', duration));
      const e = echo.at(-1)!,
        q = queue.at(-1)!;
      ctx.progress(`round ${r}/${rounds} at ${rate} req/s for ${duration} s each: p50 queue ${q.p50} vs trivial ${e.p50} ms, p99 ${q.p99} vs ${e.p99} ms`);
    }
    const p50Ratio = spread(queue.map((q, i) => q.p50 / Math.max(echo[i].p50, 1)));
    const p99Ratio = spread(queue.map((q, i) => q.p99 / Math.max(echo[i].p99, 1)));
    ctx.result({
      ratio: Math.max(p50Ratio.median, p99Ratio.median),
      op: '<=',
      target: 2,
      figures: {
        ...spreadFigures('p50_ratio', p50Ratio, 2),
        ...spreadFigures('p99_ratio', p99Ratio, 2),
        queue_p50_ms: spread(queue.map((q) => q.p50)).median,
        trivial_p50_ms: spread(echo.map((e) => e.p50)).median,
        queue_p99_ms: spread(queue.map((q) => q.p99)).median,
        trivial_p99_ms: spread(echo.map((e) => e.p99)).median,
        rate,
        rounds,
        requests: queue.reduce((n, q) => n + q.requests, 0),
        trivial_requests: echo.reduce((n, e) => n + e.requests, 0),
        body_bytes: median.bytes,
        learners,
        cases,
        advisors,
      },
      notes:
        'ratio = the larger of the median p50 and median p99 ratios; trivial: authenticated GET on the same app returning a stored queue body of the same size; load generator in a child process',
    });
  } finally {
    // Let autocannon's last in-flight requests finish before the pool closes.
    await new Promise((r) => setTimeout(r, 500));
    await app.close();
  }
}

/** One load round in a child process of its own (see load.worker.ts). */
function inWorker(plan: QueueLoadPlan): Promise<QueueLoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./load.worker.js', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let settled = false;
    child.on('message', (m: { result?: QueueLoadResult; error?: string }) => {
      settled = true;
      if (m.error) reject(new Error(m.error));
      else resolve(m.result!);
    });
    child.on('error', reject);
    child.on('exit', (code) => !settled && reject(new Error(`load generator exited with ${code} before reporting`)));
    child.send(plan);
  });
}

/** The baseline: as cheap as an authenticated endpoint gets, with a body the size of a real queue. */
@Controller('bench')
class BenchEchoController {
  static payload: unknown = {};

  @Get('echo')
  @StaffOnly()
  echo(): unknown {
    return BenchEchoController.payload;
  }
}

/** Boots the API with BenchEchoController added to its module, only for this benchmark. */
async function withBenchEndpoint(boot: () => Promise<NestFastifyApplication>): Promise<NestFastifyApplication> {
  const original = ApiModule.forRoot;
  ApiModule.forRoot = (opts) => {
    const m = original.call(ApiModule, opts);
    return { ...m, controllers: [...(m.controllers ?? []), BenchEchoController] };
  };
  try {
    return await boot();
  } finally {
    ApiModule.forRoot = original;
  }
}

const EVERY_DAY = JSON.stringify(Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '18:00']]])));

async function seed(db: pg.Pool, o: { learners: number; cases: number; advisors: number }): Promise<void> {
  const teams = Math.max(1, Math.round(o.advisors / 10));
  const step = async (sql: string, params: unknown[] = []) => db.query(sql, params);
  await step(`insert into teams (name) select 'bench-team-' || lpad(i::text, 4, '0') from generate_series(1, $1) i`, [teams]);
  await step(
    `with t as (select array_agg(id order by name) as ids from teams)
     insert into staff (email, name, password_hash, role, team_id, capacity, skills, timezone, working_hours, status)
     select 'advisor' || lpad(i::text, 4, '0') || '@bench.careloop', 'Advisor ' || i, 'x', 'advisor', t.ids[1 + i % $2], 1000, '{}', 'Asia/Shanghai', $3::jsonb, 'active'
       from generate_series(1, $1) i, t`,
    [o.advisors, teams, EVERY_DAY],
  );
  await step(
    `with t as (select array_agg(id order by name) as ids from teams)
     insert into courses (external_id, title, total_lessons, duration_days, team_id)
     select 'bench-course-' || i, 'Course ' || i, 40 + i, 120 + 10 * i, t.ids[1 + i % $1] from generate_series(1, 20) i, t`,
    [teams],
  );
  await step(
    `with a as (select array_agg(id order by email) as ids, count(*)::int as n from staff where role = 'advisor')
     insert into learners (external_id, name, phone, email, owner_advisor_id, last_login_at)
     select 'bench-learner-' || i, 'Learner ' || i, '+86138' || lpad(i::text, 8, '0'), 'learner' || i || '@example.com', a.ids[1 + i % a.n],
            now() - make_interval(hours => (i * 7919) % (24 * 40))
       from generate_series(1, $1) i, a`,
    [o.learners],
  );
  await step(
    `with c as (select array_agg(id order by external_id) as ids from courses)
     insert into enrollments (external_id, learner_id, course_id, enrolled_at, expires_at, status, completed_lessons, last_login_at)
     select 'bench-enr-' || l.external_id, l.id, c.ids[1 + n % 20], now() - make_interval(days => n % 300), now() + make_interval(days => 365 - n % 300),
            case when n % 25 = 0 then 'paused' else 'active' end, n % 40, l.last_login_at
       from (select l.*, substr(l.external_id, 15)::int as n from learners l) l, c`,
  );
  await step(
    `insert into rules (key, name, kind, params, severity, action) values ('inactive_7d', 'Inactive 7 days', 'inactive_days', '{"days":7}', 'medium', '{"taskKind":"care_call","dueWithinHours":24}') on conflict (key) do nothing`,
  );
  await step(
    `insert into alerts (rule_key, learner_id, enrollment_id, status, severity, evidence, opened_at, refreshed_at)
     select 'inactive_7d', e.learner_id, e.id, 'open', 'medium', '{"daysInactive":9}', now() - interval '2 days', now()
       from enrollments e join learners l on l.id = e.learner_id where substr(l.external_id, 15)::int <= $1`,
    [Math.round(o.learners * 0.3)],
  );
  await step(
    `insert into cases (learner_id, team_id, advisor_id, status, priority, due_at, opened_at)
     select l.id, s.team_id, l.owner_advisor_id, case when n % 3 = 0 then 'in_progress' else 'open' end,
            (array['low','medium','high','urgent'])[1 + n % 4], now() + make_interval(hours => n % 72), now() - make_interval(hours => n % 500)
       from (select l.*, substr(l.external_id, 15)::int as n from learners l) l join staff s on s.id = l.owner_advisor_id
      where n <= $1`,
    [o.cases],
  );
  // Past outcomes (two per learner for a fifth of them, for "last outcome"), and scheduled calls:
  // 30 due today and 10 overdue per advisor (half on their cases), and the coming weeks.
  await step(
    `insert into tasks (kind, assignee_id, learner_id, due_at, status, result, duration_minutes, note, completed_at, completed_by, attempts)
     select 'care_call', l.owner_advisor_id, l.id, now() - make_interval(days => k * 10 + n % 10), 'done',
            (array['reached','no_answer','voicemail','reached','callback_requested'])[1 + (n + k) % 5], 10, 'Call ' || k, now() - make_interval(days => k * 10 + n % 10), l.owner_advisor_id, 1
       from (select l.*, substr(l.external_id, 15)::int as n from learners l) l, generate_series(1, 2) k
      where n % 5 = 0`,
  );
  await step(
    `with ranked as (
       select l.id as learner_id, l.owner_advisor_id as advisor_id, c.id as case_id,
              (row_number() over (partition by l.owner_advisor_id order by substr(l.external_id, 15)::int))::int as r
         from learners l left join cases c on c.learner_id = l.id and c.status <> 'resolved')
     insert into tasks (kind, assignee_id, learner_id, case_id, due_at, window_end_at, status)
     select case when r % 2 = 0 and case_id is not null then 'care_call' else 'follow_up' end, advisor_id, learner_id,
            case when r % 2 = 0 then case_id end,
            case when r <= 30 then date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai' + make_interval(mins => 9 * 60 + (r * 17) % 540)
                 when r <= 40 then now() - make_interval(hours => 24 + r)
                 else now() + make_interval(days => 1 + r % 30, mins => (r * 13) % 540) end,
            null, 'scheduled'
       from ranked where r <= 400`,
  );
  await step(`update tasks set window_end_at = due_at + interval '15 minutes' where window_end_at is null`);
  await step(`analyze`);
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}
