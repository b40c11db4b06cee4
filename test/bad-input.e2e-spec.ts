import fc from 'fast-check';
import { registeredRoutes } from '../apps/api/src/api-app.js';
import { LOGIN_BODY_LIMIT_BYTES } from '../libs/config/config.js';
import { TestApp } from '../libs/testing/index.js';
import { fixturePath, seedTeamFixture, type TeamFixture, type TeamFixtureIds } from '../libs/testing/team-fixture.js';

/**
 * Hostile input at every write endpoint (POST/PUT/PATCH/DELETE the app registers): never a 5xx, every 400 names
 * a field (the broken one, when one field was broken), and a rejected request writes nothing: a checksum of every
 * table's rows is unchanged, also when a sync batch answers 200 with every item rejected. Injection-shaped strings
 * that are accepted come back as the same plain data.
 *
 * Each route has a valid template body. First every field of it (top level, and the first nested item's) is broken
 * with each of a fixed set of bad values (BAD_VALUES), so no field goes untried; then property-based runs break a
 * field at random (wrong type, oversized, deeply nested, unicode-heavy, injection-shaped), add unknown fields, send
 * non-object and malformed JSON, and garble path ids. The random runs are bounded (BAD_INPUT_RUNS, default 4 per
 * property per route), seeded per route from BAD_INPUT_SEED so each route draws its own values.
 */
const RUNS = Number(process.env.BAD_INPUT_RUNS ?? 4);
const SEED = Number(process.env.BAD_INPUT_SEED ?? 20261125);

/** Writes that take no body: whatever they are sent is ignored, so an unknown field is not refused. */
const BODYLESS = ['POST /api/v1/analytics/refresh', 'POST /api/v1/risk-model/train'];

const HOURS = { mon: [['09:00', '17:30']], tue: [['09:00', '17:30']] };
const TEMPLATES: Record<string, (ids: TeamFixtureIds) => Record<string, unknown> | undefined> = {
  'POST /api/v1/auth/login': () => ({ email: 'nobody@school.example', password: 'not-the-password' }),
  'POST /api/v1/teams': () => ({ name: 'Team Fuzz' }),
  'PATCH /api/v1/teams/:id': () => ({ name: 'Team Fuzz renamed', reason: 'fuzz' }),
  'POST /api/v1/staff': (ids) => ({
    email: 'fuzz@school.example',
    name: 'Fuzz',
    password: 'long-enough-password',
    role: 'advisor',
    teamId: ids.teamA,
    capacity: 10,
    skills: ['python'],
  }),
  'PATCH /api/v1/staff/:id': () => ({ status: 'active', capacity: 60, reason: 'fuzz' }),
  'POST /api/v1/tasks/:id/outcome': () => ({ result: 'no_answer', durationMinutes: 5, note: 'fuzz', riskRead: 'medium', churnReason: 'other' }),
  'POST /api/v1/tasks/:id/reschedule': () => ({ dueAt: '2030-01-07T03:00:00Z', reason: 'fuzz' }),
  'POST /api/v1/tasks/:id/reassign': (ids) => ({ assigneeId: ids.advisorA, reason: 'fuzz' }),
  'POST /api/v1/tasks/reassign': (ids) => ({ taskIds: [ids.task], assigneeId: ids.advisorA, reason: 'fuzz' }),
  'POST /api/v1/webhooks': () => ({ url: 'https://hooks.example/fuzz', events: ['learner.reminder'], secret: 'fuzz-secret-0000001' }),
  'PATCH /api/v1/webhooks/:id': () => ({ enabled: true, disableAfterFailures: 10 }),
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver': () => ({ reason: 'fuzz' }),
  'POST /api/v1/cases/reassign': (ids) => ({ caseIds: [ids.caseId], toAdvisorId: ids.advisorA, reason: 'fuzz' }),
  'POST /api/v1/cases/:id/assign': (ids) => ({ advisorId: ids.advisorA, reason: 'fuzz' }),
  'POST /api/v1/cases/:id/resolve': () => ({ outcome: 'churned', churnReason: 'other', note: 'fuzz' }),
  'POST /api/v1/cases/:id/reschedule': () => ({ dueAt: '2030-01-07T03:00:00Z', reason: 'fuzz' }),
  'POST /api/v1/api-clients': () => ({ name: 'fuzz client', scopes: ['read'] }),
  'DELETE /api/v1/api-clients/:id': () => undefined,
  'PUT /api/v1/sync/courses': () => ({ items: [{ externalId: 'fz-c1', title: 'Fuzz course', totalLessons: 10, durationDays: 30, category: 'fuzz' }] }),
  'PUT /api/v1/sync/learners': () => ({ items: [{ externalId: 'fz-l1', name: 'Fuzz learner', phone: '+86 138 0000 0000', timezone: 'Asia/Shanghai' }] }),
  'PUT /api/v1/sync/enrollments': () => ({
    items: [{ externalId: 'fz-e1', learnerExternalId: 'fz-l1', courseExternalId: 'fz-c1', enrolledAt: '2026-11-01T00:00:00Z', status: 'active' }],
  }),
  'POST /api/v1/sync/events': () => ({
    items: [
      {
        eventId: 'fz-ev1',
        learnerExternalId: 'fz-l1',
        courseExternalId: 'fz-c1',
        type: 'study_session',
        occurredAt: '2026-11-02T00:00:00Z',
        data: { minutes: 30 },
      },
    ],
  }),
  'POST /api/v1/analytics/refresh': () => ({}),
  'POST /api/v1/risk-model/train': () => ({}),
  'POST /api/v1/tickets': (ids) => ({ learnerId: ids.learner, category: 'technical', priority: 'low', subject: 'Fuzz', body: 'Fuzz body' }),
  'POST /api/v1/tickets/:id/messages': () => ({ body: 'fuzz reply', internal: true }),
  'PATCH /api/v1/tickets/:id': () => ({ priority: 'high', subject: 'Fuzz', reason: 'fuzz' }),
  'POST /api/v1/tickets/:id/resolve': () => ({ note: 'fuzz' }),
  'POST /api/v1/tickets/:id/assign': (ids) => ({ assigneeId: ids.advisorA, reason: 'fuzz' }),
  'POST /api/v1/tickets/reassign': (ids) => ({ ticketIds: [ids.ticket], toAssigneeId: ids.advisorA, reason: 'fuzz' }),
  'PUT /api/v1/ticket-routes': (ids) => ({ routes: [{ category: 'billing', teamId: ids.teamA }] }),
  'POST /api/v1/kb/articles': () => ({ title: 'Fuzz', body: 'Fuzz body', tags: ['fuzz'] }),
  'PATCH /api/v1/kb/articles/:id': () => ({ title: 'Reset a password' }),
  'POST /api/v1/calendars': () => ({ name: 'Fuzz hours', timezone: 'Asia/Shanghai', hours: HOURS, holidays: ['2026-10-01'] }),
  'PATCH /api/v1/calendars/:id': () => ({ hours: HOURS }),
  'POST /api/v1/sla-policies': (ids) => ({
    name: 'Fuzz SLA',
    position: 5,
    match: { category: 'billing' },
    calendarId: ids.calendar,
    firstResponseMinutes: 30,
    resolutionMinutes: 300,
  }),
  'PATCH /api/v1/sla-policies/:id': () => ({ firstResponseMinutes: 60 }),
  'POST /api/v1/rules': () => ({
    key: 'fuzz_rule',
    name: 'Fuzz',
    kind: 'inactive_days',
    params: { days: 9 },
    severity: 'low',
    action: { taskKind: 'care_call', dueWithinHours: 24 },
  }),
  'PATCH /api/v1/rules/:key': () => ({ params: { days: 7 }, reason: 'fuzz' }),
  'POST /api/v1/rules/evaluate': () => ({ asOf: '2026-11-25T08:00:00Z' }),
  'POST /api/v1/rules/backtest': () => ({ rule: { kind: 'inactive_days', params: { days: 10 } }, from: '2026-10-01', to: '2026-10-31' }),
  'POST /api/v1/alerts/:id/feedback': () => ({ verdict: 'useful', note: 'fuzz' }),
};

const INJECTIONS = [
  "'; drop table learners; --",
  "Robert'); DELETE FROM staff WHERE ('1'='1",
  '" or 1=1 --',
  '1; select pg_sleep(10)',
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  '{{7*7}}${7*7}',
  '../../../../etc/passwd',
  '$where: function() { return true }',
  '\\x00\\u0000',
];
const UNICODE = ['王芳', '🧑‍🎓📚', 'ﷺ ﷽', '\u202egnp.exe', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗', 'ᚠᛇᚻ', '\uFEFF', '\u{10FFFF}'];

/** Tried at every field of every template: wrong types, empties, an oversized string, injection, a bad date, a bad id. */
const BAD_VALUES: Array<[string, unknown]> = [
  ['null', null],
  ['a number', 12345],
  ['a boolean', true],
  ['an empty string', ''],
  ['an object', { nested: 'x' }],
  ['an array', ['x', 1]],
  ['a 70,000-character string', 'x'.repeat(70_000)],
  ['an injection string', INJECTIONS[0]],
  ['an impossible date', '2026-13-45T25:61:00Z'],
  ['a malformed id', 'not-a-uuid'],
];

/** Every field a template has: top level, and each field of the first item of an array of objects. */
function fieldPaths(template: Record<string, unknown>): string[][] {
  const paths: string[][] = [];
  for (const [k, v] of Object.entries(template)) {
    paths.push([k]);
    if (Array.isArray(v) && v[0] && typeof v[0] === 'object') for (const ik of Object.keys(v[0])) paths.push([k, '0', ik]);
  }
  return paths;
}

function withValue(template: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const body = structuredClone(template);
  let target: any = body;
  for (const seg of path.slice(0, -1)) target = target[seg];
  target[path[path.length - 1]] = value;
  return body;
}

/** Whether an error detail names the broken field (`items.0.name` may be reported as `items.0.name` or `name`). */
function namesField(detail: string, broken: string): boolean {
  const last = broken.split('.').pop()!;
  return (
    detail === broken ||
    detail === last ||
    detail.endsWith(`.${last}`) ||
    broken.startsWith(`${detail}.`) ||
    detail.startsWith(`${broken}.`) ||
    detail.startsWith(`${broken}[`)
  );
}

/** A per-route seed, so routes do not all draw the same values. */
function routeSeed(route: string): number {
  let h = SEED;
  for (const ch of route) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return h;
}

const deepObject = (depth: number): unknown => (depth === 0 ? 'bottom' : { a: deepObject(depth - 1) });
const deepArray = (depth: number): unknown => (depth === 0 ? [] : [deepArray(depth - 1)]);

/** A value that should not be accepted where a specific field is expected (or, if accepted, stored as data). */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -2_147_483_649, max: 2_147_483_649 }),
  fc.constantFrom(1e308, -1e308, 0.5, -0, Number.MAX_SAFE_INTEGER + 2), // the last: past what a double holds exactly
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...INJECTIONS, ...UNICODE),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
  fc.constantFrom('x'.repeat(70_000), '王'.repeat(30_000)),
  fc.constantFrom('2026-13-45T25:61:00Z', 'yesterday', '', '   ', '00000000-0000-0000-0000-000000000000', 'not-a-uuid'),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxKeys: 4 }),
  fc.integer({ min: 20, max: 400 }).map(deepObject),
  fc.integer({ min: 20, max: 400 }).map(deepArray),
);

/** Sets `value` at a field of the template: a top-level field, or a field of the first nested item. */
function mutate(template: Record<string, unknown>, pick: number, value: unknown): { body: Record<string, unknown>; field: string } {
  const paths = fieldPaths(template);
  if (!paths.length) return { body: { unexpected: value }, field: 'unexpected' };
  const path = paths[pick % paths.length];
  return { body: withValue(template, path, value), field: path.join('.') };
}

describe('bad input at every write endpoint', () => {
  let app: TestApp;
  let f: TeamFixture;
  let countSql: string;
  const problems: string[] = [];

  const writeRoutes = () => registeredRoutes(app.api).filter((r) => r.method !== 'GET');

  let known: Record<string, string> | undefined;
  /** Per table, a checksum of all its rows: any insert, update or delete changes it. */
  async function checksums(): Promise<Record<string, string>> {
    const [row] = await app.db.query(countSql);
    return row.sums;
  }

  /** Sends one request and checks the invariants; returns the response. `broken`: the one field that was broken. */
  async function probe(route: string, method: string, path: string, send: { json?: unknown; raw?: string }, what: string, broken?: string) {
    const before = (known ??= await checksums());
    let req = app.http()[method.toLowerCase() as 'post'](path).set(f.admin.auth);
    if (send.raw !== undefined) req = req.set('content-type', 'application/json').send(send.raw);
    else if (send.json !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(send.json));
    const res = await req;
    const where = `${route} (${what})`;
    if (res.status >= 500) problems.push(`${where}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    if (res.status === 400) {
      const details = res.body?.details as Array<{ field?: unknown; message?: unknown }> | undefined;
      if (!details?.length || details.some((d) => typeof d.field !== 'string' || !d.field || typeof d.message !== 'string')) {
        problems.push(`${where}: 400 without field details: ${JSON.stringify(res.body).slice(0, 200)}`);
      } else if (broken && !details.some((d) => namesField(String(d.field), broken))) {
        problems.push(`${where}: 400 names ${details.map((d) => d.field).join(', ')}, not the broken field ${broken}`);
      }
    }
    // A sync batch whose every item was rejected is a rejection too, though it answers 200.
    const results = (res.status === 200 && Array.isArray(res.body?.results) ? res.body.results : []) as Array<{
      status: string;
      errors?: Array<{ field?: string }>;
    }>;
    const allRejected = results.length > 0 && results.every((r) => r.status === 'rejected');
    if (broken && allRejected && !results.some((r) => r.errors?.some((e) => namesField(String(e.field), broken)))) {
      problems.push(`${where}: rejected items name ${results.flatMap((r) => r.errors?.map((e) => e.field) ?? []).join(', ')}, not the broken field ${broken}`);
    }
    const after = await checksums();
    if (res.status >= 400 || allRejected) {
      // A failed login is counted (login throttling) and audited on purpose: the one write a rejection makes.
      const changed = Object.keys(after).filter(
        (t) => after[t] !== before[t] && !(route === 'POST /api/v1/auth/login' && res.status === 401 && (t === 'login_failures' || t === 'audit_log')),
      );
      if (changed.length) problems.push(`${where}: rejected with ${res.status}${allRejected ? ' (every item)' : ''} but wrote to ${changed.join(', ')}`);
    }
    known = after;
    if (res.status < 500 && res.status !== 429 && res.body && typeof res.body === 'object' && !('statusCode' in res.body) && res.status >= 400) {
      problems.push(`${where}: ${res.status} without the uniform error body`);
    }
    // Sync answers 200 with per-item results: every rejected item names its fields.
    for (const r of results) {
      if (r.status === 'rejected' && !(r.errors?.length && r.errors.every((e) => typeof e.field === 'string' && e.field))) {
        problems.push(`${where}: rejected item without field errors: ${JSON.stringify(r).slice(0, 200)}`);
      }
    }
    return res;
  }

  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true, env: { RATE_LIMIT_PER_MINUTE: '1000000', LOGIN_RATE_LIMIT_PER_MINUTE: '1000000' } });
    f = await seedTeamFixture(app);
    const tables: Array<{ name: string }> = await app.db.query(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`,
    );
    countSql = `select json_build_object(${tables.map((t) => `'${t.name}', (select count(*) || ':' || coalesce(md5(string_agg(x::text, ',' order by x::text)), '') from "${t.name}" x)`).join(', ')}) as sums`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('has a template for every write route', () => {
    const missing = writeRoutes()
      .map((r) => `${r.method} ${r.url}`)
      .filter((r) => !(r in TEMPLATES));
    expect(missing.map((r) => `add a template for ${r}`)).toEqual([]);
  });

  it.each(Object.keys(TEMPLATES))(
    '%s: every field broken with every bad value, then random input: never 5xx, every 400 names the broken field, a rejection writes nothing',
    async (route) => {
      problems.length = 0;
      {
        const [method, url] = route.split(' ');
        const template = TEMPLATES[route]?.(f.ids) ?? {};
        const path = fixturePath(f.ids, url);
        // Every field × every fixed bad value, one field broken at a time.
        for (const fieldPath of fieldPaths(template)) {
          const field = fieldPath.join('.');
          for (const [name, value] of BAD_VALUES) {
            await probe(route, method, path, { json: withValue(template, fieldPath, value) }, `field ${field} = ${name}`, field);
          }
        }
        // Then random hostile values at random fields.
        await fc.assert(
          fc.asyncProperty(fc.nat(), hostile, async (pick, value) => {
            const { body, field } = mutate(template, pick, value);
            await probe(route, method, path, { json: body }, `field ${field}`);
          }),
          { numRuns: RUNS, seed: routeSeed(route) },
        );
        // Unknown fields, and whole bodies that are not the expected object at all.
        await fc.assert(
          fc.asyncProperty(
            fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !(k in template) && k !== '__proto__'),
            hostile,
            async (key, value) => {
              const res = await probe(route, method, path, { json: { ...template, [key]: value } }, `unknown field ${JSON.stringify(key)}`);
              // A body over the route's limit is refused whole (413) before any field is read.
              const limit = route === 'POST /api/v1/auth/login' ? LOGIN_BODY_LIMIT_BYTES : app.config.bodyLimitBytes;
              const tooLarge = res.status === 413 && Buffer.byteLength(JSON.stringify({ ...template, [key]: value })) > limit;
              if (method !== 'DELETE' && !BODYLESS.includes(route) && res.status !== 400 && !tooLarge)
                problems.push(`${route}: unknown field ${JSON.stringify(key)} accepted with ${res.status}`);
            },
          ),
          { numRuns: RUNS, seed: routeSeed(route) + 1 },
        );
        await fc.assert(
          fc.asyncProperty(fc.oneof(fc.anything({ maxDepth: 3 }), hostile), async (whole) => {
            await probe(route, method, path, { json: whole }, `body ${JSON.stringify(whole)?.slice(0, 40)}`);
          }),
          { numRuns: RUNS, seed: routeSeed(route) + 2 },
        );
        for (const raw of [
          '{"items": [',
          "{'single': 'quotes'}",
          '[]',
          '"text"',
          '{"__proto__": {"isAdmin": true}}',
          '{"constructor": {"prototype": {"x": 1}}}',
        ]) {
          await probe(route, method, path, { raw }, `raw ${JSON.stringify(raw)}`);
        }
        // Garbled path ids.
        if (url.includes(':id')) {
          for (const bad of ["1' or '1'='1", '%00', '9'.repeat(300)]) {
            const garbled = url.replace(/:id/, encodeURIComponent(bad)).replace(/:key/, f.ids.ruleKey);
            const res = await probe(route, method, garbled, { json: template }, `path id ${JSON.stringify(bad)}`);
            // 414: Fastify refuses a path parameter longer than its maxParamLength before routing.
            if (res.status !== 400 && res.status !== 404 && res.status !== 414)
              problems.push(`${route}: path id ${JSON.stringify(bad)} answered ${res.status}`);
          }
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it('stores SQL and script injection strings as plain data and returns them unchanged', async () => {
    const nasty = `Robert'); DROP TABLE learners; -- <script>alert("x")</script> 王芳 🧑‍🎓 \u202e ${'${7*7}'}`;
    const team = await app.http().post('/api/v1/teams').set(f.admin.auth).send({ name: nasty }).expect(201);
    expect(team.body.name).toBe(nasty);
    const teams = await app.http().get('/api/v1/teams').set(f.admin.auth).expect(200);
    const teamList = Array.isArray(teams.body) ? teams.body : teams.body.items;
    expect(teamList.find((t: { id: string }) => t.id === team.body.id).name).toBe(nasty);

    const sync = await app
      .http()
      .put('/api/v1/sync/learners')
      .set(f.admin.auth)
      .send({ items: [{ externalId: `inj'--"; drop table staff;`, name: nasty, email: 'x@school.example' }] })
      .expect(200);
    expect(sync.body.results[0].status).toBe('created');
    const learner = await app.http().get(`/api/v1/learners/${sync.body.results[0].id}`).set(f.admin.auth).expect(200);
    expect(learner.body.name).toBe(nasty);
    expect(learner.body.externalId).toBe(`inj'--"; drop table staff;`);
    const search = await app.http().get('/api/v1/learners').query({ q: "Robert'); DROP" }).set(f.admin.auth).expect(200);
    expect(search.body.items.map((l: { id: string }) => l.id)).toContain(sync.body.results[0].id);

    const ticket = await app
      .http()
      .post('/api/v1/tickets')
      .set(f.admin.auth)
      .send({ learnerId: f.ids.learner, category: 'account', subject: nasty, body: `<iframe src="javascript:alert(1)"></iframe>` });
    expect(ticket.status).toBe(201);
    const got = await app.http().get(`/api/v1/tickets/${ticket.body.id}`).set(f.admin.auth).expect(200);
    expect(got.body.subject).toBe(nasty);
    expect(got.headers['content-type']).toMatch(/^application\/json/);

    // The tables the strings talked about are still there and intact.
    const [{ n }] = await app.db.query(`select count(*)::int as n from staff`);
    expect(n).toBeGreaterThan(3);
  });
});
