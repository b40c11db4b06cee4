import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseCsv } from '../libs/analytics/csv.js';
import { TestApp, type TestStaff } from '../libs/testing/index.js';
import { WebhooksService } from '../libs/webhooks/webhooks.service.js';

const SECRET = 'outbound-webhook-secret-0001';

/** A receiver on loopback that counts what reaches it. */
async function receiver(): Promise<{ port: number; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits++;
    req.resume();
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as AddressInfo).port, hits: () => hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** One pending delivery of a fake event to webhook `id`; returns the delivery id. */
async function pendingDelivery(app: TestApp, webhookId: string): Promise<string> {
  const outboxId = 800_000_000 + Math.floor(Math.random() * 99_999_999);
  const [row] = await app.db.query(
    `insert into webhook_deliveries (webhook_id, outbox_id, event_type, occurred_at, payload) values ($1, $2, 'case.escalated', now(), '{"caseId":"c1"}') returning id`,
    [webhookId, outboxId],
  );
  return row.id;
}

/** Security review (issue 15), outbound calls and exports: items 12–14. */
describe('security: outbound and exports', () => {
  let app: TestApp;
  let admin: TestStaff;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true });
    admin = await app.staff.create('admin');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('item 12: webhook registration refuses loopback, private, link-local and metadata targets', async () => {
    const refused = [
      'http://127.0.0.1:8080/hook',
      'http://localhost:6379/',
      'http://10.0.0.5/hook',
      'http://172.16.3.4/hook',
      'http://192.168.1.1/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://0.0.0.0:3000/',
      'http://100.64.0.1/',
      'http://[::1]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
      'http://[fe80::1]/hook',
      'http://[fd00::1]/hook',
    ];
    for (const url of refused) {
      const res = await app
        .http()
        .post('/api/v1/webhooks')
        .set(admin.auth)
        .send({ url, events: ['case.escalated'], secret: SECRET });
      expect([url, res.status]).toEqual([url, 400]);
      expect(res.body.details).toEqual([{ field: 'url', message: expect.stringMatching(/loopback, private, link-local/) }]);
    }
    const [{ n }] = await app.db.query(`select count(*)::int as n from webhooks`);
    expect(n).toBe(0);
    // Public receivers are fine, and so is a name that does not resolve yet (deliveries check again).
    await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url: 'https://93.184.216.34/hook', events: ['case.escalated'], secret: SECRET })
      .expect(201);
    const named = await app
      .http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url: 'https://hooks.example/careloop', events: ['case.escalated'], secret: SECRET })
      .expect(201);
    // Moving an existing webhook inside is refused the same way.
    const moved = await app.http().patch(`/api/v1/webhooks/${named.body.id}`).set(admin.auth).send({ url: 'http://169.254.169.254/' }).expect(400);
    expect(moved.body.details[0].field).toBe('url');
  });

  it('item 12: deliveries check the address again at connect time (DNS rebinding) and store only a generic error class', async () => {
    const hook = await receiver();
    try {
      const svc = app.get(WebhooksService);
      // Registered while its name pointed outside; now it points at loopback (as a re-pointed DNS name would).
      for (const inside of [`http://localhost:${hook.port}/hook`, `http://127.0.0.1:${hook.port}/hook`, `http://[::ffff:7f00:1]:${hook.port}/hook`]) {
        const created = await app
          .http()
          .post('/api/v1/webhooks')
          .set(admin.auth)
          .send({ url: 'https://hooks.example/rebind', events: ['case.escalated'], secret: SECRET })
          .expect(201);
        await app.db.query(`update webhooks set url = $2 where id = $1`, [created.body.id, inside]);
        const delivery = await pendingDelivery(app, created.body.id);
        expect(await svc.deliver(delivery, 1, true)).toBe('failed');
        const log = await app.http().get(`/api/v1/webhooks/${created.body.id}/deliveries`).set(admin.auth).expect(200);
        expect(log.body.items[0]).toMatchObject({ status: 'failed', lastError: 'blocked_target', lastStatusCode: null });
        expect(log.body.items[0].attemptLog[0].error).toBe('blocked_target');
      }
      expect(hook.hits()).toBe(0);
    } finally {
      await hook.close();
    }
  });

  it('item 12: an operator allow-list opens on-premise receivers; their failures are still generic classes', async () => {
    const hook = await receiver();
    const onPrem = await TestApp.start({ worker: false, ownDatabase: true, env: { WEBHOOK_ALLOWED_TARGETS: '127.0.0.1, receiver.internal' } });
    try {
      const boss = await onPrem.staff.create('admin');
      const ok = await onPrem
        .http()
        .post('/api/v1/webhooks')
        .set(boss.auth)
        .send({ url: `http://127.0.0.1:${hook.port}/hook`, events: ['case.escalated'], secret: SECRET })
        .expect(201);
      expect(await onPrem.get(WebhooksService).deliver(await pendingDelivery(onPrem, ok.body.id), 1, true)).toBe('delivered');
      expect(hook.hits()).toBe(1);
      // Still refused: what the list does not name.
      await onPrem
        .http()
        .post('/api/v1/webhooks')
        .set(boss.auth)
        .send({ url: 'http://10.1.2.3/hook', events: ['case.escalated'], secret: SECRET })
        .expect(400);
      // Nothing listens on port 9: the admin sees "connection_refused", not the socket error with address and port.
      const closed = await onPrem
        .http()
        .post('/api/v1/webhooks')
        .set(boss.auth)
        .send({ url: 'http://127.0.0.1:9/hook', events: ['case.escalated'], secret: SECRET })
        .expect(201);
      expect(await onPrem.get(WebhooksService).deliver(await pendingDelivery(onPrem, closed.body.id), 1, true)).toBe('failed');
      const log = await onPrem.http().get(`/api/v1/webhooks/${closed.body.id}/deliveries`).set(boss.auth).expect(200);
      expect(log.body.items[0].lastError).toBe('connection_refused');
      expect(JSON.stringify(log.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1:9/);
    } finally {
      await onPrem.close();
      await hook.close();
    }
  });

  it('item 12: in production webhooks must use https', async () => {
    const prod = await TestApp.start({
      worker: false,
      ownDatabase: true,
      env: { NODE_ENV: 'production', JWT_SECRET: 'production-test-secret-0001', LOG_LEVEL: 'warn' },
    });
    try {
      const boss = await prod.staff.create('admin');
      const res = await prod
        .http()
        .post('/api/v1/webhooks')
        .set(boss.auth)
        .send({ url: 'http://93.184.216.34/hook', events: ['case.escalated'], secret: SECRET })
        .expect(400);
      expect(res.body.details).toEqual([{ field: 'url', message: expect.stringMatching(/https/) }]);
      await prod
        .http()
        .post('/api/v1/webhooks')
        .set(boss.auth)
        .send({ url: 'https://93.184.216.34/hook', events: ['case.escalated'], secret: SECRET })
        .expect(201);
    } finally {
      await prod.close();
    }
  });

  it('item 13: CSV exports neutralise cells a spreadsheet would run as a formula', async () => {
    const team = await app.staff.team();
    const names = ['=HYPERLINK("https://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tTab first', '\rCR first', 'Plain name'];
    for (const name of names) await app.staff.create('advisor', { teamId: team.id, name });
    const res = await app.http().get('/api/v1/analytics/advisors').query({ teamId: team.id }).set(admin.auth).set('Accept', 'text/csv').expect(200);
    const got = parseCsv(res.text)
      .map((r) => r.name)
      .sort();
    expect(got).toEqual(['\'=HYPERLINK("https://evil.example","x")', "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTab first", "'\rCR first", 'Plain name'].sort());
    // Numbers stay numbers: a negative figure is not a formula.
    for (const line of res.text.split('\r\n').slice(1).filter(Boolean)) expect(line).not.toMatch(/(^|,)[=+@]/);
  });

  it('item 14: the audit log refuses TRUNCATE as it refuses UPDATE and DELETE', async () => {
    await app.http().post('/api/v1/teams').set(admin.auth).send({ name: 'audited team' }).expect(201);
    await expect(app.db.query('truncate audit_log')).rejects.toThrow(/append-only/);
    await expect(app.db.query('delete from audit_log')).rejects.toThrow(/append-only/);
    const [{ n }] = await app.db.query('select count(*)::int as n from audit_log');
    expect(n).toBeGreaterThan(0);
  });
});
