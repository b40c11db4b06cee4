import { RuleRunsService } from '../libs/rules/rule-runs.service.js';
import { RulesRepository } from '../libs/rules/rules.repository.js';
import { LearningDataFactory, type SeededEnrollment } from '../libs/testing/learning-data.factory.js';
import { eventually, TestApp, type TestStaff } from '../libs/testing/index.js';

const AS_OF = '2026-03-04T04:00:00.000Z';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.parse(AS_OF) - days * DAY);

/** Runs left queued or running by an earlier test app on this shared database would hold the single flight. */
async function releaseAbandonedRuns(app: TestApp) {
  await app.db.query(
    `update rule_runs set status = 'failed', error = 'abandoned by an earlier test app', finished_at = now() where status in ('queued','running')`,
  );
}

describe('rules API', () => {
  let app: TestApp;
  let admin: TestStaff;
  let advisor: TestStaff;

  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true });
    admin = await app.staff.create('admin');
    advisor = await app.staff.create('advisor');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists the five default rules exactly as docs/design.md §3 lists them', async () => {
    const res = await app.http().get('/api/v1/rules').set(advisor.auth);
    expect(res.status).toBe(200);
    const byKey = Object.fromEntries(res.body.map((r: any) => [r.key, r]));
    expect(byKey.inactive_7d).toMatchObject({
      kind: 'inactive_days',
      params: { days: 7 },
      action: { taskKind: 'care_call' },
      cohortThreshold: 0.05,
      enabled: true,
    });
    expect(byKey.low_completion).toMatchObject({
      kind: 'low_completion',
      params: { ratio: 0.2, graceDays: 7 },
      action: { taskKind: 'advisor_contact' },
      cohortThreshold: null,
    });
    expect(byKey.late_assignments).toMatchObject({ kind: 'late_assignments', params: { lateDays: 3, count: 2 }, action: { taskKind: 'obstacle_call' } });
    expect(byKey.complaints).toMatchObject({ kind: 'complaints', params: { count: 2 }, severity: 'high', action: { taskKind: 'escalation' } });
    expect(byKey.study_time_drop).toMatchObject({ kind: 'study_time_drop', params: { dropRatio: 0.5, weeks: 2 }, action: { taskKind: 'survey' } });
    expect(byKey.inactive_7d.description).toMatch(/No login for 7 days/);
  });

  it('publishes each kind with its parameters (range, whole or not, default), and the ranges are the ones the API enforces', async () => {
    const res = await app.http().get('/api/v1/rule-kinds').set(advisor.auth).expect(200);
    expect(res.body.map((k: { kind: string }) => k.kind)).toEqual([
      'inactive_days',
      'low_completion',
      'late_assignments',
      'complaints',
      'study_time_drop',
      'risk_score',
    ]);
    const inactive = res.body.find((k: { kind: string }) => k.kind === 'inactive_days');
    expect(inactive.params).toEqual([
      { name: 'days', integer: true, min: 1, max: 365, minExclusive: false, default: 7, meaning: expect.stringContaining('without a login') },
    ]);
    const ratio = res.body.find((k: { kind: string }) => k.kind === 'low_completion').params.find((p: { name: string }) => p.name === 'ratio');
    expect(ratio).toMatchObject({ integer: false, min: 0, max: 1, minExclusive: true, default: 0.2 });
    // Every published range holds at the API: its ends accepted (min only when inclusive), one step beyond refused, naming the field.
    for (const k of res.body as Array<{ kind: string; params: Array<{ name: string; integer: boolean; min: number; max: number; minExclusive: boolean }> }>) {
      for (const p of k.params) {
        const draft = (v: number) =>
          app
            .http()
            .post('/api/v1/rules/backtest')
            .set(admin.auth)
            .send({ rule: { kind: k.kind, params: { [p.name]: v } }, from: '2026-03-01', to: '2026-03-01' });
        const step = p.integer ? 1 : 0.01;
        expect((await draft(p.max)).status).toBe(200);
        if (!p.minExclusive) expect((await draft(p.min)).status).toBe(200);
        for (const v of [p.max + step, p.minExclusive ? p.min : p.min - step]) {
          const bad = await draft(v);
          expect(bad.status).toBe(400);
          expect(bad.body.details.map((d: { field: string }) => d.field)).toContain(`rule.params.${p.name}`);
        }
      }
    }
  });

  it('creates a custom rule (admin only), idempotently, with field errors per kind', async () => {
    const key = `inactive_${Date.now().toString(36)}`;
    const body = {
      key,
      name: 'No login for 10 days',
      kind: 'inactive_days',
      params: { days: 10 },
      severity: 'low',
      action: { taskKind: 'care_call', dueWithinHours: 48 },
      enabled: false,
    };
    expect((await app.http().post('/api/v1/rules').set(advisor.auth).send(body)).status).toBe(403);

    const bad = await app
      .http()
      .post('/api/v1/rules')
      .set(admin.auth)
      .send({ ...body, params: { days: 0, weeks: 2 }, action: { taskKind: 'nap', dueWithinHours: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['action.taskKind', 'params.days', 'params.weeks']);
    const badKind = await app
      .http()
      .post('/api/v1/rules')
      .set(admin.auth)
      .send({ ...body, kind: 'vibes' });
    expect(badKind.status).toBe(400);
    expect(badKind.body.details[0].field).toBe('kind');

    const created = await app.http().post('/api/v1/rules').set(admin.auth).send(body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ key, params: { days: 10 }, enabled: false, cohortThreshold: null });
    const again = await app.http().post('/api/v1/rules').set(admin.auth).send(body);
    expect(again.status).toBe(200);
    expect(again.body.updatedAt).toBe(created.body.updatedAt);
    const conflict = await app
      .http()
      .post('/api/v1/rules')
      .set(admin.auth)
      .send({ ...body, params: { days: 11 } });
    expect(conflict.status).toBe(409);
  });

  it('changes a rule with PATCH, audited with before and after; a no-op changes nothing', async () => {
    const key = `complaints_${Date.now().toString(36)}`;
    await app
      .http()
      .post('/api/v1/rules')
      .set(admin.auth)
      .send({
        key,
        name: 'Complaints x3',
        kind: 'complaints',
        params: { count: 3 },
        severity: 'medium',
        action: { taskKind: 'escalation', dueWithinHours: 8 },
        enabled: false,
      });
    expect((await app.http().patch(`/api/v1/rules/${key}`).set(advisor.auth).send({ severity: 'high' })).status).toBe(403);
    expect((await app.http().patch('/api/v1/rules/no_such_rule').set(admin.auth).send({ severity: 'high' })).status).toBe(404);
    const bad = await app
      .http()
      .patch(`/api/v1/rules/${key}`)
      .set(admin.auth)
      .send({ params: { count: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ field: 'params.count', message: expect.any(String) }]);

    const ok = await app
      .http()
      .patch(`/api/v1/rules/${key}`)
      .set(admin.auth)
      .send({ params: { count: 4 }, severity: 'high', action: { dueWithinHours: 4 }, reason: 'too noisy' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ params: { count: 4 }, severity: 'high', action: { taskKind: 'escalation', dueWithinHours: 4 } });
    const same = await app
      .http()
      .patch(`/api/v1/rules/${key}`)
      .set(admin.auth)
      .send({ params: { count: 4 } });
    expect(same.body.updatedAt).toBe(ok.body.updatedAt);

    const audit = await app.http().get(`/api/v1/audit?entity=rule&entityId=${key}`).set(admin.auth);
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((a: any) => a.action)).toEqual(['rule.updated', 'rule.created']);
    expect(audit.body.items[0]).toMatchObject({
      reason: 'too noisy',
      before: { params: { count: 3 }, severity: 'medium' },
      after: { params: { count: 4 }, severity: 'high' },
    });
  });

  it('is single-flight: a second request while one is queued returns the same run', async () => {
    await releaseAbandonedRuns(app);
    // Staff may evaluate at most 7 days back: "now" is shortly after AS_OF here.
    app.setNow(new Date(Date.parse(AS_OF) + DAY));
    expect((await app.http().post('/api/v1/rules/evaluate').set(advisor.auth).send({})).status).toBe(403);
    const bad = await app.http().post('/api/v1/rules/evaluate').set(admin.auth).send({ asOf: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('asOf');
    const future = await app
      .http()
      .post('/api/v1/rules/evaluate')
      .set(admin.auth)
      .send({ asOf: new Date(Date.now() + 7 * DAY).toISOString() });
    expect(future.status).toBe(400);

    const [a, b] = await Promise.all([
      app.http().post('/api/v1/rules/evaluate').set(admin.auth).send({ asOf: AS_OF }),
      app.http().post('/api/v1/rules/evaluate').set(admin.auth).send({ asOf: AS_OF }),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(a.body.runId).toBe(b.body.runId);
    const events = await app.db.query(`select payload from outbox where event_type = 'rule_run.requested' and aggregate_id = $1`, [a.body.runId]);
    expect(events).toEqual([{ payload: { runId: a.body.runId } }]);
    const run = await app.http().get(`/api/v1/rule-runs/${a.body.runId}`).set(admin.auth);
    expect(run.body).toMatchObject({ id: a.body.runId, status: 'queued', trigger: 'manual', asOf: AS_OF });

    await app.get(RuleRunsService).execute(a.body.runId);
    const done = await app.http().get(`/api/v1/rule-runs/${a.body.runId}`).set(admin.auth);
    expect(done.body).toMatchObject({ status: 'completed', startedAt: expect.any(String), finishedAt: expect.any(String) });
    expect(Object.keys(done.body.stats.rules).sort()).toEqual(
      expect.arrayContaining(['complaints', 'inactive_7d', 'late_assignments', 'low_completion', 'study_time_drop']),
    );
    const next = await app.http().post('/api/v1/rules/evaluate').set(admin.auth).send({ asOf: AS_OF });
    expect(next.body.runId).not.toBe(a.body.runId);
    await app.get(RuleRunsService).execute(next.body.runId);
    expect((await app.http().get('/api/v1/rule-runs/00000000-0000-0000-0000-000000000000').set(admin.auth)).status).toBe(404);
    expect((await app.http().get('/api/v1/rule-runs/nope').set(admin.auth)).status).toBe(400);
    app.setNow(undefined);
  });

  it('a run that lost its job stops holding the single flight after an hour', async () => {
    await releaseAbandonedRuns(app);
    app.setNow(new Date(Date.parse(AS_OF) + DAY));
    const [{ id: stuck }] = await app.db.query(
      `insert into rule_runs (status, trigger, as_of, queued_at, started_at) values ('running', 'schedule', now() - interval '2 hours', now() - interval '2 hours', now() - interval '2 hours') returning id`,
    );
    const res = await app.http().post('/api/v1/rules/evaluate').set(admin.auth).send({ asOf: AS_OF });
    expect(res.status).toBe(202);
    expect(res.body.runId).not.toBe(stuck);
    const old = await app.http().get(`/api/v1/rule-runs/${stuck}`).set(admin.auth);
    expect(old.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/abandoned/) });
    await app.get(RuleRunsService).execute(res.body.runId);
    app.setNow(undefined);
  });

  describe('runs', () => {
    let data: LearningDataFactory;
    let inactive: SeededEnrollment;
    let complainer: SeededEnrollment;
    let fine: SeededEnrollment;
    const mine = () => [inactive.id, complainer.id, fine.id];
    const alertsOf = async () =>
      app.db.query(
        `select id, rule_key, enrollment_id, status, evidence, opened_run_id, cleared_run_id from alerts where enrollment_id = any($1::uuid[]) order by rule_key, enrollment_id, opened_at`,
        [mine()],
      );
    const eventsOf = async (type: string) =>
      app.db.query(`select payload from outbox where event_type = $1 and payload->>'enrollmentId' = any($2::text[]) order by id`, [type, mine()]);
    const run = async (asOf = AS_OF) => {
      const { runId } = await app.get(RuleRunsService).request({ kind: 'system', id: 'test' }, { trigger: 'manual', asOf: new Date(asOf) });
      return (await app.get(RuleRunsService).execute(runId))!;
    };

    beforeAll(async () => {
      await releaseAbandonedRuns(app);
      data = new LearningDataFactory(app.db, app.config.schoolTimezone);
      const course = await data.course({ totalLessons: 10, durationDays: 300 });
      inactive = await data.enrollment({ courseId: course.id, enrolledAt: ago(20), completedLessons: 5 });
      await data.login(inactive.id, ago(9));
      complainer = await data.enrollment({ courseId: course.id, enrolledAt: ago(20), completedLessons: 5 });
      await data.login(complainer.id, ago(1));
      await data.complaint(complainer.id, '2026-03-02', 2);
      fine = await data.enrollment({ courseId: course.id, enrolledAt: ago(20), completedLessons: 5 });
      await data.login(fine.id, ago(1));
    });

    it('a killed run retried reaches the same end state as one clean run; running again changes nothing', async () => {
      const service = app.get(RuleRunsService);
      const repo = app.get(RulesRepository);
      const { runId } = await service.request({ kind: 'system', id: 'test' }, { trigger: 'manual', asOf: new Date(AS_OF) });
      // First attempt: inactive_7d committed, then the process died.
      const [inactiveRule] = (await repo.listEnabledRules()).filter((r) => r.key === 'inactive_7d');
      const first = await service.applyRule(runId, inactiveRule, new Date(AS_OF));
      expect(first).toMatchObject({ opened: expect.any(Number) });
      expect((await alertsOf()).map((a: any) => a.rule_key)).toEqual(['inactive_7d']);
      // The retry skips what committed and finishes the rest.
      expect(await service.applyRule(runId, inactiveRule, new Date(AS_OF))).toBeNull();
      const done = (await service.execute(runId))!;
      expect(done.status).toBe('completed');

      const end = await alertsOf();
      expect(end.map((a: any) => [a.rule_key, a.enrollment_id, a.status])).toEqual([
        ['complaints', complainer.id, 'open'],
        ['inactive_7d', inactive.id, 'open'],
      ]);
      expect(end.every((a: any) => a.opened_run_id === runId)).toBe(true);
      expect(end[1].evidence).toMatchObject({ inactiveDays: 9, thresholdDays: 7 });
      const opened = await eventsOf('alert.opened');
      expect(opened.length).toBe(2);
      expect(opened.find((e: any) => e.payload.ruleKey === 'complaints').payload).toEqual({
        alertId: end[0].id,
        ruleKey: 'complaints',
        learnerId: complainer.learnerId,
        enrollmentId: complainer.id,
        severity: 'high',
        evidence: end[0].evidence,
        openedAt: AS_OF,
      });
      const [{ n }] = await app.db.query(`select count(*)::int as n from alerts where opened_run_id = $1`, [runId]);
      expect(done.alertsOpened).toBe(n);

      // Immediately again, same as-of: nothing opened, refreshed or cleared anywhere.
      const second = await run();
      expect([second.alertsOpened, second.alertsRefreshed, second.alertsCleared]).toEqual([0, 0, 0]);
      expect(await alertsOf()).toEqual(end);
      expect((await eventsOf('alert.opened')).length).toBe(2);

      // A minute later with nothing else changed: the evidence's as-of moved, what it says did not, so nothing is
      // rewritten (the alerts keep the evidence of the run that last changed it).
      const third = await run(new Date(Date.parse(AS_OF) + 60_000).toISOString());
      expect([third.alertsOpened, third.alertsRefreshed, third.alertsCleared]).toEqual([0, 0, 0]);
      expect(await alertsOf()).toEqual(end);
    });

    it('refreshes evidence of still-firing alerts and clears those no longer firing, with a time', async () => {
      const before = await alertsOf();
      // A day later: the inactive learner is one day more inactive; the complainer logged in anyway.
      await data.login(inactive.id, new Date(Date.parse(AS_OF) + 12 * 3600_000));
      const later = new Date(Date.parse(AS_OF) + DAY).toISOString();
      await data.login(complainer.id, new Date(Date.parse(AS_OF) + 3600_000));
      await data.login(fine.id, new Date(Date.parse(AS_OF) + 3600_000));
      const r = await run(later);
      const after = await alertsOf();
      const inactiveAlert = after.find((a: any) => a.rule_key === 'inactive_7d');
      expect(inactiveAlert).toMatchObject({ id: before.find((a: any) => a.rule_key === 'inactive_7d').id, status: 'cleared', cleared_run_id: r.id });
      const complaintAlert = after.find((a: any) => a.rule_key === 'complaints');
      expect(complaintAlert).toMatchObject({ status: 'open', evidence: { complaints: 2, window: { to: '2026-03-05' } } });
      expect(complaintAlert.evidence).not.toEqual(before.find((a: any) => a.rule_key === 'complaints').evidence);
      const cleared = await eventsOf('alert.cleared');
      expect(cleared.map((e: any) => e.payload)).toEqual([
        { alertId: inactiveAlert.id, ruleKey: 'inactive_7d', learnerId: inactive.learnerId, enrollmentId: inactive.id, clearedAt: later },
      ]);
      const view = await app.http().get(`/api/v1/alerts?learnerId=${inactive.learnerId}`).set(admin.auth);
      expect(view.body.items[0]).toMatchObject({ status: 'cleared', clearedAt: later });
    });

    it('pausing an enrolment clears its inactivity alert at the next run', async () => {
      const paused = await data.enrollment({ enrolledAt: ago(30) });
      await run();
      expect((await app.db.query(`select status from alerts where enrollment_id = $1 and rule_key = 'inactive_7d'`, [paused.id]))[0].status).toBe('open');
      await data.setStatus(paused.id, 'paused', ago(0));
      await run();
      expect((await app.db.query(`select status from alerts where enrollment_id = $1 and rule_key = 'inactive_7d'`, [paused.id]))[0].status).toBe('cleared');
    });
  });
});

describe('rule runs through the worker', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start({ ownDatabase: true });
    await releaseAbandonedRuns(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('POST /rules/evaluate → 202 {runId}, the outbox relays rules.run and the worker completes it', async () => {
    const admin = await app.staff.create('admin');
    const data = new LearningDataFactory(app.db, app.config.schoolTimezone);
    const e = await data.enrollment({ enrolledAt: new Date(Date.now() - 10 * DAY) });
    const res = await app.http().post('/api/v1/rules/evaluate').set(admin.auth).send({});
    expect(res.status).toBe(202);
    const done = await eventually(async () => {
      const r = await app.http().get(`/api/v1/rule-runs/${res.body.runId}`).set(admin.auth);
      return r.body.status === 'completed' && r.body;
    });
    expect(done.alertsOpened).toBeGreaterThanOrEqual(1);
    const alerts = await app.http().get(`/api/v1/alerts?learnerId=${e.learnerId}&status=open`).set(admin.auth);
    expect(alerts.body.items.map((a: any) => a.ruleKey).sort()).toEqual(['inactive_7d', 'low_completion']);
    expect(alerts.body.items.find((a: any) => a.ruleKey === 'inactive_7d').summary).toMatch(/^No login for 10 days \(threshold 7\); never logged in/);
  });
});
