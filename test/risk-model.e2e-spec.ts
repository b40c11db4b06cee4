import { DateTime } from 'luxon';
import { FEATURE_KEYS, topReasons } from '../libs/risk/risk-features.js';
import { RiskRepository } from '../libs/risk/risk.repository.js';
import { scoreOf } from '../libs/risk/risk-model.js';
import { seedRiskSchool, type RiskSchool } from '../libs/testing/risk-school.js';
import { eventually, TestApp, type TestStaff } from '../libs/testing/index.js';

const TZ = 'Asia/Shanghai';

async function trained(app: TestApp, admin: TestStaff) {
  return eventually(
    async () => {
      const r = await app.http().get('/api/v1/risk-model').set(admin.auth).expect(200);
      return r.body.status === 'queued' || r.body.status === 'training' ? undefined : r.body;
    },
    180_000,
    250,
  );
}

/**
 * Learned risk end to end on a synthetic school whose churn is driven by known features (libs/testing/risk-school.ts):
 * learners who fade away (fewer logins and minutes, then gone) and learners who complain and cancel. The model is
 * trained by the worker on the older history and judged on the most recent period against the rules; it must find
 * the driving features and rank far better than chance. Then scores with reasons reach learners, cases and the
 * queue, and the risk_score rule is backtested and switched on.
 */
describe('learned risk model', () => {
  let app: TestApp;
  let admin: TestStaff;
  let school: RiskSchool;

  beforeAll(async () => {
    app = await TestApp.start({ ownDatabase: true });
    admin = await app.staff.create('admin');
    school = await seedRiskSchool(app.db, { learners: 2000, historyDays: 150, tz: TZ });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('says there is no model before the first training', async () => {
    const r = await app.http().get('/api/v1/risk-model').set(admin.auth).expect(200);
    expect(r.body).toMatchObject({ status: 'none', model: null, latest: null });
    expect(r.body.message).toMatch(/No model has been trained yet/);
  });

  it('only admins train; supervisors read; advisors neither', async () => {
    const sup = await app.staff.create('supervisor');
    const adv = await app.staff.create('advisor');
    await app.http().post('/api/v1/risk-model/train').set(sup.auth).expect(403);
    await app.http().post('/api/v1/risk-model/train').set(adv.auth).expect(403);
    await app.http().get('/api/v1/risk-model').set(adv.auth).expect(403);
    await app.http().get('/api/v1/risk-model').set(sup.auth).expect(200);
  });

  it('trains on the older history, tests on the recent period, and beats the rules and chance', async () => {
    const first = await app.http().post('/api/v1/risk-model/train').set(admin.auth).expect(202);
    expect(first.body).toMatchObject({ status: 'queued', created: true, trigger: 'manual' });
    // A second request while the first is queued or training is the same attempt.
    const again = await app.http().post('/api/v1/risk-model/train').set(admin.auth).expect(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.created).toBe(false);

    const report = await trained(app, admin);
    expect({ status: report.status, message: report.message }).toEqual({ status: 'ready', message: null });
    const m = report.model;
    expect(m.version).toBe(first.body.version);
    // The time split: training snapshots end a full horizon before the test period starts.
    expect(m.trainingWindow.to < m.testPeriod.from).toBe(true);
    const gap = DateTime.fromISO(m.testPeriod.from).diff(DateTime.fromISO(m.trainingWindow.to), 'days').days;
    expect(gap).toBeGreaterThan(30);
    expect(m.training.enrollments).toBeGreaterThanOrEqual(200);
    expect(m.training.converged).toBe(true);
    // The driving features come first: inactivity and complaints raise the risk the most.
    const byWeight = [...m.features].sort((a: { coefficient: number }, b: { coefficient: number }) => b.coefficient - a.coefficient);
    const top = byWeight.slice(0, 3).map((f: { key: string }) => f.key);
    expect(top).toContain('days_since_login');
    expect(top).toContain('complaints_30d');
    // Far better than a random ranking (0.5) on the held-out learners.
    const e = m.evaluation;
    expect(e.model.auc).toBeGreaterThan(0.8);
    expect(e.rows).toBeGreaterThan(500);
    expect(e.churned).toBeGreaterThan(20);
    // The rules on the same rows, at the same number of alerts.
    expect(e.rules.ruleKeys).toEqual(expect.arrayContaining(['inactive_7d', 'complaints']));
    expect(e.rules.ruleKeys).not.toContain('risk_score');
    expect(e.budget).toBe(e.rules.flagged);
    expect(e.model.flagged).toBe(e.budget);
    expect(e.verdict.text.length).toBeGreaterThan(20);
    expect(['model_better', 'rules_as_good', 'rules_better']).toContain(e.verdict.kind);
    // Calibration: ten bins covering every test row, the riskiest bin churning far more than the safest.
    expect(e.calibration).toHaveLength(10);
    expect(e.calibration.reduce((s: number, b: { n: number }) => s + b.n, 0)).toBe(e.rows);
    expect(e.calibration[9].observed).toBeGreaterThan(e.calibration[0].observed + 0.3);
  }, 240_000);

  it('scores every active enrolment in SQL exactly as the model does, with reasons in words', async () => {
    const [row] = await app.db.query(`select version, intercept, coef, means, sds from risk_models where active`);
    const stored: Array<{ enrollment_id: string; score: number; x: number[]; contrib: number[] }> = await app.db.query(
      `select enrollment_id, score, x, contrib from enrollment_risk order by score desc`,
    );
    // Stored are the feature values and their contributions; the reasons are picked from them when read.
    const scored = stored.map((s) => ({ ...s, reasons: topReasons(s.x, s.contrib) }));
    const [{ active }] = await app.db.query(`select count(*)::int as active from enrollments where status = 'active' and course_id = $1`, [school.courseId]);
    expect(scored.length).toBe(active);
    // The SQL score of a sample equals the TypeScript formula on the same features.
    const sample = scored.filter((_, i) => i % 97 === 0).map((s) => s.enrollment_id);
    const today = DateTime.now().setZone(TZ).toISODate()!;
    const check = await app.get(RiskRepository).scoreRows(sample, today, TZ, row);
    const byId = new Map(scored.map((s) => [s.enrollment_id, s]));
    expect(check).toHaveLength(sample.length);
    for (const c of check) {
      const x = FEATURE_KEYS.map((k) => Number(c[k]));
      expect(Number(c.score)).toBeCloseTo(scoreOf(row, x), 9);
      expect(Number(c.score_rel)).toBeCloseTo(Number(c.score), 12);
      // What was stored is what the model gives for these features, and the reasons picked from the stored
      // contributions are the ones the SQL picks (the live rule's evidence): same features, same order.
      const s = byId.get(String(c.enrollment_id))!;
      expect(s.x.map(Number)).toEqual(x);
      expect(s.score).toBeCloseTo(Number(c.score), 4);
      const sqlReasons = c.reasons as Array<{ feature: string; value: number }>;
      expect(s.reasons.map((r) => r.feature)).toEqual(sqlReasons.map((r) => r.feature));
      s.reasons.forEach((r, i) => expect(r.value).toBeCloseTo(Number(sqlReasons[i].value), 2));
    }
    // The riskiest are mostly faders, and their reasons name the inactivity.
    const top = scored.slice(0, 50);
    expect(top.filter((s) => school.kinds.get(s.enrollment_id) === 'fader').length).toBeGreaterThan(30);
    expect(top[0].reasons.length).toBeGreaterThan(0);
    expect(top.some((s) => s.reasons.some((r) => r.feature === 'days_since_login'))).toBe(true);

    const learner = await app.db.query(`select learner_id from enrollments where id = $1`, [top[0].enrollment_id]);
    const detail = await app.http().get(`/api/v1/learners/${learner[0].learner_id}`).set(admin.auth).expect(200);
    expect(detail.body.riskScore.score).toBeCloseTo(top[0].score, 4);
    expect(detail.body.riskScore.reasons[0].text).toMatch(/\w/);
    expect(detail.body.riskScore.modelVersion).toBe(row.version);
  });

  it('puts the riskiest case first when the case list sorts by risk, page after page', async () => {
    const ids: string[] = (await app.db.query(`select learner_id from enrollment_risk order by score desc limit 30`)).map(
      (r: { learner_id: string }) => r.learner_id,
    );
    for (const learnerId of ids)
      await app.db.query(`insert into cases (learner_id, course_id, status, priority) values ($1, $2, 'open', 'medium')`, [learnerId, school.courseId]);
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const r = await app
        .http()
        .get('/api/v1/cases')
        .query({ sort: 'risk', limit: 7, ...(cursor ? { cursor } : {}) })
        .set(admin.auth)
        .expect(200);
      seen.push(...r.body.items.map((c: { riskScore: { score: number } | null }) => c.riskScore?.score ?? -1));
      cursor = r.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(30);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
    await app.http().get('/api/v1/cases').query({ sort: 'fastest' }).set(admin.auth).expect(400);
  });

  it('backtests the risk_score rule, then opens alerts with it like any other rule', async () => {
    const to = DateTime.now().setZone(TZ).minus({ days: 1 }).toISODate()!;
    const from = DateTime.now().setZone(TZ).minus({ days: 30 }).toISODate()!;
    const bt = await app
      .http()
      .post('/api/v1/rules/backtest')
      .set(admin.auth)
      .send({ rule: { kind: 'risk_score', params: { threshold: 0.5 } }, from, to })
      .expect(200);
    expect(bt.body.totals.alertsOpened + bt.body.totals.openAtStart).toBeGreaterThan(0);
    await app
      .http()
      .post('/api/v1/rules/backtest')
      .set(admin.auth)
      .send({ rule: { kind: 'risk_score', params: { threshold: 1.5 } }, from, to })
      .expect(400);

    await app
      .http()
      .patch('/api/v1/rules/risk_score')
      .set(admin.auth)
      .send({ enabled: true, params: { threshold: 0.5 }, reason: 'the model beats the rules' })
      .expect(200);
    const run = await app.http().post('/api/v1/rules/evaluate').set(admin.auth).send({}).expect(202);
    await eventually(
      async () => {
        const r = await app.http().get(`/api/v1/rule-runs/${run.body.runId}`).set(admin.auth).expect(200);
        return r.body.status === 'completed' ? r.body : undefined;
      },
      60_000,
      250,
    );
    const [{ n }] = await app.db.query(`select count(*)::int as n from alerts where rule_key = 'risk_score' and status = 'open'`);
    const [{ m }] = await app.db.query(`select count(*)::int as m from enrollment_risk where score >= 0.5`);
    expect(n).toBe(m);
    expect(n).toBeGreaterThan(0);
    const [alert] = await app.db.query(`select evidence from alerts where rule_key = 'risk_score' limit 1`);
    expect(alert.evidence).toMatchObject({ threshold: 0.5, modelVersion: expect.any(Number) });
  }, 120_000);
});

describe('learned risk model with too little history', () => {
  let app: TestApp;
  let admin: TestStaff;

  beforeAll(async () => {
    app = await TestApp.start({ ownDatabase: true });
    admin = await app.staff.create('admin');
    await seedRiskSchool(app.db, { learners: 120, historyDays: 150, tz: TZ, seed: 7 });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('trains no model and says why; nothing is scored and the rule fires for no one', async () => {
    await app.http().post('/api/v1/risk-model/train').set(admin.auth).expect(202);
    const report = await trained(app, admin);
    expect(report.status).toBe('insufficient');
    expect(report.model).toBeNull();
    expect(report.latest.shortfall).toMatchObject({ code: 'training', minEnrollments: 200, minChurned: 20 });
    expect(report.latest.shortfall.enrollments).toBeLessThan(200);
    expect(report.message).toMatch(/Too little history: \d+ enrolments with a known 30-day outcome to train on \(200 needed\)/);
    const [{ n }] = await app.db.query(`select count(*)::int as n from enrollment_risk`);
    expect(n).toBe(0);
    const learner = await app.db.query(`select id from learners limit 1`);
    const detail = await app.http().get(`/api/v1/learners/${learner[0].id}`).set(admin.auth).expect(200);
    expect(detail.body.riskScore).toBeNull();
  }, 240_000);
});
