import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { runMigrationsLocked } from '../libs/database/migrator.js';
import { TestApp } from '../libs/testing/index.js';
import { DemoSetupError, loadDemo, renderSummary, type DemoOptions, type DemoResult } from '../scripts/demo/loader.js';
import { DEMO_PASSWORD, DEMO_STAFF } from '../scripts/demo/school.js';

/**
 * `npm run demo` at small scale against the real app (API + worker) listening on a real port: the loader
 * drives everything through HTTP, as it does against `npm start`. The demo needs an empty careloop with a
 * bootstrap admin, so this file uses a database of its own (dropped at the end).
 */
const ADMIN = { email: 'admin@demo-test.example', password: 'demo test admin pw' };
const RULE_KEYS = ['inactive_7d', 'low_completion', 'late_assignments', 'complaints', 'study_time_drop'];

describe('demo school loader (npm run demo)', () => {
  let app: TestApp;
  let baseUrl: string;
  let dbName: string;
  let adminUrl: string;
  const lines: string[] = [];
  const now = new Date();
  let first: DemoResult;

  const options = (over: Partial<DemoOptions> = {}): DemoOptions => ({
    baseUrl,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    learners: 60,
    seed: 11,
    batchSize: 250,
    concurrency: 3,
    schoolTimezone: 'Asia/Shanghai',
    resume: false,
    waitTimeoutMs: 150_000,
    now,
    log: (l) => lines.push(l),
    ...over,
  });

  beforeAll(async () => {
    adminUrl = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    dbName = `careloop_test_${(process.env.CARELOOP_TEST_RUN ?? `adhoc${process.pid}`).toLowerCase()}_demo`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.query(`create database "${dbName}"`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${dbName}`;
    await runMigrationsLocked(url.toString());
    app = await TestApp.start({
      env: { DATABASE_URL: url.toString(), BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password, HOLDOUT_PERCENT: '20' },
    });
    await app.api.listen({ port: 0, host: '127.0.0.1' });
    const address = app.api.getHttpServer().address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${address.port}`;
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  });

  const login = async (email: string, password: string) => {
    const res = await app.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
    return { Authorization: `Bearer ${res.body.accessToken}` };
  };

  it('explains which variables to set when the admin cannot log in', async () => {
    const err = await loadDemo(options({ adminPassword: 'not the password' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DemoSetupError);
    expect((err as Error).message).toContain(`BOOTSTRAP_ADMIN_EMAIL=${ADMIN.email} BOOTSTRAP_ADMIN_PASSWORD=`);
    const down = await loadDemo(options({ baseUrl: 'http://127.0.0.1:1' })).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(DemoSetupError);
    expect((down as Error).message).toMatch(/Nothing answers at http:\/\/127\.0\.0\.1:1/);
  });

  it('loads a small school over HTTP: every rule fires, cases and first-week calls land in advisor queues', async () => {
    first = await loadDemo(options());
    expect(first.alreadyLoaded).toBe(false);
    expect(first.notes).toEqual([]);
    expect(first.rejected).toEqual([]);
    expect(first.sync!.courses.created).toBe(8);
    expect(first.sync!.learners.created).toBe(60);
    expect(first.sync!.enrollments.created).toBe(60);
    expect(first.sync!.events.created).toBeGreaterThan(1000);
    expect(first.ruleRun).toMatchObject({ status: 'completed' });
    expect(first.openCases).toBeGreaterThan(0);
    expect(first.firstWeekCheckins).toBeGreaterThan(0);
    // 60 learners are far too few to learn from: the loader asks, and careloop says why there is no model.
    expect(first.riskModel).toMatchObject({ status: 'insufficient', version: null });
    expect(first.riskModel!.message).toMatch(/Too little history/);
    expect(first.staff.map((s) => s.email).sort()).toEqual(DEMO_STAFF.map((s) => s.email).sort());
    expect(lines.some((l) => /events\s+[\d,]+ \/ [\d,]+/.test(l))).toBe(true);

    const admin = await login(ADMIN.email, ADMIN.password);
    // Every default rule has learners who trip it.
    const alerts = await app.http().get('/api/v1/alerts?status=open&limit=500').set(admin).expect(200);
    const fired = new Set(alerts.body.items.map((a: { ruleKey: string }) => a.ruleKey));
    for (const key of RULE_KEYS) expect(fired).toContain(key);
    const teams = await app.http().get('/api/v1/teams').set(admin).expect(200);
    expect(teams.body.map((t: { name: string }) => t.name).sort()).toEqual(['Demo North', 'Demo South']);

    // The showcase the CLI prints: an advisor with a non-empty queue, one of their cases with evidence.
    const sc = first.showcase;
    expect(sc.advisor).not.toBeNull();
    const advisor = await login(sc.advisor!.email, DEMO_PASSWORD);
    const queue = await app.http().get(`/api/v1/me/queue?date=${sc.queueDate}`).set(advisor).expect(200);
    expect(queue.body.tasks.length + queue.body.cases.length).toBeGreaterThan(0);
    expect(sc.caseId).not.toBeNull();
    const kase = await app.http().get(`/api/v1/cases/${sc.caseId}`).set(advisor).expect(200);
    expect(kase.body).toMatchObject({ id: sc.caseId, advisorId: sc.advisor!.id, learnerId: sc.learnerId });
    expect(kase.body.alerts.length).toBeGreaterThan(0);
    expect(RULE_KEYS).toContain(kase.body.alerts[0].ruleKey);
    expect(Object.keys(kase.body.alerts[0].evidence).length).toBeGreaterThan(0);

    // Analytics answer over the loaded history.
    expect(first.analyticsRefreshed).toBe(true);
    const rules = await app.http().get('/api/v1/analytics/rules').set(admin).expect(200);
    const byKey = new Map(rules.body.rules.map((r: { ruleKey: string; alerts: number }) => [r.ruleKey, r.alerts]));
    for (const key of RULE_KEYS) expect(byKey.get(key)).toBeGreaterThan(0);
    const retention = await app.http().get('/api/v1/analytics/retention').set(admin).expect(200);
    expect(retention.body.cohorts.length).toBeGreaterThan(0);
    const firstWeek = await app.http().get('/api/v1/analytics/first-week').set(admin).expect(200);
    expect(firstWeek.body.groups).toHaveProperty('holdout');
    // HOLDOUT_PERCENT=20 on this server: some learners are held out, and the summary says so.
    expect(first.holdoutEnrolments).toBeGreaterThan(0);
    expect(first.holdoutEnrolments).toBe(firstWeek.body.groups.holdout.enrolments);
    // The advisors' first calls were logged with churn reasons, and some cases resolved.
    expect(lines.some((l) => /first calls: [1-9]\d* outcomes logged, [1-9]\d* cases resolved/.test(l))).toBe(true);
    const reasons = await app.http().get('/api/v1/analytics/churn-reasons').set(admin).expect(200);
    expect(reasons.body.total).toBeGreaterThan(0);

    const summary = renderSummary(first, options());
    expect(summary).toContain(`${baseUrl}/api/v1/cases/${sc.caseId}`);
    expect(summary).toContain(sc.advisor!.email);
    expect(summary).toContain('/analytics/rules');
    expect(summary).toContain(`Holdout: ${first.holdoutEnrolments} enrolments are held out`);
  }, 300_000);

  it('says the demo is already loaded on a second run, and changes nothing', async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const staffBefore = await app.http().get('/api/v1/staff?limit=500').set(admin).expect(200);
    const second = await loadDemo(options());
    expect(second.alreadyLoaded).toBe(true);
    expect(second.sync).toBeNull();
    expect(second.showcase.advisor).not.toBeNull();
    expect(renderSummary(second, options())).toContain('already loaded');
    const staffAfter = await app.http().get('/api/v1/staff?limit=500').set(admin).expect(200);
    expect(staffAfter.body.items.length).toBe(staffBefore.body.items.length);
  }, 120_000);

  it('--resume replays the same school idempotently: nothing new is created', async () => {
    const admin = await login(ADMIN.email, ADMIN.password);
    const open = await app.http().get('/api/v1/cases?status=open&limit=500').set(admin).expect(200);
    const inProgress = await app.http().get('/api/v1/cases?status=in_progress&limit=500').set(admin).expect(200);
    const again = await loadDemo(options({ resume: true }));
    expect(again.alreadyLoaded).toBe(false);
    expect(again.rejected).toEqual([]);
    expect(again.sync!.learners).toMatchObject({ created: 0, unchanged: 60 });
    expect(again.sync!.enrollments).toMatchObject({ created: 0, unchanged: 60 });
    expect(again.sync!.events.created).toBe(0);
    expect(again.sync!.events.duplicate).toBe(first.sync!.events.created);
    expect(again.openCases).toBe(open.body.items.length + inProgress.body.items.length);
    expect(again.firstWeekCheckins).toBe(first.firstWeekCheckins);
  }, 300_000);
});
