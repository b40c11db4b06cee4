import { registeredRoutes } from '../apps/api/src/api-app.js';
import { eventually, TestApp, type TestStaff } from '../libs/testing/index.js';

type Schema = Record<string, any>;
type Doc = { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema>; securitySchemes: Record<string, any> } };

const PUBLIC = new Set(['POST /api/v1/auth/login', 'GET /health/live', 'GET /health/ready']);
const WRITE = new Set(['post', 'put', 'patch']);

/** Fastify `/api/v1/cases/:id` → OpenAPI `/api/v1/cases/{id}`. */
const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

function resolve(doc: Doc, s: Schema): Schema {
  if (s.$ref) return resolve(doc, doc.components.schemas[String(s.$ref).replace('#/components/schemas/', '')]);
  return s;
}

/**
 * Checks a real response body against its documented schema, strictly: every property the API sends must be
 * documented (so a field added to a mapper without its DTO fails here), and every required one present.
 */
function violations(doc: Doc, schema: Schema, value: unknown, at = '$'): string[] {
  const s = resolve(doc, schema);
  if (s.allOf) return s.allOf.flatMap((part: Schema) => (value === null && s.nullable ? [] : violations(doc, part, value, at)));
  if (value === null) return s.nullable ? [] : [`${at}: null but not nullable`];
  if (s.enum && !s.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in ${s.enum.join('|')}`];
  const type = s.type ?? (s.properties ? 'object' : undefined);
  const out: string[] = [];
  switch (type) {
    case 'string':
      if (typeof value !== 'string') return [`${at}: expected string, got ${typeof value}`];
      if (s.format === 'date-time' && Number.isNaN(Date.parse(value))) out.push(`${at}: not a date-time`);
      if (s.format === 'uuid' && !/^[0-9a-f-]{36}$/i.test(value)) out.push(`${at}: not a uuid`);
      return out;
    case 'number':
    case 'integer':
      return typeof value === 'number' && (type === 'number' || Number.isInteger(value)) ? [] : [`${at}: expected ${type}, got ${JSON.stringify(value)}`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected boolean`];
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected array`];
      return value.flatMap((v, i) => violations(doc, s.items ?? {}, v, `${at}[${i}]`));
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected object`];
      const obj = value as Record<string, unknown>;
      for (const r of s.required ?? []) if (!(r in obj)) out.push(`${at}.${r}: required but missing`);
      for (const [k, v] of Object.entries(obj)) {
        if (s.properties?.[k]) out.push(...violations(doc, s.properties[k], v, `${at}.${k}`));
        else if (typeof s.additionalProperties === 'object') out.push(...violations(doc, s.additionalProperties, v, `${at}.${k}`));
        else if (s.properties && !s.additionalProperties) out.push(`${at}.${k}: not documented`);
      }
      return out;
    }
    default:
      return [];
  }
}

describe('OpenAPI document (/docs-json)', () => {
  let app: TestApp;
  let admin: TestStaff;
  let doc: Doc;

  const jsonSchemaOf = (method: string, path: string, status: string) => doc.paths[path][method].responses[status].content['application/json'].schema;
  const expectDocumented = (method: string, path: string, status: string, body: unknown) => {
    expect({ [`${method.toUpperCase()} ${path} ${status}`]: violations(doc, jsonSchemaOf(method, path, status), body) }).toEqual({
      [`${method.toUpperCase()} ${path} ${status}`]: [],
    });
  };

  beforeAll(async () => {
    app = await TestApp.start({ ownDatabase: true });
    admin = await app.staff.create('admin');
    const res = await app.http().get('/docs-json').expect(200);
    doc = res.body;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('renders the UI at /docs', async () => {
    const res = await app.http().get('/docs').redirects(1).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toMatch(/swagger-ui/i);
  });

  it('documents every registered route with a summary, a 2xx schema, security and the error answers', () => {
    // The API's operations: not the OpenAPI UI itself, nor the web console's static files (/ redirects to /console/).
    const routes = registeredRoutes(app.api).filter((r) => !r.url.startsWith('/docs') && !r.url.startsWith('/console') && r.url !== '/');
    expect(routes.length).toBeGreaterThan(60);
    const problems: string[] = [];
    for (const r of routes) {
      const path = toOpenApiPath(r.url);
      const method = r.method.toLowerCase();
      const key = `${r.method} ${path}`;
      const op = doc.paths[path]?.[method];
      if (!op) {
        problems.push(`${key}: missing`);
        continue;
      }
      if (!op.summary?.trim()) problems.push(`${key}: no summary`);
      if (!/Access: /.test(op.description ?? '')) problems.push(`${key}: does not say who may call it`);
      const ok = Object.entries(op.responses as Record<string, any>).filter(([code]) => /^2\d\d$/.test(code));
      if (!ok.length) problems.push(`${key}: no 2xx response`);
      for (const [code, res] of ok) {
        if (!res.description) problems.push(`${key}: ${code} without a description`);
        if (code === '204') continue;
        const schemas = Object.values(res.content ?? {}).map((c: any) => c.schema);
        if (!schemas.length || schemas.some((s) => !s || (!s.$ref && !s.type && !s.allOf))) problems.push(`${key}: ${code} without a schema`);
      }
      const isPublic = PUBLIC.has(key);
      if (isPublic) {
        if (op.security?.length) problems.push(`${key}: public but asks for credentials`);
      } else if (!op.security?.some((s: Record<string, unknown>) => 'bearer' in s)) {
        problems.push(`${key}: no bearer security`);
      }
      const expected = [
        ...(isPublic ? [] : ['401', '403']),
        ...(path.includes('{') ? ['404', '400'] : []),
        ...(op.requestBody ? ['400', '413'] : []),
        ...(path.startsWith('/api/v1/') ? ['429'] : []),
      ];
      for (const code of expected) {
        const schema = op.responses[code]?.content?.['application/json']?.schema;
        if (schema?.$ref !== '#/components/schemas/Error') problems.push(`${key}: no ${code} with the Error body`);
      }
      if (WRITE.has(method) && !['/api/v1/analytics/refresh', '/api/v1/risk-model/train'].includes(path)) {
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (!body) problems.push(`${key}: no request body schema`);
      }
    }
    expect(problems).toEqual([]);
    expect(doc.paths['/api/v1/staff'].post.description).toMatch(/staff with the role admin; not API keys/);
    expect(doc.paths['/api/v1/sync/events'].post.description).toMatch(/staff with the role admin; API keys with the scope sync:write/);
    expect(doc.paths['/api/v1/learners'].get.description).toMatch(/any staff; API keys with the scope read/);
    expect(doc.paths['/api/v1/auth/login'].post.description).toMatch(/public/);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('has no dangling references', () => {
    const refs = new Set<string>();
    JSON.stringify(doc, (k, v) => {
      if (k === '$ref') refs.add(v);
      return v;
    });
    const missing = [...refs].filter((r) => !doc.components.schemas[r.replace('#/components/schemas/', '')]);
    expect(missing).toEqual([]);
  });

  it('gives every request field an example or a closed set of values', () => {
    const undocumented: string[] = [];
    const seen = new Set<string>();
    const visit = (schema: Schema, at: string) => {
      if (schema.$ref) {
        if (seen.has(schema.$ref)) return;
        seen.add(schema.$ref);
        return visit(resolve(doc, schema), schema.$ref.replace('#/components/schemas/', ''));
      }
      for (const [name, p] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
        const inner = p.items ?? p;
        if (inner.$ref || inner.allOf) visit(inner.$ref ? inner : inner.allOf[0], `${at}.${name}`);
        else if (p.example === undefined && !inner.enum) undocumented.push(`${at}.${name}`);
      }
    };
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (body) visit(body, 'body');
        for (const p of op.parameters ?? []) {
          if (['query', 'path'].includes(p.in) && p.schema?.example === undefined && p.example === undefined && !p.schema?.enum && !p.schema?.items?.enum)
            undocumented.push(`${p.in} ${p.name} of ${op.operationId}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('offers CSV next to JSON for the analytics reports', () => {
    for (const name of ['retention', 'first-week', 'rules', 'churn-reasons', 'advisors', 'tickets']) {
      const content = doc.paths[`/api/v1/analytics/${name}`].get.responses['200'].content;
      expect(content['application/json'].schema.$ref).toMatch(/ReportDto$/);
      expect(content['text/csv'].schema).toEqual({ type: 'string' });
      expect(String(content['text/csv'].example).split('\r\n')[0].split(',').length).toBeGreaterThan(3);
    }
  });

  it('describes what the API really answers (strict: undocumented fields fail)', async () => {
    const http = () => app.http();
    const login = await http().post('/api/v1/auth/login').send({ email: admin.email, password: admin.password }).expect(200);
    expectDocumented('post', '/api/v1/auth/login', '200', login.body);
    expectDocumented('get', '/api/v1/me', '200', (await http().get('/api/v1/me').set(admin.auth).expect(200)).body);

    const team = await http()
      .post('/api/v1/teams')
      .set(admin.auth)
      .send({ name: `Docs team ${Date.now()}` })
      .expect(201);
    expectDocumented('post', '/api/v1/teams', '201', team.body);
    const advisor = await http()
      .post('/api/v1/staff')
      .set(admin.auth)
      .send({ email: `docs-${Date.now()}@test.careloop`, name: 'Docs Advisor', password: 'long enough pw', role: 'advisor', teamId: team.body.id })
      .expect(201);
    expectDocumented('post', '/api/v1/staff', '201', advisor.body);
    expectDocumented('get', '/api/v1/staff', '200', (await http().get('/api/v1/staff').set(admin.auth).expect(200)).body);
    expectDocumented('get', '/api/v1/teams', '200', (await http().get('/api/v1/teams').set(admin.auth).expect(200)).body);
    const lead = await http()
      .post('/api/v1/staff')
      .set(admin.auth)
      .send({ email: `docs-lead-${Date.now()}@test.careloop`, name: 'Docs Supervisor', password: 'long enough pw', role: 'supervisor' })
      .expect(201);
    const patched = await http().patch(`/api/v1/teams/${team.body.id}`).set(admin.auth).send({ supervisorId: lead.body.id, reason: 'docs' }).expect(200);
    expect(patched.body.supervisorName).toBe('Docs Supervisor');
    expectDocumented('patch', '/api/v1/teams/{id}', '200', patched.body);

    const client = await http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: 'Docs LMS', scopes: ['sync:write', 'read'] })
      .expect(201);
    expectDocumented('post', '/api/v1/api-clients', '201', client.body);
    const key = { Authorization: `Bearer ${client.body.key}` };

    const course = await http()
      .put('/api/v1/sync/courses')
      .set(key)
      .send({ items: [{ externalId: 'docs-c1', title: 'Docs course', totalLessons: 10, durationDays: 60, teamId: team.body.id }, { externalId: '' }] })
      .expect(200);
    expectDocumented('put', '/api/v1/sync/courses', '200', course.body);
    expect(course.body.summary).toMatchObject({ created: 1, rejected: 1 });
    await http()
      .put('/api/v1/sync/learners')
      .set(key)
      .send({ items: [{ externalId: 'docs-l1', name: 'Docs Learner', phone: '+86 138 0000 0001' }] })
      .expect(200);
    const enrolledAt = new Date(Date.now() - 20 * 86_400_000).toISOString();
    await http()
      .put('/api/v1/sync/enrollments')
      .set(key)
      .send({ items: [{ externalId: 'docs-e1', learnerExternalId: 'docs-l1', courseExternalId: 'docs-c1', enrolledAt, status: 'active' }] })
      .expect(200);
    const events = await http()
      .post('/api/v1/sync/events')
      .set(key)
      .send({
        items: [
          {
            eventId: 'docs-ev1',
            learnerExternalId: 'docs-l1',
            courseExternalId: 'docs-c1',
            type: 'study_session',
            occurredAt: enrolledAt,
            data: { minutes: 30 },
          },
        ],
      })
      .expect(200);
    expectDocumented('post', '/api/v1/sync/events', '200', events.body);

    const learners = await http().get('/api/v1/learners').set(admin.auth).expect(200);
    expectDocumented('get', '/api/v1/learners', '200', learners.body);
    const learnerId = learners.body.items.find((l: { externalId: string }) => l.externalId === 'docs-l1').id;
    expectDocumented('get', '/api/v1/learners/{id}', '200', (await http().get(`/api/v1/learners/${learnerId}`).set(admin.auth).expect(200)).body);
    expectDocumented(
      'get',
      '/api/v1/learners/{id}/timeline',
      '200',
      (await http().get(`/api/v1/learners/${learnerId}/timeline`).set(admin.auth).expect(200)).body,
    );

    expectDocumented('get', '/api/v1/rules', '200', (await http().get('/api/v1/rules').set(admin.auth).expect(200)).body);
    const today = new Date().toISOString().slice(0, 10);
    const backtest = await http()
      .post('/api/v1/rules/backtest')
      .set(admin.auth)
      .send({ rule: { kind: 'inactive_days', params: { days: 5 } }, from: today, to: today })
      .expect(200);
    expectDocumented('post', '/api/v1/rules/backtest', '200', backtest.body);

    const ticket = await http()
      .post('/api/v1/tickets')
      .set(admin.auth)
      .send({ learnerId, category: 'technical', subject: '视频无法播放', body: '第三课的视频一直在加载' })
      .expect(201);
    expectDocumented('post', '/api/v1/tickets', '201', ticket.body);
    expectDocumented('get', '/api/v1/tickets/{id}', '200', (await http().get(`/api/v1/tickets/${ticket.body.id}`).set(admin.auth).expect(200)).body);
    const article = await http()
      .post('/api/v1/kb/articles')
      .set(admin.auth)
      .send({ title: '视频无法播放怎么办', body: '清除缓存后重试。', tags: ['technical'] })
      .expect(201);
    expectDocumented('post', '/api/v1/kb/articles', '201', article.body);
    expectDocumented('get', '/api/v1/kb/articles/{id}', '200', (await http().get(`/api/v1/kb/articles/${article.body.id}`).set(admin.auth).expect(200)).body);

    const queue = await http().get('/api/v1/me/queue').set(admin.auth).expect(200);
    expectDocumented('get', '/api/v1/me/queue', '200', queue.body);
    expectDocumented('get', '/api/v1/audit', '200', (await http().get('/api/v1/audit').set(admin.auth).expect(200)).body);
    expectDocumented('get', '/api/v1/analytics/status', '200', (await http().get('/api/v1/analytics/status').set(admin.auth).expect(200)).body);
    for (const name of ['retention', 'first-week', 'rules', 'churn-reasons', 'advisors', 'tickets']) {
      expectDocumented('get', `/api/v1/analytics/${name}`, '200', (await http().get(`/api/v1/analytics/${name}`).set(admin.auth).expect(200)).body);
    }
    expectDocumented('get', '/health/live', '200', (await http().get('/health/live').expect(200)).body);

    // Error answers have the shared Error body.
    const bad = await http().get('/api/v1/cases?limit=0').set(admin.auth).expect(400);
    expectDocumented('get', '/api/v1/cases', '400', bad.body);
    expectDocumented('get', '/api/v1/cases/{id}', '404', (await http().get(`/api/v1/cases/${learnerId}`).set(admin.auth).expect(404)).body);
    expectDocumented('get', '/api/v1/me', '401', (await http().get('/api/v1/me').expect(401)).body);
  });

  it('describes the loop as it runs: rule run, alerts, cases, tasks, queue, desk settings, webhooks', async () => {
    const http = () => app.http();
    const { team, supervisor, advisors } = await app.staff.teamWithPeople(1);
    const advisor = advisors[0];
    const client = await http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: 'Loop LMS', scopes: ['sync:write'] })
      .expect(201);
    const key = { Authorization: `Bearer ${client.body.key}` };
    await http()
      .put('/api/v1/sync/courses')
      .set(key)
      .send({ items: [{ externalId: 'loop-c1', title: 'Loop course', totalLessons: 20, durationDays: 90, teamId: team.id }] })
      .expect(200);
    await http()
      .put('/api/v1/sync/learners')
      .set(key)
      .send({ items: [{ externalId: 'loop-l1', name: 'Loop Learner', timezone: 'Asia/Shanghai' }] })
      .expect(200);
    const enrolledAt = new Date(Date.now() - 20 * 86_400_000).toISOString();
    const enr = await http()
      .put('/api/v1/sync/enrollments')
      .set(key)
      .send({ items: [{ externalId: 'loop-e1', learnerExternalId: 'loop-l1', courseExternalId: 'loop-c1', enrolledAt, status: 'active' }] })
      .expect(200);
    expectDocumented('put', '/api/v1/sync/enrollments', '200', enr.body);

    const started = await http().post('/api/v1/rules/evaluate').set(admin.auth).send({}).expect(202);
    expectDocumented('post', '/api/v1/rules/evaluate', '202', started.body);
    const run = await eventually(async () => {
      const res = await http().get(`/api/v1/rule-runs/${started.body.runId}`).set(admin.auth).expect(200);
      return ['completed', 'failed'].includes(res.body.status) && res.body;
    });
    expect(run.status).toBe('completed');
    expectDocumented('get', '/api/v1/rule-runs/{id}', '200', run);

    const learnerId = (await http().get('/api/v1/learners?q=loop-l1').set(admin.auth).expect(200)).body.items[0].id;
    const alerts = await http().get(`/api/v1/alerts?learnerId=${learnerId}`).set(admin.auth).expect(200);
    expect(alerts.body.items.length).toBeGreaterThan(0);
    expectDocumented('get', '/api/v1/alerts', '200', alerts.body);
    const feedback = await http()
      .post(`/api/v1/alerts/${alerts.body.items[0].id}/feedback`)
      .set(supervisor.auth)
      .send({ verdict: 'useful', note: 'called, was ill' })
      .expect(200);
    expectDocumented('post', '/api/v1/alerts/{id}/feedback', '200', feedback.body);
    expectDocumented('get', '/api/v1/cohort-alerts', '200', (await http().get('/api/v1/cohort-alerts').set(admin.auth).expect(200)).body);

    const cases = await eventually(async () => {
      const res = await http().get(`/api/v1/cases?learnerId=${learnerId}`).set(admin.auth).expect(200);
      return res.body.items.length > 0 && res.body;
    });
    expectDocumented('get', '/api/v1/cases', '200', cases);
    const caseId = cases.items[0].id;
    const board = await http().get(`/api/v1/teams/${team.id}/board`).set(supervisor.auth).expect(200);
    expect(board.body.advisors).toHaveLength(1);
    expectDocumented('get', '/api/v1/teams/{id}/board', '200', board.body);
    const task = await eventually(async () => {
      const res = await http().get(`/api/v1/tasks?learnerId=${learnerId}&status=scheduled`).set(admin.auth).expect(200);
      return res.body.items.find((t: { caseId: string | null }) => t.caseId === caseId) && res.body;
    });
    expectDocumented('get', '/api/v1/tasks', '200', task);
    const taskId = task.items.find((t: { caseId: string | null }) => t.caseId === caseId).id;
    expectDocumented('get', '/api/v1/cases/{id}', '200', (await http().get(`/api/v1/cases/${caseId}`).set(admin.auth).expect(200)).body);

    const followUpAt = new Date(Date.now() + 3_600_000).toISOString();
    const outcome = await http()
      .post(`/api/v1/tasks/${taskId}/outcome`)
      .set(advisor.auth)
      .send({ result: 'reached', durationMinutes: 10, note: 'busy week', riskRead: 'medium', followUpAt })
      .expect(200);
    expectDocumented('post', '/api/v1/tasks/{id}/outcome', '200', outcome.body);
    expect(outcome.body.followUpTaskId).toEqual(expect.any(String));
    const { timezone } = (await http().get('/api/v1/me/queue').set(advisor.auth).expect(200)).body;
    const followUpDay = new Date(followUpAt).toLocaleDateString('en-CA', { timeZone: timezone });
    const queue = await http().get(`/api/v1/me/queue?date=${followUpDay}`).set(advisor.auth).expect(200);
    expectDocumented('get', '/api/v1/me/queue', '200', queue.body);
    expect(queue.body.tasks.some((t: { lastOutcome: unknown }) => t.lastOutcome)).toBe(true);
    const moved = await http()
      .post(`/api/v1/tasks/${outcome.body.followUpTaskId}/reschedule`)
      .set(advisor.auth)
      .send({ dueAt: followUpAt, reason: 'later' })
      .expect(200);
    expectDocumented('post', '/api/v1/tasks/{id}/reschedule', '200', moved.body);
    const resolved = await http().post(`/api/v1/cases/${caseId}/resolve`).set(advisor.auth).send({ outcome: 'retained', note: 'back on track' }).expect(200);
    expectDocumented('post', '/api/v1/cases/{id}/resolve', '200', resolved.body);
    const timeline = await http().get(`/api/v1/learners/${learnerId}/timeline`).set(admin.auth).expect(200);
    expectDocumented('get', '/api/v1/learners/{id}/timeline', '200', timeline.body);
    expect(new Set(timeline.body.items.map((i: { kind: string }) => i.kind))).toEqual(new Set(['alert', 'task']));

    const calendar = await http()
      .post('/api/v1/calendars')
      .set(admin.auth)
      .send({ name: `Docs calendar ${Date.now()}`, hours: { mon: [['09:00', '17:00']] }, holidays: ['2026-10-01'] })
      .expect(201);
    expectDocumented('post', '/api/v1/calendars', '201', calendar.body);
    const policy = await http()
      .post('/api/v1/sla-policies')
      .set(admin.auth)
      .send({
        name: `Docs policy ${Date.now()}`,
        position: 900 + Math.floor(Math.random() * 99_000),
        match: { priority: 'urgent' },
        calendarId: calendar.body.id,
        firstResponseMinutes: 30,
        resolutionMinutes: 240,
      })
      .expect(201);
    expectDocumented('post', '/api/v1/sla-policies', '201', policy.body);
    const routes = await http()
      .put('/api/v1/ticket-routes')
      .set(admin.auth)
      .send({ routes: [{ category: 'billing', teamId: team.id }] })
      .expect(200);
    expectDocumented('put', '/api/v1/ticket-routes', '200', routes.body);
    const hook = await http()
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url: 'https://school.example/hook', events: ['learner.reminder'], secret: 'a-secret-of-16-chars' })
      .expect(201);
    expectDocumented('post', '/api/v1/webhooks', '201', hook.body);
    expectDocumented(
      'get',
      '/api/v1/webhooks/{id}/deliveries',
      '200',
      (await http().get(`/api/v1/webhooks/${hook.body.id}/deliveries`).set(admin.auth).expect(200)).body,
    );
  });
});
