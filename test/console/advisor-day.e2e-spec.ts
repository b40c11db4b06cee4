import type { BrowserContext, Locator, Page } from 'playwright-core';
import { ADMIN, screenshot, seriousA11yViolations, signIn, startConsoleSchool, waitForText, waitUntil, type ConsoleSchool } from './console-school.js';

/**
 * The advisor's working day in the console, in real Chromium against the real app (API + worker, PostgreSQL,
 * Redis) with the demo school loaded: sign-in, the queue, call outcomes, rescheduling, the case view, resolving,
 * the language switch, access refused, an expired session and a lost connection.
 */
/** Calls the queue-day tests need left on the busiest day (the keyboard test moves between rows 1 and 2). */
const QUEUE_DAY_KEEPS = 3;
/** Tests that use up calls, by the number `dayFor` is asked with: the calls each needs on its day, and uses. */
const CALLS_USED = new Map<number, { needs: number; uses: number }>([
  [1, { needs: 1, uses: 1 }], // logs an outcome
  [2, { needs: 2, uses: 1 }], // "Save and next" needs a next call
  [3, { needs: 1, uses: 1 }], // reschedules the last call
]);

/**
 * Plans the days: the busiest day is the queue day (keeping `keep` calls); each call-using test then takes the
 * unused day with the most calls that has what it needs, else the day with the most calls to spare. Null when the
 * calls cannot serve every test.
 */
function planDays(perDay: Map<string, number>, keep: number, tests: Map<number, { needs: number; uses: number }>) {
  const spare = new Map(perDay);
  const busiest = [...spare].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  if (!busiest || busiest[1] < keep) return null;
  const queueDate = busiest[0];
  spare.set(queueDate, busiest[1] - keep);
  const used = new Set<string>([queueDate]);
  const days = new Map<number, string>();
  for (const [n, { needs, uses }] of tests) {
    const fits = [...spare].filter(([, left]) => left >= needs);
    const pick = fits.filter(([d]) => !used.has(d)).sort((a, b) => b[1] - a[1])[0] ?? fits.sort((a, b) => b[1] - a[1])[0];
    if (!pick) return null;
    days.set(n, pick[0]);
    used.add(pick[0]);
    spare.set(pick[0], pick[1] - uses);
  }
  return { queueDate, days };
}

describe("console: the advisor's day (Chromium)", () => {
  let school: ConsoleSchool;
  let advisorEmail: string;
  let queueDate: string;
  let advisorAuth: { Authorization: string };
  let adminAuth: { Authorization: string };
  const contexts: BrowserContext[] = [];

  const login = async (email: string, password: string) => {
    const res = await school.app.http().post('/api/v1/auth/login').send({ email, password }).expect(200);
    return { Authorization: `Bearer ${res.body.accessToken}` };
  };
  const apiQueue = async (date = queueDate) => (await school.app.http().get(`/api/v1/me/queue?date=${date}`).set(advisorAuth).expect(200)).body;
  /**
   * The day (advisor's zone) each test that uses up calls works on, planned from the calls the demo scheduled. The
   * demo is anchored to today, so how its calls spread over days changes with the weekday: a test takes a day of
   * its own when one has the calls it needs, and otherwise shares the day with the most calls to spare.
   */
  const plannedDays = new Map<number, string>();
  const dayFor = (n: number) => plannedDays.get(n)!;

  /** A fresh browser context signed in as the demo advisor, on their queue for the showcase day. */
  const advisorPage = async (locale = 'en-US', date = queueDate): Promise<Page> => {
    const context = await school.chromium.newContext({ locale });
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, school.baseUrl, advisorEmail, undefined, `/console/queue?date=${date}`);
    await queueTable(page).waitFor();
    return page;
  };
  const queueTable = (page: Page) => page.getByRole('table', { name: 'Queue' });
  const taskRows = (page: Page) => queueTable(page).locator('tbody').getByRole('row');
  /** The text of the element that describes a control (its error and hint, via aria-describedby). */
  const description = async (control: Locator) => {
    const ids = (await control.getAttribute('aria-describedby')) ?? '';
    const parts = await Promise.all(
      ids
        .split(' ')
        .filter(Boolean)
        .map((id) => control.page().locator(`[id="${id}"]`).textContent()),
    );
    return parts.join(' ');
  };

  beforeAll(async () => {
    school = await startConsoleSchool();
    const showcase = school.demo.showcase;
    if (!showcase.advisor || !showcase.queueDate || !showcase.caseId) throw new Error(`the demo school has no showcase: ${JSON.stringify(showcase)}`);
    advisorEmail = showcase.advisor.email;
    queueDate = showcase.queueDate;
    advisorAuth = await login(advisorEmail, 'careloop-demo');
    adminAuth = await login(ADMIN.email, ADMIN.password);
    const me = (await school.app.http().get('/api/v1/me').set(advisorAuth).expect(200)).body;
    const scheduled = (await school.app.http().get(`/api/v1/tasks?assigneeId=${me.id}&status=scheduled&limit=500`).set(advisorAuth).expect(200)).body
      .items as Array<{ dueAt: string }>;
    const perDay = new Map<string, number>();
    for (const t of scheduled) {
      const day = new Date(new Date(t.dueAt).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    const plan = planDays(perDay, QUEUE_DAY_KEEPS, CALLS_USED);
    if (!plan) throw new Error(`the demo advisor's calls per day cannot serve these tests: ${JSON.stringify([...perDay])}`);
    queueDate = plan.queueDate;
    for (const [n, day] of plan.days) plannedDays.set(n, day);
  }, 300_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await school?.close();
  });

  it('refuses a wrong password in words, then signs in and lands on the queue', async () => {
    const context = await school.chromium.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${school.baseUrl}/console/`);
    await page.getByLabel('Email').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByLabel('Email').fill(advisorEmail);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.getByRole('alert'), 'Wrong email or password.');
    await page.getByLabel('Password').fill('careloop-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Today's queue (the table, or its empty state when nothing is left today).
    await waitForText(page.getByRole('heading', { level: 1 }), 'My queue', 30_000);
    expect(new URL(page.url()).pathname).toBe('/console/queue');
  }, 60_000);

  it("shows the advisor's queue in the API's order with what an advisor needs on each row", async () => {
    const page = await advisorPage();
    const queue = await apiQueue();
    expect(queue.tasks.length).toBeGreaterThan(0);
    const rows = taskRows(page);
    await waitUntil(async () => (await rows.count()) === queue.tasks.length, `${queue.tasks.length} rows`);
    for (const [i, task] of queue.tasks.slice(0, 5).entries()) {
      const text = (await rows.nth(i).textContent()) ?? '';
      expect(text).toContain(task.learner.name);
      if (task.learner.phone) expect(text).toContain(task.learner.phone);
      if (task.kind === 'first_week_checkin') expect(text).toContain(`day ${task.dayIndex} of 7`);
      expect(await rows.nth(i).getByRole('button', { name: 'Log outcome' }).count()).toBe(1);
    }
    await waitForText(page.getByRole('list', { name: 'Counts' }), `${queue.counts.tasks} calls`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'queue-en');
  }, 60_000);

  it('works the queue with the keyboard: j and k move, ? lists the shortcuts, o opens the outcome dialog, Enter opens the learner', async () => {
    const page = await advisorPage();
    const queue = await apiQueue();
    await page.keyboard.press('j');
    await waitUntil(async () => (await taskRows(page).nth(1).getAttribute('aria-current')) === 'true', 'row 2 active');
    await page.keyboard.press('k');
    await waitUntil(async () => (await taskRows(page).nth(0).getAttribute('aria-current')) === 'true', 'row 1 active');
    await page.keyboard.press('?');
    await waitForText(page.getByRole('dialog'), 'Keyboard shortcuts');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.keyboard.press('o');
    await waitForText(page.getByRole('dialog'), `Call with ${queue.tasks[0].learner.name}`);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'outcome-en');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    // Every row's learner opens, cover calls for a teammate's learner included (holding the call makes it visible).
    for (const x of queue.tasks) expect((await school.app.http().get(`/api/v1/learners/${x.learner.id}`).set(advisorAuth)).status).toBe(200);
    const i = queue.tasks.length - 1;
    await taskRows(page).nth(i).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/(cases|learners)\//);
    await waitForText(page.getByRole('heading', { level: 1 }), queue.tasks[i].learner.name, 30_000);
  }, 60_000);

  it("logs an outcome, showing the API's field error next to its field first", async () => {
    const page = await advisorPage('en-US', dayFor(1));
    const before = await apiQueue(dayFor(1));
    const task = before.tasks[0]; // every call on the queue is still to make
    const row = taskRows(page).filter({ hasText: task.learner.name }).first();
    await row.getByRole('button', { name: 'Log outcome' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Result' }).selectOption('reached');
    const duration = dialog.getByRole('spinbutton', { name: /Duration/ });
    await duration.fill('601');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await waitUntil(async () => (await duration.getAttribute('aria-invalid')) === 'true', 'the duration marked invalid');
    expect(await description(duration)).toMatch(/must not be greater than 600/);
    expect((await school.app.http().get(`/api/v1/tasks/${task.id}`).set(advisorAuth)).body.status).toBe('scheduled');

    await duration.fill('12');
    await dialog.getByRole('textbox', { name: 'Note' }).fill('Settled into a routine: 20 minutes after dinner.');
    await dialog.getByRole('combobox', { name: /risk/i }).selectOption('low');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const saved = (await school.app.http().get(`/api/v1/tasks/${task.id}`).set(advisorAuth).expect(200)).body;
    expect(saved).toMatchObject({
      status: 'done',
      result: 'reached',
      durationMinutes: 12,
      riskRead: 'low',
      note: 'Settled into a routine: 20 minutes after dinner.',
    });
  }, 60_000);

  it('"Save and next" logs the call and opens the next one', async () => {
    const page = await advisorPage('en-US', dayFor(2));
    const queue = await apiQueue(dayFor(2));
    const scheduled = queue.tasks;
    expect(scheduled.length).toBeGreaterThanOrEqual(2);
    const [first, second] = scheduled;
    await taskRows(page).filter({ hasText: first.learner.name }).first().getByRole('button', { name: 'Log outcome' }).click();
    const dialog = page.getByRole('dialog');
    await waitForText(dialog, `Call with ${first.learner.name}`);
    await dialog.getByRole('combobox', { name: 'Result' }).selectOption('voicemail');
    await dialog.getByRole('button', { name: 'Save and next' }).click();
    await waitForText(page.getByRole('dialog'), `Call with ${second.learner.name}`);
    const logged = (await school.app.http().get(`/api/v1/tasks/${first.id}`).set(advisorAuth).expect(200)).body;
    expect(logged.result ?? logged.attempts).toBeTruthy();
    expect(logged.attempts).toBeGreaterThanOrEqual(1);
    // the next dialog starts empty
    expect(await page.getByRole('dialog').getByRole('combobox', { name: 'Result' }).inputValue()).toBe('');
  }, 60_000);

  it('reschedules a call with a new time and a reason', async () => {
    const page = await advisorPage('en-US', dayFor(3));
    const queue = await apiQueue(dayFor(3));
    const task = queue.tasks.at(-1);
    await taskRows(page).filter({ hasText: task.learner.name }).last().getByRole('button', { name: 'Reschedule' }).click();
    const dialog = page.getByRole('dialog');
    const next = new Date(new Date(task.dueAt).getTime() + 2 * 86_400_000);
    // datetime-local in the page's time zone (Asia/Shanghai, UTC+8, no DST)
    const local = new Date(next.getTime() + 8 * 3_600_000).toISOString().slice(0, 16);
    await dialog.getByLabel('New time').fill(local);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await waitForText(dialog, 'Say why, for the record');
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('learner travelling, asked for later in the week');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const moved = (await school.app.http().get(`/api/v1/tasks/${task.id}`).set(advisorAuth).expect(200)).body;
    expect(new Date(moved.dueAt).toISOString()).toBe(new Date(`${local}:00+08:00`).toISOString());
  }, 60_000);

  it('shows a case with its evidence in words, the learner card and the timeline, and resolves it (churn reason required)', async () => {
    const page = await advisorPage();
    const caseId = school.demo.showcase.caseId!;
    const detail = (await school.app.http().get(`/api/v1/cases/${caseId}`).set(advisorAuth).expect(200)).body;
    await page.goto(`${school.baseUrl}/console/cases/${caseId}`);
    await waitForText(page.getByRole('heading', { level: 1 }), detail.learnerName);
    const flagged = page.getByRole('region', { name: 'Why this learner was flagged' });
    await waitUntil(async () => (await flagged.getByRole('listitem').count()) === detail.alerts.length, `${detail.alerts.length} alerts`);
    expect(await flagged.textContent()).toMatch(/No login for \d+ days?, since|lessons expected by day|days past due|complaints? in|Weekly study minutes fell/);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await waitUntil(async () => (await timeline.getByRole('listitem').count()) > 0, 'timeline entries');
    const card = page.getByRole('complementary', { name: 'Learner' });
    await waitForText(card, 'Enrolments');
    expect(await card.getByRole('progressbar').count()).toBeGreaterThan(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'case-en');

    await page.getByRole('button', { name: 'Resolve case' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Outcome' }).selectOption('churned');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await waitForText(dialog, 'Choose why the learner left');
    await dialog.getByRole('combobox', { name: 'Churn reason' }).selectOption('life_circumstances');
    await dialog.getByRole('textbox', { name: 'Note' }).fill('New job with night shifts; will come back in spring.');
    await dialog.getByRole('button', { name: 'Resolve' }).click();
    await dialog.waitFor({ state: 'detached' });
    const resolved = (await school.app.http().get(`/api/v1/cases/${caseId}`).set(advisorAuth).expect(200)).body;
    expect(resolved).toMatchObject({ status: 'resolved', outcome: 'churned', churnReason: 'life_circumstances' });
    await waitUntil(async () => (await page.getByRole('button', { name: 'Resolve case' }).count()) === 0, 'the resolve button gone');
  }, 90_000);

  it('switches to Chinese, keeps the choice across a reload, and shows every screen in Chinese', async () => {
    const page = await advisorPage();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await waitForText(page.getByRole('heading', { level: 1 }), '我的队列');
    await page.reload();
    await waitForText(page.getByRole('heading', { level: 1 }), '我的队列');
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    const header = (await queueTable(page).locator('thead').textContent()) ?? '';
    expect(header).toMatch(/时间.*学员.*通话.*阶段.*进度.*预警/);
    expect(header).not.toMatch(/[A-Za-z]/);
    await screenshot(page, 'queue-zh');
    await page.keyboard.press('o');
    await waitForText(page.getByRole('dialog'), '的通话');
    expect(
      await page
        .getByRole('dialog')
        .getByRole('button', { name: /^保存 Save$/ })
        .textContent(),
    ).toBe('保存');
    await screenshot(page, 'outcome-zh');
    await page.keyboard.press('Escape');
    const caseId =
      (await school.app.http().get('/api/v1/cases?status=open&limit=1').set(advisorAuth).expect(200)).body.items[0]?.id ?? school.demo.showcase.caseId;
    await page.goto(`${school.baseUrl}/console/cases/${caseId}`);
    await waitForText(page.getByRole('region', { name: '动态' }), /登录|学习|完成|回访|预警/);
    await waitForText(page.getByRole('complementary', { name: '学员' }), '报名课程');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'case-zh');
  }, 90_000);

  it("tells an advisor who opens another team's case that it is not theirs to see", async () => {
    const me = (await school.app.http().get('/api/v1/me').set(advisorAuth).expect(200)).body;
    const otherTeam = Object.values(school.demo.teams).find((id) => id !== me.teamId)!;
    const other = (await school.app.http().get(`/api/v1/cases?teamId=${otherTeam}&limit=1`).set(adminAuth).expect(200)).body.items[0];
    expect(other).toBeDefined();
    const page = await advisorPage();
    await page.goto(`${school.baseUrl}/console/cases/${other.id}`);
    await waitForText(page.getByRole('alert'), 'This case does not exist, or it is not one you may see');
    expect(await page.getByText(other.learnerName).count()).toBe(0);
  }, 60_000);

  it('sends an expired session to sign-in and back to the page it was on', async () => {
    const page = await advisorPage();
    const name = (await apiQueue()).tasks[0].learner.name;
    await page.goto(`${school.baseUrl}/console/learners`);
    await page.getByRole('table', { name: 'Learners' }).waitFor();
    // The token stops being valid (as after a password change): the next API call answers 401.
    await page.evaluate(`(() => {
      const s = JSON.parse(sessionStorage.getItem('careloop.session'));
      sessionStorage.setItem('careloop.session', JSON.stringify({ ...s, accessToken: 'no-longer-valid' }));
    })()`);
    await page.getByRole('searchbox', { name: 'Search', exact: true }).fill(name);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/console\/sign-in\?/);
    await waitForText(page.getByRole('status'), 'Your session ended');
    await page.getByLabel('Email').fill(advisorEmail);
    await page.getByLabel('Password').fill('careloop-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/console/learners' && url.searchParams.get('q') === name);
    await page.getByRole('table', { name: 'Learners' }).getByRole('link', { name }).first().waitFor();
  }, 60_000);

  it('says in words when careloop cannot be reached, and recovers when it can', async () => {
    const page = await advisorPage();
    let down = true;
    await page.route('**/api/v1/me/queue**', (route) => (down ? route.abort('internetdisconnected') : route.continue()));
    await page.goto(`${school.baseUrl}/console/queue?date=${queueDate}`);
    await waitForText(page.getByRole('alert'), 'careloop cannot be reached', 20_000);
    down = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await queueTable(page).waitFor();
  }, 60_000);

  it('finds a learner by search and opens the same view as a case', async () => {
    const page = await advisorPage();
    const queue = await apiQueue();
    const name = queue.tasks[0].learner.name;
    await page.getByRole('searchbox', { name: 'Search learners' }).fill(name);
    await page.keyboard.press('Enter');
    const results = page.getByRole('table', { name: 'Learners' });
    await results.getByRole('link', { name }).first().waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await results.getByRole('link', { name }).first().click();
    await waitForText(page.getByRole('heading', { level: 1 }), name);
    await page.getByRole('region', { name: 'Calls and tasks' }).waitFor();
  }, 60_000);
});
