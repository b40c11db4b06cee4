import { TestApp, type TestStaff } from '../libs/testing/index.js';

describe('foundation: auth, access, validation, ops', () => {
  let app: TestApp;
  let admin: TestStaff;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false });
    admin = await app.staff.create('admin');
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('login', () => {
    it('returns a bearer token that works on GET /me', async () => {
      const advisor = await app.staff.create('advisor');
      const res = await app.http().post('/api/v1/auth/login').send({ email: advisor.email, password: advisor.password }).expect(200);
      expect(res.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, staff: { id: advisor.id, role: 'advisor' } });
      expect(res.body.staff.passwordHash).toBeUndefined();
      const me = await app.http().get('/api/v1/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
      expect(me.body).toMatchObject({ id: advisor.id, email: advisor.email });
    });

    it('answers a wrong password with 401 and the uniform error body', async () => {
      const advisor = await app.staff.create('advisor');
      const res = await app.http().post('/api/v1/auth/login').send({ email: advisor.email, password: 'wrong password' }).expect(401);
      expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Email or password is wrong' });
    });

    it('throttles repeated failures with 429, even for the right password afterwards', async () => {
      const advisor = await app.staff.create('advisor');
      for (let i = 0; i < 5; i++) {
        await app
          .http()
          .post('/api/v1/auth/login')
          .send({ email: advisor.email, password: `nope-${i}` })
          .expect(401);
      }
      const res = await app.http().post('/api/v1/auth/login').send({ email: advisor.email, password: advisor.password }).expect(429);
      expect(res.body.statusCode).toBe(429);
      expect(res.body.message).toMatch(/Too many failed logins/);
    });

    it('rejects requests without credentials, and expired or foreign tokens', async () => {
      await app.http().get('/api/v1/me').expect(401);
      await app.http().get('/api/v1/me').set('Authorization', 'Bearer not-a-jwt').expect(401);
    });
  });

  describe('roles and API keys', () => {
    it('forbids an advisor from creating staff (403) and lets an admin do it (audited)', async () => {
      const advisor = await app.staff.create('advisor');
      const body = { email: `new-${Date.now()}@test.careloop`, name: 'New Person', password: 'long enough pw', role: 'advisor' };
      const denied = await app.http().post('/api/v1/staff').set(advisor.auth).send(body).expect(403);
      expect(denied.body.error).toBe('Forbidden');
      const created = await app.http().post('/api/v1/staff').set(admin.auth).send(body).expect(201);
      expect(created.body).toMatchObject({ email: body.email, role: 'advisor', capacity: 60, status: 'active' });
      const audit = await app.http().get(`/api/v1/audit?entity=staff&entityId=${created.body.id}`).set(admin.auth).expect(200);
      expect(audit.body.items).toEqual([expect.objectContaining({ action: 'staff.created', actorId: admin.id, entity: 'staff' })]);
    });

    it('shows a key once, stores only its hash, refuses staff endpoints to a sync key, and stops it at once on revocation', async () => {
      const created = await app
        .http()
        .post('/api/v1/api-clients')
        .set(admin.auth)
        .send({ name: 'LMS', scopes: ['sync:write'] })
        .expect(201);
      const key: string = created.body.key;
      expect(key).toMatch(/^cl_/);
      const [row] = await app.db.query(`select key_hash from api_clients where id = $1`, [created.body.id]);
      expect(row.key_hash).not.toContain(key);
      const list = await app.http().get('/api/v1/api-clients').set(admin.auth).expect(200);
      expect(JSON.stringify(list.body)).not.toContain(key);

      const asKey = { Authorization: `Bearer ${key}` };
      await app.http().get('/api/v1/staff').set(asKey).expect(403);
      await app.http().post('/api/v1/staff').set(asKey).send({}).expect(403);
      await app.http().delete(`/api/v1/api-clients/${created.body.id}`).set(admin.auth).expect(200);
      const revoked = await app.http().get('/api/v1/staff').set(asKey).expect(401);
      expect(revoked.body.message).toMatch(/revoked/);
    });

    it('lets supervisors change their own team members only (others are not visible: 404), and only operational fields', async () => {
      const a = await app.staff.teamWithPeople(1);
      const b = await app.staff.teamWithPeople(1);
      await app.http().patch(`/api/v1/staff/${a.advisors[0].id}`).set(a.supervisor.auth).send({ status: 'away', reason: 'holiday' }).expect(200);
      await app.http().patch(`/api/v1/staff/${b.advisors[0].id}`).set(a.supervisor.auth).send({ status: 'away' }).expect(404);
      expect((await app.http().get(`/api/v1/staff/${b.advisors[0].id}`).set(admin.auth)).body.status).toBe('active');
      await app.http().patch(`/api/v1/staff/${a.advisors[0].id}`).set(a.supervisor.auth).send({ role: 'admin' }).expect(403);
    });
  });

  describe('validation', () => {
    it('rejects unknown fields naming them', async () => {
      const res = await app.http().post('/api/v1/teams').set(admin.auth).send({ name: 'x', colour: 'red' }).expect(400);
      expect(res.body.details).toEqual([{ field: 'colour', message: 'is not a known field' }]);
    });

    it('lists every bad field at once', async () => {
      const res = await app.http().post('/api/v1/staff').set(admin.auth).send({ email: 'nope', role: 'boss', capacity: -1 }).expect(400);
      const fields = res.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['email', 'name', 'password', 'role', 'capacity']));
    });

    it('validates nested working hours with a field path', async () => {
      const res = await app
        .http()
        .post('/api/v1/staff')
        .set(admin.auth)
        .send({
          email: `wh-${Date.now()}@test.careloop`,
          name: 'W',
          password: 'long enough pw',
          role: 'advisor',
          workingHours: { mon: [['17:00', '09:00']], funday: [] },
        })
        .expect(400);
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { field: 'workingHours.mon.0', message: 'must end after it starts' },
          expect.objectContaining({ field: 'workingHours.funday' }),
        ]),
      );
    });

    it('answers malformed JSON with 400 naming the body, and a malformed id with 400 naming it', async () => {
      const res = await app.http().post('/api/v1/teams').set(admin.auth).set('content-type', 'application/json').send('{"name":').expect(400);
      expect(res.body.details).toEqual([{ field: 'body', message: 'is not valid JSON' }]);
      const bad = await app.http().get('/api/v1/staff/not-a-uuid').set(admin.auth).expect(400);
      expect(bad.body.details).toEqual([{ field: 'id', message: 'must be a UUID' }]);
    });

    it('answers an oversized body with 413', async () => {
      const huge = JSON.stringify({ name: 'x'.repeat(app.config.bodyLimitBytes + 10) });
      const res = await app.http().post('/api/v1/teams').set(admin.auth).set('content-type', 'application/json').send(huge);
      expect(res.status).toBe(413);
      expect(res.body.statusCode).toBe(413);
    });

    it('answers an unknown route with the uniform 404 body', async () => {
      const res = await app.http().get('/api/v1/nothing-here').set(admin.auth).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  describe('ops', () => {
    it('is live and ready, with request ids and security headers', async () => {
      await app.http().get('/health/live').expect(200);
      const res = await app.http().get('/health/ready').set('x-request-id', 'abc-123').expect(200);
      expect(res.body.checks).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
      expect(res.headers['x-request-id']).toBe('abc-123');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      await app.http().get('/api/v1/health/ready').expect(200);
    });

    it('serves Prometheus metrics to admins only', async () => {
      const advisor = await app.staff.create('advisor');
      await app.http().get('/metrics').set(advisor.auth).expect(403);
      const res = await app.http().get('/metrics').set(admin.auth).expect(200);
      expect(res.text).toContain('careloop_http_request_duration_seconds');
      expect(res.text).toContain('careloop_outbox_backlog');
      expect(res.text).toMatch(/^careloop_case_intake_backlog \d+$/m);
      expect(res.text).toContain('careloop_queue_jobs');
    });

    it('serves the OpenAPI document and its UI without authentication', async () => {
      const doc = await app.http().get('/docs-json').expect(200);
      expect(doc.body.paths['/api/v1/auth/login']).toBeDefined();
      expect(doc.body.components.securitySchemes).toBeDefined();
      await app.http().get('/docs').expect(200);
    });
  });
});

describe('readiness with Redis unreachable', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers 503 naming Redis, while the database still serves', async () => {
    const res = await app.http().get('/health/ready').expect(503);
    expect(res.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(res.body.message).toMatch(/redis/);
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'redis' })]);
    const admin = await app.staff.create('admin');
    await app
      .http()
      .post('/api/v1/teams')
      .set(admin.auth)
      .send({ name: `written-without-redis-${Date.now()}` })
      .expect(201);
  });
});
