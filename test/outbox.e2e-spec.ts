import { Queue } from 'bullmq';
import { OutboxService } from '../libs/outbox/outbox.service.js';
import { OutboxRelayService } from '../libs/outbox/outbox-relay.service.js';
import { jobId, QueueName } from '../libs/queue/jobs.js';
import { redisConnectionOptions } from '../libs/queue/redis-connection.js';
import { eventually, TestApp } from '../libs/testing/index.js';
import { PrivateRedis } from '../libs/testing/private-redis.js';

describe('transactional outbox across a Redis outage', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  beforeAll(async () => {
    redis = await PrivateRedis.start();
    // The worker runs the relay; no processor needs to handle the job for this test.
    app = await TestApp.start({ worker: true, env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await app?.close();
    await redis?.down();
  });

  it('keeps an event written while Redis is down and relays it exactly once when Redis returns', async () => {
    await redis.down();
    const outbox = app.get(OutboxService);
    const eventId = `${Date.now()}`;
    // The business write and its event commit together even though Redis is unreachable.
    await app.db.transaction(async (em) => {
      await em.query(`insert into teams (name) values ($1)`, [`outbox-team-${eventId}`]);
      await outbox.publish(em, [{ aggregateType: 'alert', aggregateId: eventId, eventType: 'alert.cleared', payload: { alertId: eventId } }]);
    });
    const [row] = await app.db.query(`select id, sent_at from outbox where aggregate_id = $1`, [eventId]);
    expect(row.sent_at).toBeNull();
    // While Redis is down the relay keeps failing and leaves the row unsent.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await app.db.query(`select sent_at from outbox where id = $1`, [row.id]))[0].sent_at).toBeNull();

    await redis.up();
    await eventually(async () => (await app.db.query(`select sent_at from outbox where id = $1`, [row.id]))[0].sent_at, 20_000);

    const queue = new Queue(QueueName.Cases, { connection: redisConnectionOptions(redis.url), prefix: app.config.queuePrefix });
    try {
      const id = jobId('evt', row.id, 'cases.on-alert-cleared');
      expect(await queue.getJob(id)).toBeDefined();
      // Relaying the same row again (as after a crash between enqueue and commit) creates no second job.
      await app.db.query(`update outbox set sent_at = null where id = $1`, [row.id]);
      await app.get(OutboxRelayService, 'worker').relayBatch();
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      const ids = (await queue.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'])).map((j) => j.id);
      expect(ids.filter((x) => x === id)).toHaveLength(1);
      expect(total).toBe(ids.length);
    } finally {
      await queue.close();
    }
  });
});

describe('outbox relay wake-up', () => {
  let app: TestApp;
  beforeAll(async () => {
    // Polling once a minute: only the commit's notification can relay the event within the test.
    app = await TestApp.start({ worker: true, env: { OUTBOX_POLL_MS: '60000' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('relays an event as soon as its transaction commits, woken by the outbox notification', async () => {
    const eventId = `wake-${Date.now()}`;
    // The relay drains once at its first poll after start; wait for the listener to be up before writing.
    await eventually(async () => {
      const [{ n }] = await app.db.query(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen careloop_outbox%'`,
      );
      return n > 0;
    });
    await app.db.transaction(async (em) => {
      await app.get(OutboxService).publish(em, [{ aggregateType: 'alert', aggregateId: eventId, eventType: 'alert.cleared', payload: { alertId: eventId } }]);
    });
    await eventually(async () => (await app.db.query(`select sent_at from outbox where aggregate_id = $1`, [eventId]))[0]?.sent_at, 20_000);
  });
});
