import { readFileSync } from 'node:fs';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { eventually } from '../../libs/testing/index.js';
import { ADMIN, screenshot, seriousA11yViolations, signIn, startConsoleSchool, waitForText, waitUntil, type ConsoleSchool } from './console-school.js';

const DAY = 86_400_000;
/** A share as the console writes it in English tables: one decimal, "—" when it cannot be measured. */
const pctText = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)}%`);
/** A share as the charts draw it: a percentage with one decimal, null kept. */
const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);

/**
 * Rules and analytics in Chromium against the real app with the demo school loaded: a rule edited after a
 * backtest; each analytics page's chart and table hold the same figures as its API report (read from the chart's
 * data and the table's cells, not only that a drawing exists); the CSV download is the API's CSV; filters live in
 * the URL; a supervisor sees their teams only. The first-week page also gets a small pilot course with a holdout
 * and a first week of calls in its history (written to the database as the worker would have left it), since the
 * demo school has no history of calls to measure.
 */
describe('console: rules and analytics (Chromium)', () => {
  let school: ConsoleSchool;
  let auth: { Authorization: string };
  let pilotCourse: string;
  const contexts: BrowserContext[] = [];
  const http = () => school.app.http();
  const get = async (path: string, as = auth) => (await http().get(`/api/v1${path}`).set(as).expect(200)).body;

  const adminPage = async (path: string, locale?: string, who = ADMIN): Promise<Page> => {
    const context = await school.chromium.newContext(locale ? { locale } : {});
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, school.baseUrl, who.email, who.password, path);
    await page.getByRole('main').waitFor();
    return page;
  };
  const figures = async (chart: Locator) => JSON.parse((await chart.locator('[data-figures]').getAttribute('data-figures')) ?? 'null');
  const cells = async (row: Locator) => (await row.locator('td').allTextContents()).map((s) => s.trim());

  /** A pilot course in the school's history: 200 treated learners with a first week of calls, 60 held out. */
  async function seedFirstWeekPilot(teamId: string, advisorId: string) {
    const sql = (text: string, params: unknown[] = []) => school.app.db.query(text, params);
    const enrolled = new Date(Date.now() - 100 * DAY);
    const [course] = await sql(
      `insert into courses (external_id, title, total_lessons, duration_days, team_id) values ('FW-PILOT', 'First-week pilot', 20, 120, $1) returning id`,
      [teamId],
    );
    const groups = [
      { group: 'covered', n: 160, churned: 16, reached: 6, missed: 1, holdout: false },
      { group: 'not-covered', n: 40, churned: 12, reached: 2, missed: 5, holdout: false },
      { group: 'holdout', n: 60, churned: 21, reached: 0, missed: 0, holdout: true },
    ];
    for (const g of groups) {
      // Churned learners cancelled on day 10; the others logged in yesterday.
      await sql(
        `with l as (
           insert into learners (external_id, name, last_login_at)
           select 'FW-' || $1 || '-' || i, 'Pilot ' || $1 || ' ' || i, case when i <= $3 then null else now() - interval '1 day' end from generate_series(1, $2) i
           returning id, external_id, last_login_at)
         insert into enrollments (external_id, learner_id, course_id, enrolled_at, status, status_changed_at, holdout, last_login_at)
         select 'FWE-' || substr(l.external_id, 4), l.id, $4, $5, case when l.last_login_at is null then 'cancelled' else 'active' end,
                case when l.last_login_at is null then $5::timestamptz + interval '10 days' else $5 end, $6, l.last_login_at
           from l`,
        [g.group, g.n, g.churned, course.id, enrolled, g.holdout],
      );
      if (!g.reached && !g.missed) continue;
      await sql(
        `insert into tasks (kind, day_index, assignee_id, learner_id, enrollment_id, due_at, status, result, completed_at)
         select 'first_week_checkin', d, $1, e.learner_id, e.id, e.enrolled_at + (d - 1) * interval '1 day' + interval '2 hours', 'done',
                case when d <= $4 then 'reached' else 'no_answer' end, e.enrolled_at + (d - 1) * interval '1 day' + interval '2 hours'
           from enrollments e cross join generate_series(1, $3::int) d
          where e.course_id = $2 and e.external_id like 'FWE-' || $5 || '-%'`,
        [advisorId, course.id, g.reached + g.missed, g.reached, g.group],
      );
    }
    const before = (await get('/analytics/status')).refreshedAt;
    await http().post('/api/v1/analytics/refresh').set(auth).expect(202);
    await eventually(async () => {
      const s = await get('/analytics/status');
      return !s.pending && s.refreshedAt !== before ? s : undefined;
    }, 60_000);
    return course.id as string;
  }

  beforeAll(async () => {
    school = await startConsoleSchool();
    const login = await http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    auth = { Authorization: `Bearer ${login.body.accessToken}` };
    const teams = (await get('/teams')) as Array<{ id: string }>;
    const advisor = school.demo.showcase.advisor!;
    pilotCourse = await seedFirstWeekPilot(teams[0].id, advisor.id);
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await school?.close();
  });

  it('edits a rule only after backtesting it: the draft next to the current rule, as the API computes both, then saved and audited', async () => {
    const page = await adminPage('/console/');
    await page.getByRole('navigation').getByRole('link', { name: 'Rules' }).click();
    const list = page.getByRole('table', { name: 'Warning rules' });
    await waitForText(list.locator('tr[data-rule="inactive_7d"]'), 'No login for 7 days (active enrolments)');
    expect(await list.locator('tbody tr').count()).toBe((await get('/rules')).length);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await list.getByRole('link', { name: 'Edit No login for 7 days' }).click();
    await page.getByRole('heading', { level: 1, name: 'No login for 7 days' }).waitFor();

    const days = page.getByRole('spinbutton', { name: 'Days without a login' });
    // Out of the published range: said at the field, and nothing can be saved.
    await days.fill('0');
    await waitForText(page.locator('.field-invalid'), 'From 1 to 365.');
    await days.fill('10');
    const save = page.getByRole('button', { name: 'Save rule' });
    await waitForText(page.getByRole('form', { name: 'Rule' }), 'Backtest the changed thresholds before saving.');
    expect(await save.isDisabled()).toBe(true);

    const from = new Date(Date.now() - 60 * DAY).toISOString().slice(0, 10);
    const to = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    await page.getByLabel('Backtest from').fill(from);
    await page.getByLabel('Backtest to').fill(to);
    await page.getByRole('button', { name: 'Run backtest' }).click();
    const table = page.getByRole('table', { name: 'Backtest' });
    await table.waitFor({ timeout: 60_000 });
    const api = async (params: Record<string, number>) =>
      (
        await http()
          .post('/api/v1/rules/backtest')
          .set(auth)
          .send({ rule: { kind: 'inactive_days', params }, from, to })
          .expect(200)
      ).body;
    const current = await api({ days: 7 });
    const draft = await api({ days: 10 });
    expect(await cells(table.locator('tr[data-measure="alertsOpened"]'))).toEqual(
      [current.totals.alertsOpened, draft.totals.alertsOpened].map((n: number) => n.toLocaleString('en-US')),
    );
    expect(await cells(table.locator('tr[data-measure="precision"]'))).toEqual([pctText(current.quality.precision), pctText(draft.quality.precision)]);
    expect(await cells(table.locator('tr[data-measure="recall"]'))).toEqual([pctText(current.quality.recall), pctText(draft.quality.recall)]);
    // The chart draws each day's workload of both.
    const chart = await figures(page.getByRole('figure', { name: 'Daily workload: alerts opened per day' }));
    expect(chart.days).toEqual(draft.days.map((d: { day: string }) => d.day));
    expect(chart.draft).toEqual(draft.days.map((d: { opened: number }) => d.opened));
    expect(chart.current).toEqual(current.days.map((d: { opened: number }) => d.opened));
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.locator('.backtest').evaluate((el) => el.ownerDocument.defaultView?.scrollBy(0, el.getBoundingClientRect().top - 110));
    await screenshot(page, 'rule-backtest-en');

    await page.getByRole('textbox', { name: 'Reason' }).fill('7 days flags learners who are only on a week off');
    expect(await save.isDisabled()).toBe(false);
    await save.click();
    await waitForText(page.getByRole('status').filter({ hasText: 'Saved' }), 'The next rule run uses it.');
    expect((await get('/rules/inactive_7d')).params).toEqual({ days: 10 });
    const audit = (await get('/audit?entity=rule&entityId=inactive_7d')).items as Array<{ action: string; reason: string | null }>;
    expect(audit[0]).toMatchObject({ reason: '7 days flags learners who are only on a week off' });
    // Changing the thresholds again makes the backtest stale: saving waits for a new one.
    await days.fill('12');
    await waitForText(page.getByRole('form', { name: 'Rule' }), 'Backtest the changed thresholds before saving.');
    expect(await save.isDisabled()).toBe(true);
  }, 180_000);

  it("retention: the curves, the churn per cohort and the tables hold the API report; cohort size and period live in the URL; the CSV is the API's", async () => {
    const page = await adminPage('/console/analytics');
    await page.waitForURL(/\/console\/analytics\/retention/);
    const report = await get('/analytics/retention');
    expect(report.cohorts.length).toBeGreaterThan(1);
    const cohorts = page.getByRole('table', { name: 'Cohorts' });
    await cohorts.waitFor();
    for (const c of [...report.cohorts, report.total]) {
      expect(await cells(cohorts.locator(`tr[data-cohort="${c.cohort}"]`))).toEqual([
        c.enrolments.toLocaleString('en-US'),
        pctText(c.churnRate30),
        pctText(c.churnRate60),
        pctText(c.churnRate90),
        pctText(c.renewalRate),
      ]);
    }
    const curves = await figures(page.getByRole('figure', { name: 'Retention curves' }));
    // Each cohort's share still active by week, where at least 10 of its enrolments were observed that long.
    const curve = (c: { cohort: string; curve: Array<{ week: number; enrolments: number; activeShare: number | null }> }) => ({
      cohort: c.cohort,
      points: c.curve.filter((p) => p.activeShare !== null && p.enrolments >= 10).map((p) => [p.week, pct(p.activeShare)]),
    });
    expect(curves).toEqual(report.cohorts.map(curve));
    expect(curves.some((c: { points: unknown[] }) => c.points.length > 4)).toBe(true);
    const churn = await figures(page.getByRole('figure', { name: 'Churn and renewal by cohort' }));
    expect(churn.churn['30']).toEqual(report.cohorts.map((c: { churnRate30: number | null }) => pct(c.churnRate30)));
    expect(churn.renewal).toEqual(report.cohorts.map((c: { renewalRate: number | null }) => pct(c.renewalRate)));
    const courses = page.getByRole('table', { name: 'Courses' });
    for (const c of report.byCourse) expect((await cells(courses.locator(`tr[data-course="${c.courseId}"]`)))[1]).toBe(pctText(c.churnRate30));
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'retention-en');

    // The CSV download is the API's text/csv answer for the same filters.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const apiCsv = (await http().get('/api/v1/analytics/retention?cohort=month').set(auth).set('Accept', 'text/csv').expect(200)).text;
    expect(csv).toBe(apiCsv);

    // Weekly cohorts and a period: in the URL, and the table follows the API.
    await page.getByRole('combobox', { name: 'Cohort by' }).selectOption('week');
    const from = report.cohorts[1].cohort.length === 7 ? `${report.cohorts[1].cohort}-01` : report.cohorts[1].cohort;
    await page.getByLabel('From', { exact: true }).fill(from);
    await page.waitForURL((u) => u.searchParams.get('cohort') === 'week' && u.searchParams.get('from') === from);
    const weekly = await get(`/analytics/retention?cohort=week&from=${from}`);
    await waitUntil(
      async () => (await cohorts.locator('tbody tr').count()) === weekly.cohorts.length + 1,
      `${weekly.cohorts.length} weekly cohorts and the total`,
    );
    expect(await cells(cohorts.locator('tr[data-cohort="total"]'))).toEqual([
      weekly.total.enrolments.toLocaleString('en-US'),
      pctText(weekly.total.churnRate30),
      pctText(weekly.total.churnRate60),
      pctText(weekly.total.churnRate90),
      pctText(weekly.total.renewalRate),
    ]);
    // The same URL opened fresh shows the same view.
    const again = await adminPage(new URL(page.url()).pathname + new URL(page.url()).search);
    await waitUntil(
      async () => (await again.getByRole('table', { name: 'Cohorts' }).locator('tbody tr').count()) === weekly.cohorts.length + 1,
      'the bookmarked view',
    );
    expect(await again.getByRole('combobox', { name: 'Cohort by' }).inputValue()).toBe('week');
  }, 180_000);

  it("first week: churn of covered, not covered and holdout, the uplift drawn as its interval, and the API's verdict — in English and in Chinese", async () => {
    const report = await get(`/analytics/first-week?courseId=${pilotCourse}`);
    expect(report.uplift.conclusive).toBe(true);
    expect(report.groups.holdout.enrolments).toBe(60);
    const page = await adminPage(`/console/analytics/first-week?courseId=${pilotCourse}`);
    await waitForText(page.locator('.verdict-text'), report.uplift.verdict);
    const uplift = await figures(page.getByRole('figure', { name: 'Uplift (holdout − treated)' }));
    expect(uplift).toEqual({ difference: pct(report.uplift.difference), low: pct(report.uplift.ciLow), high: pct(report.uplift.ciHigh) });
    const groups = page.getByRole('table', { name: 'Groups' });
    for (const g of ['covered', 'notCovered', 'holdout'] as const) {
      const f = report.groups[g];
      expect(await cells(groups.locator(`tr[data-group="${g}"]`))).toEqual([
        String(f.enrolments),
        pctText(f.churnRate30),
        pctText(f.churnRate60),
        pctText(f.churnRate90),
      ]);
    }
    const bars = await figures(page.getByRole('figure', { name: 'Churn by group' }));
    expect(bars.holdout).toEqual([pct(report.groups.holdout.churnRate30), pct(report.groups.holdout.churnRate60), pct(report.groups.holdout.churnRate90)]);
    await waitForText(page.locator('.stat', { hasText: 'Coverage of the program' }), pctText(report.coverage.share));
    expect(await page.getByRole('combobox', { name: 'Course' }).inputValue()).toBe(pilotCourse);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'first-week-en');

    // Another horizon: the verdict follows the API.
    await page.getByRole('combobox', { name: 'Horizon' }).selectOption('60');
    const sixty = await get(`/analytics/first-week?courseId=${pilotCourse}&horizonDays=60`);
    await waitForText(page.locator('.verdict-text'), sixty.uplift.verdict);

    const zh = await adminPage(`/console/analytics/first-week?courseId=${pilotCourse}`, 'zh-CN');
    const points = (x: number) => `${(x * 100).toFixed(1)} 个百分点`;
    await waitForText(zh.locator('.verdict-text'), `干预使 30 天流失率降低 ${points(report.uplift.difference)}`);
    await waitForText(zh.locator('.verdict-text'), `对照组 n=${report.uplift.holdoutN}`);
    expect(await seriousA11yViolations(zh)).toEqual([]);
    await screenshot(zh, 'first-week-zh');
  }, 180_000);

  it('rule quality, churn reasons, advisors and tickets: each chart and table holds its API report', async () => {
    const page = await adminPage('/console/analytics/rules');
    const rules = await get('/analytics/rules');
    const rq = page.getByRole('table', { name: 'Rule quality' });
    await rq.waitFor();
    for (const r of rules.rules) {
      const c = await cells(rq.locator(`tr[data-rule="${r.ruleKey}"]`));
      expect(c.slice(0, 3)).toEqual([r.alerts.toLocaleString('en-US'), pctText(r.precision), pctText(r.recall)]);
    }
    const rqChart = await figures(page.getByRole('figure', { name: 'Precision and recall per rule' }));
    expect(rqChart.rules).toEqual(rules.rules.map((r: { ruleKey: string }) => r.ruleKey));
    expect(rqChart.recall).toEqual(rules.rules.map((r: { recall: number | null }) => pct(r.recall)));
    expect(await seriousA11yViolations(page)).toEqual([]);

    const tabs = page.getByRole('navigation', { name: 'Reports' });
    await tabs.getByRole('link', { name: 'Churn reasons' }).click();
    const reasons = await get('/analytics/churn-reasons');
    const rt = page.getByRole('table', { name: 'Churn reasons', exact: true });
    if (reasons.total > 0) {
      await rt.waitFor();
      for (const r of reasons.reasons)
        expect(await cells(rt.locator(`tr[data-reason="${r.reason}"]`))).toEqual([String(r.count), pctText(r.share), String(r.fromCases), String(r.fromCalls)]);
      const chart = await figures(page.getByRole('figure', { name: 'Reasons' }));
      expect(chart.fromCases).toEqual(reasons.reasons.map((r: { fromCases: number }) => r.fromCases));
    } else {
      await waitForText(page.getByRole('main'), 'No churn reason recorded in this period.');
    }
    // By course: one row per course in scope, each the API's own total for that course.
    const byCourse = page.getByRole('table', { name: 'Churn reasons by course' });
    await byCourse.waitFor();
    const oneCourse = await get(`/analytics/churn-reasons?courseId=${pilotCourse}`);
    await waitUntil(
      async () => ((await cells(byCourse.locator(`tr[data-course="${pilotCourse}"]`)))[0] ?? '') === String(oneCourse.total),
      'the pilot course row',
    );
    expect(await seriousA11yViolations(page)).toEqual([]);

    await tabs.getByRole('link', { name: 'Advisors' }).click();
    const advisors = await get('/analytics/advisors');
    const at = page.getByRole('table', { name: 'Advisors', exact: true });
    await at.waitFor();
    for (const a of advisors.advisors) {
      const c = await cells(at.locator(`tr[data-advisor="${a.advisorId}"]`));
      expect(c.slice(0, 4)).toEqual([a.openCases, a.tasksDone, a.tasksOverdue, a.callsReached].map((n: number) => n.toLocaleString('en-US')));
    }
    const load = await figures(page.getByRole('figure', { name: 'Calls done and overdue' }));
    expect([...load.done].sort()).toEqual(advisors.advisors.map((a: { tasksDone: number }) => a.tasksDone).sort());
    expect(await seriousA11yViolations(page)).toEqual([]);

    await tabs.getByRole('link', { name: 'Tickets' }).click();
    await page.waitForURL(/analytics\/tickets/);
    const tickets = await get('/analytics/tickets');
    await waitForText(page.locator('.stat', { hasText: 'Tickets' }), String(tickets.overall.tickets));
    if (tickets.overall.tickets > 0) {
      const tt = page.getByRole('table', { name: 'Ticket times' });
      await tt.waitFor();
      expect((await cells(tt.locator('tr[data-group="overall"]')))[0]).toBe(String(tickets.overall.tickets));
      for (const p of tickets.byPriority) expect((await cells(tt.locator(`tr[data-group="priority:${p.priority}"]`)))[0]).toBe(String(p.tickets));
      const times = await figures(page.getByRole('figure', { name: 'Response and resolution times' }));
      expect(times.groups).toEqual(['overall', ...tickets.byPriority.map((p: { priority: string }) => p.priority)]);
    }
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 180_000);

  it('shows a supervisor their teams only: the team filter lists them, and the figures are theirs', async () => {
    const teams = (await get('/teams')) as Array<{ id: string; name: string }>;
    expect(teams.length).toBeGreaterThan(1);
    const sup = { email: 'one.team.supervisor@demo-school.example', password: 'supervisor pass 1' };
    await http()
      .post('/api/v1/staff')
      .set(auth)
      .send({ ...sup, name: 'One Team', role: 'supervisor', teamId: teams[0].id })
      .expect(201);
    const supLogin = await http().post('/api/v1/auth/login').send(sup).expect(200);
    const supAuth = { Authorization: `Bearer ${supLogin.body.accessToken}` };
    const theirs = await get('/analytics/retention', supAuth);
    const all = await get('/analytics/retention');
    expect(theirs.total.enrolments).toBeLessThan(all.total.enrolments);

    const page = await adminPage('/console/analytics/retention', undefined, sup);
    await page.getByRole('navigation').getByRole('link', { name: 'Analytics' }).waitFor();
    const team = page.getByRole('combobox', { name: 'Team' });
    await waitUntil(async () => (await team.locator('option').count()) === 2, 'their one team and "all my teams"');
    expect((await team.locator('option').allTextContents()).map((s) => s.trim())).toEqual(['All my teams', teams[0].name]);
    const total = page.getByRole('table', { name: 'Cohorts' }).locator('tr[data-cohort="total"]');
    await waitUntil(async () => (await cells(total))[0] === theirs.total.enrolments.toLocaleString('en-US'), 'their total');
    // Another team's id in the URL is refused in words, not shown.
    await page.goto(`${school.baseUrl}/console/analytics/retention?teamId=${teams[1].id}`);
    await page.getByRole('alert').waitFor();
    expect((await http().get(`/api/v1/analytics/retention?teamId=${teams[1].id}`).set(supAuth)).status).toBe(404);
  }, 120_000);
});
