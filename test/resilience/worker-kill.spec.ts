import { createServer, type IncomingMessage, type Server } from 'node:http';
import { seedRulesSchool } from '../../bench/rules/seed.js';
import { api, ScratchDatabase, sleep } from '../../libs/testing/process-harness.js';
import { recordResult } from './results.js';
import { endState, System } from '../../libs/testing/system.js';

/**
 * kill -9 the worker process in the middle of work, start it again, and compare the end state with a clean
 * run of the same input on another database: no duplicate alerts, cases, tasks or deliveries, nothing missing.
 */
const LEARNERS = Number(process.env.RESIL_LEARNERS ?? 3000);
const ENROLMENTS = Number(process.env.RESIL_ENROLMENTS ?? 600);
// The latest 04:00 UTC (noon in Shanghai) that has passed: a run may not be evaluated as of the future, and before
// 04:00 UTC "today 04:00" still is.
const NOON_SHANGHAI = Math.floor(Date.now() / 86_400_000) * 86_400_000 + 4 * 3_600_000;
const AS_OF = new Date(NOON_SHANGHAI <= Date.now() ? NOON_SHANGHAI : NOON_SHANGHAI - 86_400_000);

async function until<T>(what: string, check: () => Promise<T>, timeoutMs = 300_000, everyMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

describe('worker killed with kill -9 mid-work, then restarted', () => {
  describe('a rule run (and the case intake it triggers)', () => {
    let expected: Record<string, number>;
    let template: ScratchDatabase;

    // The school is seeded once (its generator draws random numbers in plan order, so two seedings can differ
    // slightly); the clean and the killed run each work on a copy of it.
    beforeAll(async () => {
      template = await ScratchDatabase.create('resil_rules_school');
      const seeder = await System.start('rules-seed', { databaseUrl: template.url, worker: false });
      try {
        await seedRulesSchool(seeder.pool, { learners: LEARNERS, courses: 8, days: 70, timezone: 'Asia/Shanghai', asOf: AS_OF }, () => undefined);
        await seeder.teamOwningAllCourses(4);
      } finally {
        await seeder.close();
      }
    });
    afterAll(async () => {
      if (!process.env.KEEP_TEST_DB) await template?.drop();
    });

    // Intake in transactions of 100 alerts, so the ~700 alerts take several and a kill can land between two of them
    // (with the default 1,000 one transaction takes them all and a kill lands before or after it, never inside).
    const INTAKE_ENV = { CASE_INTAKE_BATCH: '100' };

    async function runRules(
      kill: boolean,
    ): Promise<{ state: Record<string, number>; kills: string[]; ms: number; afterKillMs: number; runStatusAtKill?: string; takenAtKill?: number }> {
      const sys = await System.start(kill ? 'rules-kill' : 'rules-clean', { template: template.name, env: INTAKE_ENV });
      const kills: string[] = [];
      let runStatusAtKill: string | undefined;
      let takenAtKill: number | undefined;
      try {
        const t0 = Date.now();
        let firstKillAt = t0;
        const res = await api(sys.baseUrl, 'POST', '/api/v1/rules/evaluate', { token: sys.token, body: { asOf: AS_OF.toISOString() } });
        expect(res.status).toBe(202);
        if (kill) {
          // First kill: while the run itself is evaluating (status running, alerts being written).
          await until('the run to start', async () => (await sys.one(`select status from rule_runs where id = $1`, [res.body.runId])).status !== 'queued');
          firstKillAt = Date.now();
          await sys.worker.kill9();
          runStatusAtKill = (await sys.one(`select status from rule_runs where id = $1`, [res.body.runId])).status;
          kills.push(`run ${runStatusAtKill}, ${(await sys.one(`select count(*)::int as n from alerts`)).n} alerts`);
          await sys.worker.start();
          // Second kill: in the middle of the case intake the new alerts trigger.
          const half = Math.max(1, Math.floor((expected['case_alerts'] ?? 2) / 2));
          await until('half the cases', async () => Number((await sys.one(`select count(*)::int as n from case_alerts`)).n) >= half, 600_000, 20);
          await sys.worker.kill9();
          takenAtKill = Number((await sys.one(`select count(*)::int as n from case_alerts`)).n);
          kills.push(`${takenAtKill} of ${expected['case_alerts']} alerts taken into cases`);
          await sys.worker.start();
        }
        const quietMs = 4000;
        await sys.settle(() => endState(sys), { quietMs });
        // settle() returns quietMs after the last change: that change is when the work was finished.
        const finishedAt = Date.now() - quietMs;
        const run = await sys.one(`select status from rule_runs where id = $1`, [res.body.runId]);
        expect(run.status).toBe('completed');
        return { state: await endState(sys), kills, ms: Date.now() - t0, afterKillMs: finishedAt - firstKillAt, runStatusAtKill, takenAtKill };
      } finally {
        await sys.close();
      }
    }

    it('ends in the same state as a clean run', async () => {
      const clean = await runRules(false);
      expected = clean.state;
      expect(expected['case_alerts']).toBeGreaterThan(10);
      const faulty = await runRules(true);
      const same = JSON.stringify(faulty.state) === JSON.stringify(clean.state);
      // The kills must have landed mid-work: the first while the run was running, the second between intake batches.
      const midRun = faulty.runStatusAtKill === 'running';
      const midIntake = faulty.takenAtKill !== undefined && faulty.takenAtKill > 0 && faulty.takenAtKill < clean.state['case_alerts'];
      recordResult(
        'worker kill -9 during a rule run and its case intake',
        same && faulty.state['dup.open_cases'] === 0 && midRun && midIntake,
        {
          learners: LEARNERS,
          alerts_open: Object.entries(clean.state)
            .filter(([k]) => /^alerts\..*\.open$/.test(k))
            .reduce((a, [, v]) => a + v, 0),
          case_alerts: clean.state['case_alerts'],
          tasks: Object.entries(clean.state)
            .filter(([k]) => k.startsWith('tasks.'))
            .reduce((a, [, v]) => a + v, 0),
          clean_ms: clean.ms,
          killed_ms: faulty.ms,
          first_kill_to_done_ms: faulty.afterKillMs,
        },
        `kills at: ${faulty.kills.join('; ')} (intake 100 alerts per transaction; mid-run ${midRun ? 'yes' : 'NO'}, mid-intake ${midIntake ? 'yes' : 'NO'})`,
      );
      expect(faulty.runStatusAtKill).toBe('running');
      expect(faulty.takenAtKill).toBeGreaterThan(0);
      expect(faulty.takenAtKill).toBeLessThan(clean.state['case_alerts']);
      expect(faulty.state).toEqual(clean.state);
      for (const [k, v] of Object.entries(faulty.state)) if (k.startsWith('dup.')) expect([k, v]).toEqual([k, 0]);
    });
  });

  describe('first-week scheduling of many enrolments synced at once', () => {
    it('creates exactly seven check-ins per enrolment, none twice', async () => {
      const sys = await System.start('firstweek-kill');
      try {
        await sys.teamOwningAllCourses(6);
        const sync = (p: string, items: unknown[]) => api(sys.baseUrl, 'PUT', `/api/v1/sync/${p}`, { token: sys.token, body: { items } });
        const team = await sys.one(`select id from teams order by id limit 1`);
        expect((await sync('courses', [{ externalId: 'FW-C', title: 'First week', totalLessons: 30, durationDays: 90, teamId: team.id }])).status).toBe(200);
        const now = new Date(Date.now() - 3_600_000).toISOString();
        const learners = Array.from({ length: ENROLMENTS }, (_, i) => ({ externalId: `FW-L${i}`, name: `New learner ${i}`, timezone: 'Asia/Shanghai' }));
        expect((await sync('learners', learners)).status).toBe(200);
        const enrolments = learners.map((l, i) => ({
          externalId: `FW-E${i}`,
          learnerExternalId: l.externalId,
          courseExternalId: 'FW-C',
          enrolledAt: now,
          status: 'active',
        }));
        const t0 = Date.now();
        const res = await sync('enrollments', enrolments);
        expect(res.status).toBe(200);
        expect(res.body.summary.created).toBe(ENROLMENTS);
        // Kill twice while the program is being scheduled.
        const kills: number[] = [];
        for (const share of [0.2, 0.6]) {
          await until(
            `${share * 100}% scheduled`,
            async () => Number((await sys.one(`select count(*)::int as n from tasks where kind = 'first_week_checkin'`)).n) >= ENROLMENTS * 7 * share,
            600_000,
            20,
          );
          await sys.worker.kill9();
          kills.push(Number((await sys.one(`select count(*)::int as n from tasks where kind = 'first_week_checkin'`)).n));
          await sys.worker.start();
        }
        await sys.settle(() => endState(sys), { quietMs: 4000 });
        const state = await endState(sys);
        const perEnrolment = await sys.q(
          `select e.external_id, count(t.id)::int as n from enrollments e left join tasks t on t.enrollment_id = e.id and t.kind = 'first_week_checkin' group by 1 having count(t.id) <> 7`,
        );
        const owners = await sys.one(`select count(*)::int as n from learners where owner_advisor_id is null`);
        const held = perEnrolment.length === 0 && state['dup.first_week'] === 0 && owners.n === 0;
        recordResult(
          'worker kill -9 during first-week scheduling',
          held,
          { enrolments: ENROLMENTS, checkins: state['tasks.first_week_checkin.scheduled'] ?? 0, expected: ENROLMENTS * 7, ms: Date.now() - t0 },
          `killed at ${kills.join(' and ')} check-ins`,
        );
        expect(perEnrolment).toEqual([]);
        expect(state['dup.first_week']).toBe(0);
        expect(owners.n).toBe(0);
      } finally {
        await sys.close();
      }
    });
  });

  describe('a webhook delivery held open by the receiver', () => {
    let server: Server;
    const received: Array<{ id: string; body: string }> = [];
    let hold = true;
    let arrived = 0;

    beforeAll(async () => {
      server = createServer((req: IncomingMessage, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          arrived++;
          const id = String(req.headers['x-careloop-delivery']);
          if (hold) return; // never answers: the worker is killed with this request in flight
          received.push({ id, body });
          res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });

    it('delivers every event after the restart, one delivery record each', async () => {
      const sys = await System.start('webhook-kill');
      try {
        const port = (server.address() as { port: number }).port;
        const hook = await api(sys.baseUrl, 'POST', '/api/v1/webhooks', {
          token: sys.token,
          body: { url: `http://127.0.0.1:${port}/hook`, events: ['alert.opened', 'case.opened'], secret: 'resilience-webhook-secret' },
        });
        expect(hook.status).toBe(201);
        await seedRulesSchool(sys.pool, { learners: 300, courses: 3, days: 40, timezone: 'Asia/Shanghai', asOf: AS_OF }, () => undefined);
        await sys.teamOwningAllCourses(2);
        const run = await api(sys.baseUrl, 'POST', '/api/v1/rules/evaluate', { token: sys.token, body: { asOf: AS_OF.toISOString() } });
        expect(run.status).toBe(202);
        await until('a delivery to be in flight', async () => arrived > 0, 300_000, 20);
        await sys.worker.kill9();
        const inFlight = arrived;
        hold = false;
        await sys.worker.start();
        await sys.settle(() => endState(sys), { quietMs: 5000 });
        await until(
          'every delivery to finish',
          async () => Number((await sys.one(`select count(*)::int as n from webhook_deliveries where status = 'pending'`)).n) === 0,
          600_000,
          250,
        );
        const deliveries = await sys.q(`select id, outbox_id::text as outbox_id, status, attempts from webhook_deliveries`);
        const state = await endState(sys);
        // Every event of a subscribed type (not only those that got a delivery row) must have been delivered once.
        const subscribed = (await sys.q(`select id::text as id from outbox where event_type in ('alert.opened', 'case.opened')`)).map((r) => String(r.id));
        const deliveredFor = new Set(deliveries.map((d) => String(d.outbox_id)));
        const undelivered = subscribed.filter((id) => !deliveredFor.has(id));
        const failed = deliveries.filter((d) => d.status !== 'delivered');
        const ids = new Set(received.map((r) => r.id));
        const neverReceived = deliveries.filter((d) => !ids.has(String(d.id)));
        const held =
          subscribed.length > 0 &&
          undelivered.length === 0 &&
          failed.length === 0 &&
          neverReceived.length === 0 &&
          state['dup.deliveries'] === 0 &&
          deliveries.length === subscribed.length;
        recordResult(
          'worker kill -9 during a webhook delivery',
          held,
          {
            events: subscribed.length,
            deliveries: deliveries.length,
            undelivered: undelivered.length,
            received: received.length,
            distinct_received: ids.size,
            never_received: neverReceived.length,
            in_flight_when_killed: inFlight,
          },
          'events = every outbox row of a subscribed type; at-least-once to the receiver: a request cut off in flight is sent again with the same delivery id',
        );
        expect(subscribed.length).toBeGreaterThan(0);
        expect(undelivered).toEqual([]);
        expect(failed).toEqual([]);
        expect(state['dup.deliveries']).toBe(0);
        expect(deliveries.length).toBe(subscribed.length);
        // Every delivery reached the receiver; a repeat (the one cut off) carries the same id.
        expect(neverReceived).toEqual([]);
      } finally {
        await sys.close();
      }
    });
  });
});
