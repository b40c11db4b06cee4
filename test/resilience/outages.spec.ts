import { PrivateRedis } from '../../libs/testing/private-redis.js';
import { api, PrivatePostgres, sleep } from '../../libs/testing/process-harness.js';
import { recordResult } from './results.js';
import { endState, System } from '../../libs/testing/system.js';

/**
 * Backing services going away under traffic:
 * - Redis (a redis-server of the test's own) down for REDIS_OUTAGE_SECONDS (default 30) while sync and outcome
 *   logging continue: every accepted write is kept and every effect queued meanwhile happens once afterwards.
 * - PostgreSQL (a private embedded server, never the shared one) stopped for PG_OUTAGE_SECONDS (default 10)
 *   under load: the API answers 503 meanwhile, recovers without a restart, and no accepted request is lost.
 */
const REDIS_OUTAGE_S = Number(process.env.REDIS_OUTAGE_SECONDS ?? 30);
const PG_OUTAGE_S = Number(process.env.PG_OUTAGE_SECONDS ?? 10);
const TICK_MS = 250;

async function until(what: string, check: () => Promise<unknown>, timeoutMs = 300_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

const tally = (statuses: number[]) => statuses.reduce<Record<string, number>>((m, s) => ({ ...m, [s]: (m[s] ?? 0) + 1 }), {});

describe('backing services down under traffic', () => {
  it(`Redis down for ${REDIS_OUTAGE_S} s: accepted writes kept, queued effects happen once afterwards`, async () => {
    const redis = await PrivateRedis.start();
    const sys = await System.start('redis-outage', { redisUrl: redis.url });
    try {
      const { teamId } = await sys.teamOwningAllCourses(4);
      const adv = await api(sys.baseUrl, 'POST', '/api/v1/auth/login', {
        body: { email: `advisor0-${sys.name}@resilience.test`, password: 'resilience-advisor-password' },
      });
      expect(adv.status).toBe(200);
      const sync = (p: string, items: unknown[]) => api(sys.baseUrl, 'PUT', `/api/v1/sync/${p}`, { token: sys.token, body: { items } });
      expect((await sync('courses', [{ externalId: 'RO-C', title: 'Outage course', totalLessons: 30, durationDays: 90, teamId }])).status).toBe(200);
      const enrolledAt = new Date(Date.now() - 3_600_000).toISOString();
      let n = 0;
      const syncBatch = async (size: number) => {
        const items = Array.from({ length: size }, () => n++);
        const l = await sync(
          'learners',
          items.map((i) => ({ externalId: `RO-L${i}`, name: `Learner ${i}` })),
        );
        if (l.status !== 200) return { status: l.status, ids: [] as string[] };
        const e = await sync(
          'enrollments',
          items.map((i) => ({ externalId: `RO-E${i}`, learnerExternalId: `RO-L${i}`, courseExternalId: 'RO-C', enrolledAt, status: 'active' })),
        );
        return { status: e.status, ids: e.status === 200 ? items.map((i) => `RO-E${i}`) : [] };
      };
      // Before the outage: 40 enrolments, scheduled, so advisor 0 has check-ins to log outcomes on.
      const before = await syncBatch(40);
      expect(before.status).toBe(200);
      await sys.settle(() => endState(sys));
      const tasks: string[] = (
        await sys.q(`select id from tasks where assignee_id = (select id from staff where email = $1) and status = 'scheduled' order by due_at`, [
          `advisor0-${sys.name}@resilience.test`,
        ])
      ).map((r) => r.id);
      expect(tasks.length).toBeGreaterThan(20);

      await redis.down();
      const t0 = Date.now();
      const accepted = { enrolments: [...before.ids], outcomes: [] as string[] };
      const statuses: number[] = [];
      let tick = 0;
      while (Date.now() - t0 < REDIS_OUTAGE_S * 1000) {
        const next = t0 + ++tick * TICK_MS;
        const [s, o] = await Promise.all([
          tick % 4 === 0 ? syncBatch(3) : Promise.resolve(undefined),
          tasks.length
            ? api(sys.baseUrl, 'POST', `/api/v1/tasks/${tasks[0]}/outcome`, {
                token: adv.body.accessToken,
                body: { result: 'reached', durationMinutes: 15, note: 'during the Redis outage', riskRead: 'low' },
              })
            : Promise.resolve(undefined),
        ]);
        if (s) {
          statuses.push(s.status);
          accepted.enrolments.push(...s.ids);
        }
        if (o) {
          statuses.push(o.status);
          if (o.status === 200) accepted.outcomes.push(tasks.shift()!);
          else tasks.shift();
        }
        await sleep(Math.max(0, next - Date.now()));
      }
      const duringReady = await api(sys.baseUrl, 'GET', '/health/ready');
      const backlog = await sys.outboxBacklog();
      await redis.up();
      await sys.settle(() => endState(sys), { quietMs: 4000 });

      const missing = await sys.q(`select x from unnest($1::text[]) x where not exists (select 1 from enrollments e where e.external_id = x)`, [
        accepted.enrolments,
      ]);
      const wrongCheckins = await sys.q(
        `select e.external_id, count(t.id)::int as n from enrollments e left join tasks t on t.enrollment_id = e.id and t.kind = 'first_week_checkin'
          where e.external_id = any($1) group by 1 having count(t.id) <> 7`,
        [accepted.enrolments],
      );
      const lostOutcomes = await sys.q(`select id from tasks where id = any($1::uuid[]) and (status <> 'done' or result <> 'reached')`, [accepted.outcomes]);
      const state = await endState(sys);
      const unsent = await sys.outboxBacklog();
      const held = missing.length === 0 && wrongCheckins.length === 0 && lostOutcomes.length === 0 && unsent === 0 && statuses.every((s) => s === 200);
      recordResult(`Redis down ${REDIS_OUTAGE_S} s during sync and outcome logging`, held, {
        requests: statuses.length,
        statuses: JSON.stringify(tally(statuses)).replace(/[{}"]/g, ''),
        enrolments_accepted: accepted.enrolments.length,
        outcomes_accepted: accepted.outcomes.length,
        outbox_backlog_at_end_of_outage: backlog,
        ready_during_outage: duringReady.status,
        checkins_wrong: wrongCheckins.length,
        dup_first_week: state['dup.first_week'],
      });
      expect(statuses.every((s) => s === 200)).toBe(true);
      expect(accepted.outcomes.length).toBeGreaterThan(10);
      expect(backlog).toBeGreaterThan(0); // the effects really waited for Redis
      expect(duringReady.status).toBe(503);
      expect(missing).toEqual([]);
      expect(wrongCheckins).toEqual([]);
      expect(lostOutcomes).toEqual([]);
      expect(unsent).toBe(0);
      expect(state['dup.first_week']).toBe(0);
    } finally {
      await sys.close();
      await redis.down();
    }
  });

  it(`PostgreSQL restarted under load: 503 meanwhile, recovery without a restart, no accepted request lost`, async () => {
    const pgServer = await PrivatePostgres.start();
    const sys = await System.start('pg-restart', { databaseUrl: pgServer.url });
    try {
      const { teamId } = await sys.teamOwningAllCourses(2);
      const apiPid = sys.apiProc.pid;
      const sync = (p: string, items: unknown[]) => api(sys.baseUrl, 'PUT', `/api/v1/sync/${p}`, { token: sys.token, body: { items }, timeoutMs: 60_000 });
      expect((await sync('courses', [{ externalId: 'PG-C', title: 'Restart course', totalLessons: 30, durationDays: 90, teamId }])).status).toBe(200);
      const log: Array<{ at: number; phase: 'before' | 'down' | 'after'; status: number; kind: string; ids: string[] }> = [];
      let phase: 'before' | 'down' | 'after' = 'before';
      let n = 0;
      let stop = false;
      // Steady traffic: a learner batch and a learner list read every tick, whatever the database does.
      const traffic = (async () => {
        const t0 = Date.now();
        let tick = 0;
        const inFlight: Array<Promise<void>> = [];
        while (!stop) {
          const next = t0 + ++tick * TICK_MS;
          const ids = Array.from({ length: 5 }, () => `PG-L${n++}`);
          const p = phase;
          inFlight.push(
            sync(
              'learners',
              ids.map((id) => ({ externalId: id, name: `Learner ${id}` })),
            ).then((r) => void log.push({ at: Date.now(), phase: p, status: r.status, kind: 'sync', ids })),
            api(sys.baseUrl, 'GET', '/api/v1/learners?limit=20', { token: sys.token }).then(
              (r) => void log.push({ at: Date.now(), phase: p, status: r.status, kind: 'read', ids: [] }),
            ),
          );
          await sleep(Math.max(0, next - Date.now()));
        }
        await Promise.all(inFlight);
      })();
      await sleep(5000);
      phase = 'down';
      const downAt = Date.now();
      await pgServer.down();
      const readyDown = await api(sys.baseUrl, 'GET', '/health/ready');
      await sleep(PG_OUTAGE_S * 1000);
      await pgServer.up();
      const upAt = Date.now();
      phase = 'after';
      // Recovery: the same API process answers 200 again.
      let recoveredMs = -1;
      await until(
        'the API to recover',
        async () => {
          const r = await api(sys.baseUrl, 'GET', '/api/v1/learners?limit=1', { token: sys.token });
          if (r.status === 200) recoveredMs = Date.now() - upAt;
          return r.status === 200;
        },
        120_000,
        200,
      );
      await sleep(5000);
      stop = true;
      await traffic;

      const accepted = log.filter((r) => r.kind === 'sync' && r.status === 200).flatMap((r) => r.ids);
      const missing = await sys.q(`select x from unnest($1::text[]) x where not exists (select 1 from learners l where l.external_id = x)`, [accepted]);
      const statuses = log.map((r) => r.status);
      const bad = log.filter((r) => r.status !== 200 && r.status !== 503);
      const afterRecovery = log.filter((r) => r.at > upAt + recoveredMs + 2000);
      const unavailable = log.filter((r) => r.status === 503).length;
      const held = missing.length === 0 && bad.length === 0 && unavailable > 0 && sys.apiProc.pid === apiPid && afterRecovery.every((r) => r.status === 200);
      recordResult(`PostgreSQL stopped ${PG_OUTAGE_S} s and restarted under load (private server)`, held, {
        requests: log.length,
        statuses: JSON.stringify(tally(statuses)).replace(/[{}"]/g, ''),
        learners_accepted: accepted.length,
        missing: missing.length,
        ready_while_down: readyDown.status,
        outage_ms: upAt - downAt,
        recovered_ms_after_up: recoveredMs,
      });
      expect(bad.map((r) => `${r.kind} ${r.phase}: ${r.status}`)).toEqual([]);
      expect(unavailable).toBeGreaterThan(0);
      expect(readyDown.status).toBe(503);
      expect(sys.apiProc.pid).toBe(apiPid);
      expect(sys.apiProc.running).toBe(true);
      expect(afterRecovery.length).toBeGreaterThan(0);
      expect(afterRecovery.filter((r) => r.status !== 200)).toEqual([]);
      expect(missing).toEqual([]);
    } finally {
      await sys.close();
      await pgServer.down().catch(() => undefined);
    }
  });
});
