import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { QueueService } from '../libs/queue/queue.service.js';
import { derivedQueuePrefix } from '../libs/queue/queue-prefix.js';
import { QueueName } from '../libs/queue/jobs.js';
import { redisConnectionOptions } from '../libs/queue/redis-connection.js';
import { LearningDataFactory } from '../libs/testing/learning-data.factory.js';
import { eventually, TestApp } from '../libs/testing/index.js';

const DAY = 86_400_000;

/**
 * Two installations (two databases) on one Redis, both with QUEUE_PREFIX unset, as a new user runs them. With
 * the old fixed default prefix each worker took the other's jobs and a rule run stayed queued forever.
 */
describe('two installations on one Redis with the default queue prefix', () => {
  let a: TestApp;
  let b: TestApp;
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const started: TestApp[] = [];
  // nestjs-pino keeps one root logger per process, so lines of every app in this file may land in any app's capture.
  const allLogs = () => started.flatMap((app) => app.logs);

  beforeAll(async () => {
    a = await TestApp.start({ ownDatabase: true, defaultQueuePrefix: true, captureLogs: true });
    b = await TestApp.start({ ownDatabase: true, defaultQueuePrefix: true, captureLogs: true });
    started.push(a, b);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('derives a different prefix for each database from its identity', async () => {
    expect(a.config.queuePrefix).toBeUndefined();
    for (const app of [a, b]) {
      const [row] = await app.db.query(`select system_identifier::text as cluster, current_database() as database from pg_control_system()`);
      expect(app.queuePrefix).toBe(derivedQueuePrefix(row));
      expect(app.get(QueueService, 'worker').prefix).toBe(app.queuePrefix);
    }
    expect(a.queuePrefix).toMatch(/^careloop-[0-9a-f]{12}$/);
    expect(b.queuePrefix).not.toBe(a.queuePrefix);
  });

  it('runs rules on both: each run completes and its alerts become cases in its own database', async () => {
    const seeded = [];
    for (const app of [a, b]) {
      const admin = await app.staff.create('admin');
      const data = new LearningDataFactory(app.db, app.config.schoolTimezone);
      const e = await data.enrollment({ enrolledAt: new Date(Date.now() - 10 * DAY) });
      seeded.push({ app, admin, e });
    }
    const runs = await Promise.all(
      seeded.map(async (s) => {
        const res = await s.app.http().post('/api/v1/rules/evaluate').set(s.admin.auth).send({});
        expect(res.status).toBe(202);
        return res.body.runId as string;
      }),
    );
    for (const [i, s] of seeded.entries()) {
      const done = await eventually(async () => {
        const r = await s.app.http().get(`/api/v1/rule-runs/${runs[i]}`).set(s.admin.auth);
        return r.body.status === 'completed' && r.body;
      }, 60_000);
      expect(done.alertsOpened).toBeGreaterThanOrEqual(1);
      const cases = await eventually(async () => {
        const r = await s.app.http().get('/api/v1/cases').set(s.admin.auth);
        return r.body.items.find((c: { learnerId: string }) => c.learnerId === s.e.learnerId);
      }, 60_000);
      expect(cases.learnerId).toBe(s.e.learnerId);
    }
    expect(allLogs().filter((l) => /does not have/.test(l))).toEqual([]);
  });

  it('fails, with an error in the log, a job naming a row this database does not have', async () => {
    const queue = new Queue(QueueName.Rules, { connection: redisConnectionOptions(redisUrl), prefix: a.queuePrefix });
    const events = new Queue(QueueName.Tasks, { connection: redisConnectionOptions(redisUrl), prefix: a.queuePrefix });
    try {
      const runId = randomUUID();
      // Retries allowed and an hour apart: a retried job would sit in delayed, so reaching failed means none was made.
      const retryable = { attempts: 8, backoff: { type: 'fixed', delay: 3_600_000 } };
      const job = await queue.add('rules.run', { runId }, retryable);
      // An outbox event of another installation: its outbox id may well exist here, its aggregate does not.
      const [{ id: outboxId }] = await a.db.query(`select coalesce(max(id), 1)::text as id from outbox`);
      const foreign = await events.add(
        'tasks.first-week',
        {
          outboxId,
          eventType: 'enrollment.created',
          aggregateType: 'enrollment',
          aggregateId: randomUUID(),
          occurredAt: new Date().toISOString(),
          payload: {},
        },
        retryable,
      );
      for (const [q, j] of [
        [queue, job],
        [events, foreign],
      ] as const) {
        // Read the job after it is failed: a copy read before could predate the failure.
        await eventually(async () => (await q.getJobState(j.id!)) === 'failed');
        const failed = (await q.getJob(j.id!))!;
        expect(failed.attemptsMade).toBe(1); // not retried: another attempt cannot make the row appear
        expect(failed.failedReason).toMatch(/this database does not have/);
      }
      expect(allLogs().some((l) => l.includes(`rule_runs ${runId}`) && /"level":(50|"error")/.test(l))).toBe(true);
      expect((await a.db.query(`select count(*)::int as n from rule_runs where id = $1`, [runId]))[0].n).toBe(0);
    } finally {
      await queue.close();
      await events.close();
    }
  });

  it('says loudly when another database already uses an explicit QUEUE_PREFIX', async () => {
    const c = await TestApp.start({ ownDatabase: true, worker: false, captureLogs: true, env: { QUEUE_PREFIX: a.queuePrefix } });
    started.push(c);
    try {
      expect(c.queuePrefix).toBe(a.queuePrefix);
      await c.get(QueueService).claimPrefix();
      const [{ database }] = await a.db.query(`select current_database() as database`);
      const complaint = allLogs().find((l) => l.includes(`${a.queuePrefix}\\" is already used by the installation with database`));
      expect(complaint).toContain(`/${database}`);
      expect(complaint).toMatch(/"level":(50|"error")/);
    } finally {
      await c.close();
    }
  });
});
