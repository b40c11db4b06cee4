import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jobId, QueueName } from '../libs/queue/jobs.js';
import { QueueService } from '../libs/queue/queue.service.js';
import { eventually, TestApp, type TestStaff } from '../libs/testing/index.js';
import { LearningDataFactory } from '../libs/testing/learning-data.factory.js';
import { verifyWebhook } from '../libs/webhooks/webhook-signature.js';
import { WebhooksService } from '../libs/webhooks/webhooks.service.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A local receiver: answers 500 to the first delivery for each learner in `failFirst`, 200 otherwise. */
function receiver() {
  const received: Received[] = [];
  const failFirst = new Set<string>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const learnerId = JSON.parse(body)?.data?.learnerId as string | undefined;
      const status = learnerId && failFirst.delete(learnerId) ? 500 : 200;
      received.push({ headers: req.headers, body, status });
      res.statusCode = status;
      res.end(status === 200 ? 'ok' : 'try again');
    });
  });
  return {
    received,
    failFirst,
    listen: () =>
      new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SECRET = 'test-webhook-secret-0123456789';
const NOW = '2026-11-30T03:00:00.000Z';

describe('webhooks and learner reminders', () => {
  let app: TestApp;
  let admin: TestStaff;
  let data: LearningDataFactory;
  const hook = receiver();
  let url: string;

  beforeAll(async () => {
    // The receiver runs on loopback, which webhooks may reach only when an operator allows it. Reminders and the
    // outbox are school-wide, so this suite has a database of its own: learners left by suites that ran before it
    // in the same Jest worker would otherwise get reminders too and push this test's delivery off the log's page.
    app = await TestApp.start({ ownDatabase: true, env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1' } });
    admin = await app.staff.create('admin');
    data = new LearningDataFactory(app.db);
    url = await hook.listen();
    app.setNow(NOW);
  });
  afterAll(async () => {
    app?.setNow(undefined);
    await app?.close();
    await hook.close();
  });

  const forLearner = (learnerId: string) => hook.received.filter((r) => JSON.parse(r.body).data?.learnerId === learnerId);

  it('validates subscriptions and never returns the secret', async () => {
    const advisor = await app.staff.create('advisor');
    expect(
      (
        await app
          .http()
          .post('/api/v1/webhooks')
          .set(advisor.auth)
          .send({ url, events: ['learner.reminder'], secret: SECRET })
      ).status,
    ).toBe(403);
    const bad = await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url: 'ftp://x', events: ['learner.reminded'], secret: 'short' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(expect.arrayContaining(['events', 'secret']));
    const badUrl = await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url: 'ftp://example.com/x', events: ['learner.reminder'], secret: SECRET });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.details).toEqual([expect.objectContaining({ field: 'url' })]);
    expect((await app.http().get('/api/v1/webhooks/not-a-uuid/deliveries').set(admin.auth)).status).toBe(400);
    expect((await app.http().get('/api/v1/webhooks/00000000-0000-4000-8000-000000000000/deliveries').set(admin.auth)).status).toBe(404);
  });

  it('sends one signed learner.reminder per absence, retrying when the receiver first answers 500', async () => {
    const created = await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url, events: ['learner.reminder', 'case.escalated'], secret: SECRET });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url, events: ['learner.reminder', 'case.escalated'], enabled: true, secretHint: '…6789' });
    expect(JSON.stringify(created.body)).not.toContain(SECRET);
    const webhookId = created.body.id;

    // Last login 6 days ago (REMINDER_INACTIVE_DAYS = 5); a second learner logged in yesterday.
    const quiet = await data.enrollment({ enrolledAt: '2026-10-01T00:00:00Z', learner: { name: 'Quiet Learner', lastLoginAt: '2026-11-24T03:00:00Z' } });
    const busy = await data.enrollment({ enrolledAt: '2026-10-01T00:00:00Z', learner: { lastLoginAt: '2026-11-29T03:00:00Z' } });
    hook.failFirst.add(quiet.learnerId);
    await app.get(QueueService).enqueue('tasks.reminders', {}, { jobId: jobId('test-reminders', 1) });

    const deliveries = await eventually(() => (forLearner(quiet.learnerId).length >= 2 ? forLearner(quiet.learnerId) : undefined), 30_000);
    expect(deliveries.map((d) => d.status)).toEqual([500, 200]);
    const { headers, body } = deliveries[1];
    const parsed = JSON.parse(body);
    expect(parsed).toMatchObject({
      type: 'learner.reminder',
      data: {
        learnerId: quiet.learnerId,
        learnerExternalId: quiet.learnerExternalId,
        name: 'Quiet Learner',
        inactiveDays: 6,
        lastLoginAt: '2026-11-24T03:00:00.000Z',
      },
    });
    expect(parsed.id).toEqual(expect.any(String));
    expect(new Date(parsed.occurredAt).toISOString()).toBe(parsed.occurredAt);
    expect(headers['content-type']).toContain('application/json');
    expect(headers['x-careloop-event']).toBe('learner.reminder');
    expect(verifyWebhook(SECRET, Number(headers['x-careloop-timestamp']), body, String(headers['x-careloop-signature']))).toBe(true);
    // Both attempts carry the same delivery id.
    expect(deliveries[0].headers['x-careloop-delivery']).toBe(headers['x-careloop-delivery']);
    expect(forLearner(busy.learnerId)).toHaveLength(0);

    const log = await eventually(async () => {
      const res = await app.http().get(`/api/v1/webhooks/${webhookId}/deliveries`).set(admin.auth);
      const d = res.body.items.find((x: { id: string }) => x.id === headers['x-careloop-delivery']);
      return d?.status === 'delivered' ? d : undefined;
    });
    expect(log).toMatchObject({ eventType: 'learner.reminder', attempts: 2, lastStatusCode: 200 });
    expect(log.attemptLog.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);

    // The same absence never reminds again.
    await app.get(QueueService).enqueue('tasks.reminders', {}, { jobId: jobId('test-reminders', 2) });
    await eventually(async () => (await app.db.query(`select count(*)::int as n from outbox where sent_at is null`))[0].n === 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(forLearner(quiet.learnerId)).toHaveLength(2);
    expect(
      (await app.db.query(`select count(*)::int as n from outbox where event_type = 'learner.reminder' and aggregate_id = $1`, [quiet.learnerId]))[0].n,
    ).toBe(1);

    // After logging in and going quiet again, there is a new reminder.
    await app.db.query(`update learners set last_login_at = '2026-11-25T03:00:00Z' where id = $1`, [quiet.learnerId]);
    app.setNow('2026-12-01T03:00:00Z');
    await app.get(QueueService).enqueue('tasks.reminders', {}, { jobId: jobId('test-reminders', 3) });
    await eventually(() => forLearner(quiet.learnerId).length === 3, 20_000);
    expect(JSON.parse(forLearner(quiet.learnerId)[2].body).data.lastLoginAt).toBe('2026-11-25T03:00:00.000Z');
    app.setNow(NOW);
  });

  it('announces a task that is due once (task.due), signed like every delivery', async () => {
    const created = await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url, events: ['task.due'], secret: SECRET });
    expect(created.status).toBe(201);
    const advisor = await app.staff.create('advisor');
    const e = await data.enrollment({ enrolledAt: '2026-11-20T00:00:00Z' });
    const [task] = await app.db.query(
      `insert into tasks (kind, assignee_id, learner_id, enrollment_id, due_at, status) values ('care_call', $1, $2, $3, '2026-11-30T02:50:00Z', 'scheduled') returning id`,
      [advisor.id, e.learnerId, e.id],
    );
    // Already due: the sweep announces it at once (test/task-due.e2e-spec.ts covers notices at the due time).
    await app.get(QueueService).enqueue('tasks.due-sweep', {}, { jobId: jobId('test-due', 1) });
    const [notice] = await eventually(() => (forLearner(e.learnerId).length ? forLearner(e.learnerId) : undefined));
    expect(JSON.parse(notice.body)).toMatchObject({
      type: 'task.due',
      data: { taskId: task.id, assigneeId: advisor.id, kind: 'care_call', dueAt: '2026-11-30T02:50:00.000Z' },
    });
    expect(verifyWebhook(SECRET, Number(notice.headers['x-careloop-timestamp']), notice.body, String(notice.headers['x-careloop-signature']))).toBe(true);
    await app.get(QueueService).enqueue('tasks.due-sweep', {}, { jobId: jobId('test-due', 2) });
    await eventually(async () => (await app.get(QueueService).queue(QueueName.Tasks).getJobState(jobId('test-due', 2))) === 'completed');
    await eventually(async () => (await app.db.query(`select count(*)::int as n from outbox where sent_at is null`))[0].n === 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(forLearner(e.learnerId)).toHaveLength(1);
  });

  it('fans out the events of a relay pass in one job: one delivery per event and subscribed webhook, none twice on a replay', async () => {
    const made = await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url, events: ['case.escalated', 'alert.opened'], secret: SECRET })
      .expect(201);
    const ev = (outboxId: string, eventType: string) => ({
      outboxId,
      eventType,
      aggregateType: 'case',
      aggregateId: `agg-${outboxId}`,
      occurredAt: NOW,
      payload: { caseId: `batch-${outboxId}` },
    });
    // What the relay sends for one pass: every webhook-subscribed event, this webhook's types and another's.
    const job = { events: [ev('910000001', 'case.escalated'), ev('910000002', 'ticket.created'), ev('910000003', 'alert.opened')] };
    const svc = app.get(WebhooksService, 'worker');
    const queued = await svc.fanOut(job);
    const mine = () =>
      app.db.query(`select outbox_id::text as outbox_id, event_type from webhook_deliveries where webhook_id = $1 order by outbox_id`, [made.body.id]);
    expect(await mine()).toEqual([
      { outbox_id: '910000001', event_type: 'case.escalated' },
      { outbox_id: '910000003', event_type: 'alert.opened' },
    ]);
    // Every delivery of the pass (this webhook's two, and an earlier webhook's for case.escalated) is sent once.
    const [{ n: total }] = await app.db.query(`select count(*)::int as n from webhook_deliveries where outbox_id between 910000001 and 910000003`);
    expect(queued).toBe(total);
    const delivered = () => hook.received.filter((r) => String(JSON.parse(r.body).data?.caseId ?? '').startsWith('batch-'));
    await eventually(async () => delivered().length === total);
    // The same pass relayed again (a crash before the relay committed): nothing new is stored or sent.
    expect(await svc.fanOut(job)).toBe(0);
    expect(await mine()).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(delivered()).toHaveLength(total);
    expect(new Set(delivered().map((r) => JSON.parse(r.body).type))).toEqual(new Set(['alert.opened', 'case.escalated']));
  });

  it('disables a webhook after N consecutive failed deliveries, with an audit entry', async () => {
    // Nothing listens on this port: every attempt fails to connect.
    const dead = await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url: 'http://127.0.0.1:9/hook', events: ['case.escalated'], secret: SECRET, disableAfterFailures: 2 });
    const id = dead.body.id;
    const [d1, d2] = await app.db.query(
      `insert into webhook_deliveries (webhook_id, outbox_id, event_type, occurred_at, payload)
       values ($1, 900000001, 'case.escalated', now(), '{"caseId":"c1"}'), ($1, 900000002, 'case.escalated', now(), '{"caseId":"c2"}') returning id`,
      [id],
    );
    const svc = app.get(WebhooksService, 'worker');
    expect(await svc.deliver(d1.id, 1, false)).toBe('retry');
    expect(await svc.deliver(d1.id, 6, true)).toBe('failed');
    let w = (await app.http().get('/api/v1/webhooks').set(admin.auth)).body.find((x: { id: string }) => x.id === id);
    expect(w).toMatchObject({ enabled: true, consecutiveFailures: 1 });
    expect(await svc.deliver(d2.id, 6, true)).toBe('failed');
    w = (await app.http().get('/api/v1/webhooks').set(admin.auth)).body.find((x: { id: string }) => x.id === id);
    expect(w).toMatchObject({ enabled: false, consecutiveFailures: 2 });
    expect(w.disabledReason).toContain('2 consecutive failed deliveries');
    const audit = await app.http().get(`/api/v1/audit?entity=webhook&entityId=${id}`).set(admin.auth);
    expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual(['webhook.disabled', 'webhook.created']);
    const log = await app.http().get(`/api/v1/webhooks/${id}/deliveries`).set(admin.auth);
    expect(log.body.items.map((x: { status: string }) => x.status)).toEqual(['failed', 'failed']);
    expect(log.body.items.find((x: { id: string }) => x.id === d1.id).attemptLog).toHaveLength(2);

    // A disabled webhook gets no new deliveries; re-enabling resets the count.
    await svc.fanOut({
      outboxId: '900000003',
      eventType: 'case.escalated',
      aggregateType: 'case',
      aggregateId: 'c3',
      occurredAt: NOW,
      payload: { caseId: 'c3' },
    });
    expect((await app.db.query(`select count(*)::int as n from webhook_deliveries where webhook_id = $1`, [id]))[0].n).toBe(2);
    const enabled = await app.http().patch(`/api/v1/webhooks/${id}`).set(admin.auth).send({ enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledAt: null });
  });

  it('redelivers a failed delivery once, with fresh attempts, its log going on; refuses a delivered one and a disabled webhook', async () => {
    const created = await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url, events: ['case.escalated'], secret: SECRET });
    const id = created.body.id;
    const [failed] = await app.db.query(
      `insert into webhook_deliveries (webhook_id, outbox_id, event_type, occurred_at, payload, status, attempts, last_status_code, last_error)
       values ($1, 900000101, 'case.escalated', now(), '{"caseId":"c-redeliver"}', 'failed', 6, 500, 'HTTP 500') returning id`,
      [id],
    );
    const redeliver = (webhookId: string, deliveryId: string, auth = admin.auth) =>
      app.http().post(`/api/v1/webhooks/${webhookId}/deliveries/${deliveryId}/redeliver`).set(auth);
    const advisor = await app.staff.create('advisor');
    expect((await redeliver(id, failed.id, advisor.auth)).status).toBe(403);
    expect((await redeliver(id, 'not-a-uuid')).status).toBe(400);
    expect((await redeliver(id, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const other = await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url, events: ['case.escalated'], secret: SECRET });
    expect((await redeliver(other.body.id, failed.id)).status).toBe(404); // not this webhook's delivery

    const first = await redeliver(id, failed.id);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ queued: true, delivery: { id: failed.id, status: 'pending', attempts: 6 } });
    const delivered = await eventually(async () => {
      const log = await app.http().get(`/api/v1/webhooks/${id}/deliveries`).set(admin.auth);
      const d = log.body.items.find((x: { id: string }) => x.id === failed.id);
      return d?.status === 'delivered' ? d : undefined;
    }, 30_000);
    expect(delivered).toMatchObject({ attempts: 7, lastStatusCode: 200, lastError: null });
    expect(delivered.attemptLog.map((a: { attempt: number; statusCode: number }) => [a.attempt, a.statusCode])).toEqual([[7, 200]]);
    expect(hook.received.filter((r) => JSON.parse(r.body).data?.caseId === 'c-redeliver')).toHaveLength(1);
    // Delivered: a repeated request sends nothing again.
    const again = await redeliver(id, failed.id);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/delivered/);
    const audit = await app.http().get(`/api/v1/audit?entity=webhook&entityId=${id}`).set(admin.auth);
    expect(audit.body.items.filter((a: { action: string }) => a.action === 'webhook.delivery_redelivered')).toHaveLength(1);

    // A disabled webhook's failed delivery waits until the webhook is enabled again.
    const [skipped] = await app.db.query(
      `insert into webhook_deliveries (webhook_id, outbox_id, event_type, occurred_at, payload, status, attempts, last_error)
       values ($1, 900000102, 'case.escalated', now(), '{"caseId":"c-disabled"}', 'skipped', 0, 'webhook disabled') returning id`,
      [id],
    );
    await app.http().patch(`/api/v1/webhooks/${id}`).set(admin.auth).send({ enabled: false }).expect(200);
    const refused = await redeliver(id, skipped.id);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/disabled/);
    expect((await app.db.query(`select status from webhook_deliveries where id = $1`, [skipped.id]))[0].status).toBe('skipped');
  }, 60_000);
});
