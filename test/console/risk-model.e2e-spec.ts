import type { BrowserContext, Page } from 'playwright-core';
import { seedRiskSchool } from '../../libs/testing/risk-school.js';
import { ADMIN, screenshot, seriousA11yViolations, signIn, startConsoleSchool, waitForText, waitUntil, type ConsoleSchool } from './console-school.js';

const TZ = 'Asia/Shanghai';
/** A share as the model page writes it in English: one decimal, "—" when it cannot be measured. */
const pctText = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
const aucText = (x: number | null) => (x === null ? '—' : x.toFixed(3));
const count = (n: number) => n.toLocaleString('en-US');

interface Report {
  status: string;
  model: null | {
    version: number;
    evaluation: {
      budget: number;
      verdict: { kind: string };
      model: { flagged: number; hits: number; precision: number | null; recall: number | null; auc: number | null };
      rules: { flagged: number; hits: number; precision: number | null; recall: number | null; auc: number | null };
      calibration: Array<{ decile: number; n: number; predicted: number; observed: number }>;
    };
    features: Array<{ key: string; coefficient: number }>;
  };
  latest: null | { status: string; version: number; shortfall: null | Record<string, number | string> };
}

/**
 * The learned risk model in Chromium against the real app with the demo school loaded: the model page says why
 * there is no model in the demo's short history, an admin trains one on a school with months of history (written to
 * the database as sync's rollups would have left it) and the page shows the API's own figures (comparison table,
 * calibration chart and table, features), in English and Chinese; supervisors see it without the Train button;
 * advisors see each learner's risk with its reasons on the queue (sortable by risk) and on the case view.
 */
describe('console: learned risk (Chromium)', () => {
  let school: ConsoleSchool;
  let adminAuth: { Authorization: string };
  let advisorAuth: { Authorization: string };
  const contexts: BrowserContext[] = [];
  const http = () => school.app.http();
  const get = async (path: string, as = adminAuth) => (await http().get(`/api/v1${path}`).set(as).expect(200)).body;
  const login = async (email: string, password: string) => {
    const res = await http().post('/api/v1/auth/login').send({ email, password }).expect(200);
    return { Authorization: `Bearer ${res.body.accessToken}` };
  };
  const open = async (path: string, who: { email: string; password?: string }, locale = 'en-US'): Promise<Page> => {
    const context = await school.chromium.newContext({ locale });
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, school.baseUrl, who.email, who.password, path);
    await page.getByRole('main').waitFor();
    return page;
  };
  const cells = async (page: Page, row: string) =>
    (await page.getByTestId('risk-compare').locator(`tr[data-row="${row}"] td`).allTextContents()).map((s) => s.trim());

  beforeAll(async () => {
    school = await startConsoleSchool();
    adminAuth = await login(ADMIN.email, ADMIN.password);
    advisorAuth = await login(school.demo.showcase.advisor!.email, 'careloop-demo');
  }, 300_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await school?.close();
  });

  it('says in figures why the demo school has no model yet', async () => {
    const report: Report = await get('/risk-model');
    // The demo school is days old: too little history with known outcomes.
    expect(report.model).toBeNull();
    expect(report.latest?.status).toBe('insufficient');
    const page = await open('/console/risk-model', ADMIN);
    const notice = await waitForText(page.getByRole('status'), /Too (little history|few recent)/);
    const s = report.latest!.shortfall!;
    if (s.code === 'history') expect(notice).toContain(`at least ${s.minDays} days`);
    else if (s.code === 'training') expect(notice).toContain(`${s.enrollments} enrolments with a known 30-day outcome`);
    else expect(notice).toContain(`${s.rows} (${s.minRows} needed)`);
    expect(await page.getByRole('button', { name: 'Train now' }).isEnabled()).toBe(true);
  });

  it('trains on months of history and shows the figures of GET /risk-model, in English and Chinese', async () => {
    await seedRiskSchool(school.app.db, { learners: 2000, historyDays: 150, tz: TZ });
    const page = await open('/console/risk-model', ADMIN);
    await page.getByRole('button', { name: 'Train now' }).click();
    await waitForText(page.getByRole('status'), 'Training a model');
    // One attempt at a time: the button says so and cannot start a second.
    expect(await page.getByRole('button', { name: 'Training…' }).isDisabled()).toBe(true);
    await page.locator('.verdict').waitFor({ timeout: 180_000 });
    await waitUntil(async () => (await page.getByRole('status').count()) === 0, 'the training notice to go', 10_000);

    const report: Report = await get('/risk-model');
    expect(report.status).toBe('ready');
    const e = report.model!.evaluation;
    expect(e.verdict.kind).toBe('model_better');
    const verdict = (await page.locator('.verdict').textContent()) ?? '';
    expect(verdict).toContain(`(${e.model.hits} against ${e.rules.hits} in ${e.budget} alerts)`);
    expect(await cells(page, 'alerts')).toEqual([count(e.model.flagged), count(e.rules.flagged)]);
    expect(await cells(page, 'hits')).toEqual([count(e.model.hits), count(e.rules.hits)]);
    expect(await cells(page, 'precision')).toEqual([pctText(e.model.precision), pctText(e.rules.precision)]);
    expect(await cells(page, 'recall')).toEqual([pctText(e.model.recall), pctText(e.rules.recall)]);
    expect(await cells(page, 'auc')).toEqual([aucText(e.model.auc), aucText(e.rules.auc)]);

    const chart = page.getByRole('figure', { name: 'Calibration: predicted against observed churn' }).locator('[data-figures]');
    const figures = JSON.parse((await chart.getAttribute('data-figures')) ?? 'null');
    expect(figures).toEqual({
      deciles: e.calibration.map((b) => b.decile),
      predicted: e.calibration.map((b) => Math.round(b.predicted * 1000) / 10),
      observed: e.calibration.map((b) => Math.round(b.observed * 1000) / 10),
    });
    const calibrationRows = page.getByRole('table', { name: 'Calibration: predicted against observed churn' }).locator('tbody tr');
    expect(await calibrationRows.count()).toBe(e.calibration.length);
    expect((await calibrationRows.first().locator('td').allTextContents()).map((s) => s.trim())).toEqual([
      count(e.calibration[0].n),
      pctText(e.calibration[0].predicted),
      pctText(e.calibration[0].observed),
    ]);
    // What the model weighs, strongest first: the synthetic school's churn is driven by logins and complaints.
    const featureRows = page.getByRole('table', { name: 'What the model weighs' }).locator('tbody tr');
    expect(await featureRows.count()).toBe(report.model!.features.length);
    const strongest = [...report.model!.features].sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient))[0];
    expect(await featureRows.first().getAttribute('data-feature')).toBe(strongest.key);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'risk-model-en');

    const zh = await open('/console/risk-model', ADMIN, 'zh-CN');
    await zh.getByRole('heading', { name: '流失风险模型', level: 1 }).waitFor();
    const zhVerdict = await waitForText(zh.locator('.verdict'), /模型|规则/);
    expect(zhVerdict).toMatch(/[\u4e00-\u9fff]/);
    expect(zhVerdict).not.toMatch(/\b(the|model|rules|churned)\b/i);
    expect((await zh.getByRole('table', { name: /^[^A-Za-z]+$/ }).count()) >= 3).toBe(true);
    expect(await seriousA11yViolations(zh)).toEqual([]);
    await screenshot(zh, 'risk-model-zh');
  }, 240_000);

  it('the risk_score rule reads in words, is backtested next to the API and switched on like any other rule', async () => {
    const page = await open('/console/admin/rules', ADMIN);
    const list = page.getByRole('table', { name: 'Warning rules' });
    const row = list.locator('tr[data-rule="risk_score"]');
    await waitForText(row, 'Learned chance of churning within 30 days at least 60%');
    expect(await row.locator('td').nth(3).textContent()).toBe('off');
    await list.getByRole('link', { name: 'Edit Learned churn risk at least 60%' }).click();
    const threshold = page.getByRole('spinbutton', { name: 'Risk threshold' });
    await threshold.waitFor();
    await threshold.fill('1.5');
    await waitForText(page.locator('.field-invalid'), 'Above 0 and at most 1.');
    await threshold.fill('0.5');
    const DAY = 86_400_000;
    const from = new Date(Date.now() - 60 * DAY).toISOString().slice(0, 10);
    const to = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    await page.getByLabel('Backtest from').fill(from);
    await page.getByLabel('Backtest to').fill(to);
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const table = page.getByRole('table', { name: 'Backtest' });
    await table.waitFor({ timeout: 60_000 });
    const backtest = async (t: number) =>
      (
        await http()
          .post('/api/v1/rules/backtest')
          .set(adminAuth)
          .send({ rule: { kind: 'risk_score', params: { threshold: t } }, from, to })
          .expect(200)
      ).body;
    const [current, draft] = [await backtest(0.6), await backtest(0.5)];
    expect(draft.totals.alertsOpened).toBeGreaterThan(0);
    expect((await table.locator('tr[data-measure="alertsOpened"] td').allTextContents()).map((x) => x.trim())).toEqual(
      [current.totals.alertsOpened, draft.totals.alertsOpened].map(count),
    );
    await page.getByRole('textbox', { name: 'Reason' }).fill('Start with a wider net while we read the first results');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await waitForText(page.getByRole('status').filter({ hasText: 'Saved' }), 'The next rule run uses it.');
    expect((await get('/rules/risk_score')).params).toEqual({ threshold: 0.5 });

    await page.goto(`${school.baseUrl}/console/admin/rules`);
    page.once('dialog', (d) => void d.accept('The model beats the rules on our own data'));
    await page.getByRole('button', { name: /^Enable Learned churn risk/ }).click();
    await waitUntil(async () => (await page.locator('tr[data-rule="risk_score"] td').nth(3).textContent()) === 'on', 'the rule shown on');
    expect((await get('/rules/risk_score')).enabled).toBe(true);
  }, 120_000);

  it('shows the page to a supervisor without the Train button', async () => {
    const { email } = school.demo.staff.find((s) => s.role === 'supervisor')!;
    const page = await open('/console/risk-model', { email });
    await page.locator('.verdict').waitFor();
    expect(await page.getByRole('button', { name: 'Train now' }).count()).toBe(0);

    // Their open cases, ordered by risk from the filter bar (kept in the URL), in the API's order.
    const supervisorAuth = await login(email, 'careloop-demo');
    const api = (await get('/cases?open=true&sort=risk&limit=100', supervisorAuth)).items as Array<{
      learnerName: string;
      riskScore: { score: number } | null;
    }>;
    expect(api.some((c) => c.riskScore)).toBe(true);
    const board = await open('/console/board/cases', { email });
    const cases = board.getByRole('table', { name: 'Cases' });
    await cases.locator('tbody tr').first().waitFor();
    await board.getByLabel('Order').selectOption('risk');
    await waitUntil(async () => new URL(board.url()).searchParams.get('sort') === 'risk', 'sort=risk in the URL');
    await waitUntil(async () => ((await cases.locator('tbody tr').first().textContent()) ?? '').includes(api[0].learnerName), 'the riskiest case on top');
    const shown = await cases
      .locator('tbody tr')
      .evaluateAll((trs) => trs.slice(0, 20).map((tr) => Number(tr.querySelector('[data-risk]')?.getAttribute('data-risk') ?? -1)));
    expect(shown).toEqual(api.slice(0, 20).map((c) => c.riskScore?.score ?? -1));
  });

  it("puts each learner's risk and its reasons on the advisor's queue, sortable by risk, and on the case view", async () => {
    const date = school.demo.showcase.queueDate!;
    const byDue = await get(`/me/queue?date=${date}`, advisorAuth);
    const byRisk = await get(`/me/queue?date=${date}&sort=risk`, advisorAuth);
    type Row = { learner: { id: string; name: string; riskScore: { score: number; reasons: unknown[] } | null } };
    // The demo's showcase day is one with calls on it.
    expect(byDue.tasks.length).toBeGreaterThan(0);
    const scored = (byDue.tasks as Row[]).filter((r) => r.learner.riskScore);
    expect(scored.length).toBeGreaterThan(0);
    const riskOrder = (byRisk.tasks as Row[]).map((r) => r.learner.riskScore?.score ?? -1);
    expect(riskOrder).toEqual([...riskOrder].sort((a, b) => b - a));

    const page = await open(`/console/queue?date=${date}`, { email: school.demo.showcase.advisor!.email });
    const table = page.getByRole('table', { name: 'Queue' });
    await table.waitFor();
    expect(await table.getByRole('columnheader', { name: 'Risk' }).count()).toBe(1);
    const rows = table.locator('tbody').getByRole('row');
    const first = (byDue.tasks as Row[])[0];
    const firstBadge = rows.first().locator('.cell-risk');
    if (first.learner.riskScore)
      expect(await firstBadge.locator('.chip').getAttribute('aria-label')).toBe(`Churn risk ${Math.round(first.learner.riskScore.score * 100)}%`);
    else expect((await firstBadge.textContent())?.trim()).toBe('—');

    const sortButton = page.getByRole('button', { name: 'Sort by risk' });
    await sortButton.click();
    await waitUntil(async () => new URL(page.url()).searchParams.get('sort') === 'risk', 'sort=risk in the URL');
    await page.getByRole('button', { name: 'Sort by due time' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sort by due time' }).getAttribute('aria-pressed')).toBe('true');
    const top = (byRisk.tasks as Row[])[0];
    await waitUntil(async () => ((await rows.first().textContent()) ?? '').includes(top.learner.name), 'the riskiest learner on top', 10_000);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector('[data-risk]')?.getAttribute('data-risk') ?? -1)));
    expect(shown).toEqual(riskOrder);
    await screenshot(page, 'queue-risk-en');

    // The case view of the riskiest learner: the score and all its reasons in words.
    const learner = await get(`/learners/${top.learner.id}`, advisorAuth);
    expect(learner.riskScore).not.toBeNull();
    const casePage = await open(`/console/learners/${top.learner.id}`, { email: school.demo.showcase.advisor!.email });
    const card = casePage.getByTestId('risk-card');
    await card.waitFor();
    expect(await card.locator('.chip').getAttribute('aria-label')).toBe(`Churn risk ${Math.round(learner.riskScore.score * 100)}%`);
    expect(await card.locator('.risk-reasons li').count()).toBe(learner.riskScore.reasons.length);
    expect(await seriousA11yViolations(casePage)).toEqual([]);
    await screenshot(casePage, 'case-risk-en');
  });
});
