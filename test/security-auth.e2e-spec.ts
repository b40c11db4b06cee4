import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeCursor } from '../libs/common/pagination.js';
import { DEFAULT_JWT_SECRET, DEVELOPMENT_ADMIN, JWT_SECRET_FILE, LOGIN_BODY_LIMIT_BYTES, loadConfig } from '../libs/config/config.js';
import { TestApp, type TestStaff } from '../libs/testing/index.js';

/** Security review (issue 15), authentication and abuse: items 7–11. */
describe('security: authentication and abuse', () => {
  let app: TestApp;
  let admin: TestStaff;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = await app.staff.create('admin');
  });
  afterAll(async () => {
    await app?.close();
  });

  const login = (email: string, password: string) => app.http().post('/api/v1/auth/login').send({ email, password });
  const tokenOf = async (s: TestStaff) => (await login(s.email, s.password).expect(200)).body.accessToken as string;
  const me = (token: string) => app.http().get('/api/v1/me').set('Authorization', `Bearer ${token}`);

  it('item 9: a password change, a role change and deactivation end existing tokens', async () => {
    const team = await app.staff.team();
    // Password change: the old token stops working, a login with the new password works.
    const advisor = await app.staff.create('advisor', { teamId: team.id });
    const before = await tokenOf(advisor);
    await me(before).expect(200);
    await me(advisor.token).expect(200);
    await app.http().patch(`/api/v1/staff/${advisor.id}`).set(admin.auth).send({ password: 'a brand new password 1' }).expect(200);
    await me(before).expect(401);
    await me(advisor.token).expect(401);
    const after = (await login(advisor.email, 'a brand new password 1').expect(200)).body.accessToken;
    await me(after).expect(200);

    // Role change: a supervisor demoted to advisor must log in again (and then acts as an advisor).
    const supervisor = await app.staff.create('supervisor', { teamId: team.id });
    const supToken = await tokenOf(supervisor);
    await app.http().patch(`/api/v1/staff/${supervisor.id}`).set(admin.auth).send({ role: 'advisor' }).expect(200);
    await me(supToken).expect(401);
    expect((await me(await tokenOf(supervisor)).expect(200)).body.role).toBe('advisor');

    // Deactivation: the token stays dead after reactivation.
    const leaver = await app.staff.create('advisor', { teamId: team.id });
    const leaverToken = await tokenOf(leaver);
    await app.http().patch(`/api/v1/staff/${leaver.id}`).set(admin.auth).send({ status: 'inactive' }).expect(200);
    await me(leaverToken).expect(401);
    await app.http().patch(`/api/v1/staff/${leaver.id}`).set(admin.auth).send({ status: 'active' }).expect(200);
    await me(leaverToken).expect(401);
    await me(await tokenOf(leaver)).expect(200);

    // Other changes (capacity, going away for a holiday) keep the session.
    const worker = await app.staff.create('advisor', { teamId: team.id });
    const workerToken = await tokenOf(worker);
    await app.http().patch(`/api/v1/staff/${worker.id}`).set(admin.auth).send({ capacity: 10, status: 'away' }).expect(200);
    await me(workerToken).expect(200);
  });
});

describe('security: request size and shape limits (item 11)', () => {
  let app: TestApp;
  let admin: TestStaff;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true });
    admin = await app.staff.create('admin');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('item 11: body limits per route: tiny on the unauthenticated login, small by default, large on sync', async () => {
    expect(app.config.bodyLimitBytes).toBe(1024 * 1024);
    const login = await app
      .http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ email: 'a@b.example', password: 'x'.repeat(LOGIN_BODY_LIMIT_BYTES) }))
      .expect(413);
    expect(login.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    // 2 MiB: too big for a ticket, fine for a sync batch.
    const big = 'x'.repeat(2 * 1024 * 1024);
    await app
      .http()
      .post('/api/v1/tickets')
      .set(admin.auth)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ learnerId: randomUUID(), category: 'technical', subject: 's', body: big }))
      .expect(413);
    const items = Array.from({ length: 2000 }, (_, i) => ({ externalId: `big-${i}`, name: `Learner ${i} ${'n'.repeat(1100)}` }));
    const sync = await app.http().put('/api/v1/sync/learners').set(admin.auth).send({ items });
    expect(JSON.stringify({ items }).length).toBeGreaterThan(2 * 1024 * 1024);
    expect(sync.status).toBe(200);
  });

  it('item 11: working hours take at most 8 intervals a day (400 naming the day)', async () => {
    const slivers = Array.from({ length: 500 }, (_, i) => [
      `${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
      `${String(Math.floor((i + 1) / 60)).padStart(2, '0')}:${String((i + 1) % 60).padStart(2, '0')}`,
    ]);
    const advisor = await app.staff.create('advisor');
    const res = await app
      .http()
      .patch(`/api/v1/staff/${advisor.id}`)
      .set(admin.auth)
      .send({ workingHours: { mon: slivers } })
      .expect(400);
    expect(res.body.details).toEqual([{ field: 'workingHours.mon', message: expect.stringMatching(/at most 8/) }]);
    const cal = await app
      .http()
      .post('/api/v1/calendars')
      .set(admin.auth)
      .send({ name: 'Slivers', timezone: 'Asia/Shanghai', hours: { tue: slivers } })
      .expect(400);
    expect(cal.body.details[0].field).toBe('hours.tue');
    await app
      .http()
      .patch(`/api/v1/staff/${advisor.id}`)
      .set(admin.auth)
      .send({
        workingHours: {
          mon: [
            ['09:00', '12:00'],
            ['13:30', '17:30'],
          ],
        },
      })
      .expect(200);
  });

  it('item 11: a negative or malformed knowledge-base cursor is a 400 naming the cursor, not a 500', async () => {
    for (const cursor of [encodeCursor([-5]), encodeCursor([1.5]), encodeCursor(['abc'])]) {
      const res = await app.http().get('/api/v1/kb/articles').query({ cursor }).set(admin.auth).expect(400);
      expect(res.body.details).toEqual([{ field: 'cursor', message: expect.any(String) }]);
    }
    await app
      .http()
      .get('/api/v1/kb/articles')
      .query({ cursor: encodeCursor([0]) })
      .set(admin.auth)
      .expect(200);
  });
});

describe('security: login throttle per email and address (item 8)', () => {
  let app: TestApp;
  let admin: TestStaff;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true, env: { TRUST_PROXY: 'loopback', LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = await app.staff.create('admin');
  });
  afterAll(async () => {
    await app?.close();
  });
  const from = (address: string, email: string, password: string) =>
    app.http().post('/api/v1/auth/login').set('X-Forwarded-For', address).send({ email, password });

  it("item 8: a stranger's failures slow the stranger down with growing backoff, never lock the owner out; logins are audited", async () => {
    const stranger = '198.51.100.9';
    for (let i = 0; i < 5; i++) await from(stranger, admin.email, `guess-${i}`).expect(401);
    const blocked = await from(stranger, admin.email, admin.password).expect(429);
    expect(blocked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/Too many failed logins/) });
    const firstWait = Number(blocked.headers['retry-after']);
    expect(firstWait).toBeGreaterThan(0);
    // The owner, from their own address, is not affected.
    await from('203.0.113.5', admin.email, admin.password).expect(200);
    // Once the wait has passed (moved back in time here), the next failure doubles it.
    await app.db.query(`update login_failures set failed_at = failed_at - make_interval(secs => $2) where ip = $1`, [stranger, firstWait + 1]);
    await from(stranger, admin.email, 'guess-again').expect(401);
    const again = await from(stranger, admin.email, 'guess-more').expect(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(firstWait);

    const audit = await app.http().get('/api/v1/audit').query({ entity: 'staff', entityId: admin.id, limit: 100 }).set(admin.auth).expect(200);
    const entries = audit.body.items as Array<{ action: string; after: { address: string; reason?: string } }>;
    expect(entries.filter((e) => e.action === 'auth.login_failed' && e.after.address === stranger)).toHaveLength(6);
    expect(entries.find((e) => e.action === 'auth.login_failed')!.after.reason).toBe('wrong_password');
    expect(entries.filter((e) => e.action === 'auth.login_succeeded').map((e) => e.after.address)).toEqual(['203.0.113.5']);
    expect(JSON.stringify(audit.body)).not.toContain(admin.password);
    expect(JSON.stringify(audit.body)).not.toContain('guess-');
  });
});

describe('security: client addresses and shared rate limits (item 7)', () => {
  const apps: TestApp[] = [];
  // Databases of their own: the failed logins here must not count against other suites' logins from 127.0.0.1.
  const start = async (env: Record<string, string>) => {
    const app = await TestApp.start({ worker: false, ownDatabase: !env.DATABASE_URL, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3', ...env } });
    apps.push(app);
    return app;
  };
  afterAll(async () => {
    for (const app of apps.reverse()) await app.close(); // the second process first: it uses the first one's database
  });
  const attempt = (app: TestApp, forwardedFor?: string) => {
    const req = app.http().post('/api/v1/auth/login');
    // A new email each time: the login throttle (item 8) must not be what answers 429 here.
    return (forwardedFor ? req.set('X-Forwarded-For', forwardedFor) : req).send({ email: `nobody-${randomUUID()}@test.careloop`, password: 'not a password' });
  };

  it('item 7: without TRUST_PROXY a made-up X-Forwarded-For does not buy a fresh rate-limit budget', async () => {
    const app = await start({});
    for (let i = 0; i < 3; i++) expect((await attempt(app, `203.0.113.${i + 1}`)).status).toBe(401);
    const limited = await attempt(app, '198.51.100.77');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
  });

  it('item 7: with TRUST_PROXY naming the proxy, its X-Forwarded-For is the client address', async () => {
    const app = await start({ TRUST_PROXY: 'loopback' });
    for (let i = 0; i < 3; i++) expect((await attempt(app, '203.0.113.10')).status).toBe(401);
    expect((await attempt(app, '203.0.113.10')).status).toBe(429);
    // Another client behind the same proxy has its own budget.
    expect((await attempt(app, '203.0.113.11')).status).toBe(401);
  });

  it('item 7: API processes share one rate-limit budget per address (kept in Redis)', async () => {
    const prefix = `cltest-shared-${randomUUID().slice(0, 8)}`;
    const one = await start({ QUEUE_PREFIX: prefix });
    const two = await start({ QUEUE_PREFIX: prefix, DATABASE_URL: one.config.databaseUrl! });
    expect((await attempt(one)).status).toBe(401);
    expect((await attempt(two)).status).toBe(401);
    expect((await attempt(one)).status).toBe(401);
    expect((await attempt(two)).status).toBe(429);
    expect((await attempt(one)).status).toBe(429);
  });
});

describe('security: safe defaults without NODE_ENV (item 10)', () => {
  // The built entry point, as an operator runs it (npm test builds first).
  const STANDALONE = 'dist/apps/standalone/src/main.js';
  const run = (env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [STANDALONE], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, out }));
    });

  it('item 10: with DATABASE_URL and no JWT_SECRET careloop refuses to start, whatever NODE_ENV says', async () => {
    expect(existsSync(STANDALONE)).toBe(true);
    for (const env of [{}, { NODE_ENV: 'development' }] as Array<Record<string, string>>) {
      const { code, out } = await run({ ...env, DATABASE_URL: 'postgres://careloop@127.0.0.1:1/careloop' });
      expect(code).toBe(1);
      expect(out).toContain('JWT_SECRET must be set when DATABASE_URL is set');
    }
    // The built-in secret of the test suites is refused too, if someone copies it.
    const copied = await run({ DATABASE_URL: 'postgres://careloop@127.0.0.1:1/careloop', JWT_SECRET: DEFAULT_JWT_SECRET });
    expect(copied.code).toBe(1);
    expect(copied.out).toContain('built-in test secret');
  }, 120_000); // three process starts on a busy machine

  it('item 10: with DATABASE_URL the well-known admin is never created, even in development', async () => {
    const app = await TestApp.start({ worker: false, ownDatabase: true, env: { NODE_ENV: 'development', JWT_SECRET: 'item-ten-secret-0123456789' } });
    try {
      expect(app.config.bootstrapAdmin).toBeUndefined();
      const rows = await app.db.query(`select email from staff`);
      expect(rows).toEqual([]);
      await app.http().post('/api/v1/auth/login').send(DEVELOPMENT_ADMIN).expect(401);
    } finally {
      await app.close();
    }
  });

  it('item 10: the embedded setup signs with a random secret kept under DATA_DIR, and keeps its development admin', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'careloop-item10-'));
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.jwtSecret).not.toBe(DEFAULT_JWT_SECRET);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(path.join(dir, JWT_SECRET_FILE), 'utf8').trim()).toBe(first.jwtSecret);
    expect(statSync(path.join(dir, JWT_SECRET_FILE)).mode & 0o077).toBe(0);
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(first.jwtSecret); // the same after a restart
    expect(loadConfig({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'careloop-item10-')) }).jwtSecret).not.toBe(first.jwtSecret);
    // npm start then npm run demo keeps working: the development admin on the embedded database.
    expect(first.bootstrapAdmin).toEqual({ ...DEVELOPMENT_ADMIN, isDefault: true });
  });
});
