import type { BrowserContext, Page } from 'playwright-core';
import { ADMIN, screenshot, seriousA11yViolations, signIn, startConsoleSchool, waitForText, waitUntil, type ConsoleSchool } from './console-school.js';

const SUPERVISOR = 'mei.chen@demo-school.example';

/**
 * The supervisor's side of the console, in Chromium against the real app with the demo school: bulk reassignment
 * of cases (and another team's supervisor refused), the ticket desk with SLA clocks that move with time, replies
 * against internal notes, and a knowledge-base answer inserted into a reply.
 */
describe('console: supervisor and support desk (Chromium)', () => {
  let school: ConsoleSchool;
  let supAuth: { Authorization: string };
  let adminAuth: { Authorization: string };
  const contexts: BrowserContext[] = [];
  const http = () => school.app.http();
  const login = async (email: string, password = 'careloop-demo') => {
    const res = await http().post('/api/v1/auth/login').send({ email, password }).expect(200);
    return { Authorization: `Bearer ${res.body.accessToken}` };
  };
  const pageAs = async (email: string, path: string, password?: string): Promise<Page> => {
    const context = await school.chromium.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, school.baseUrl, email, password, path);
    await page.getByRole('main').waitFor();
    return page;
  };

  beforeAll(async () => {
    school = await startConsoleSchool();
    supAuth = await login(SUPERVISOR);
    adminAuth = await login(ADMIN.email, ADMIN.password);
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    app().setNow(undefined);
    await school?.close();
  });
  const app = () => school.app;

  it("moves three cases at once with a reason, shows the result per case, and the advisors' work changes", async () => {
    const north = school.demo.teams.north;
    const advisors = (await http().get(`/api/v1/staff?teamId=${north}&role=advisor`).set(supAuth).expect(200)).body.items as Array<{
      id: string;
      name: string;
    }>;
    const target = advisors[advisors.length - 1];
    const page = await pageAs(SUPERVISOR, `/console/board/cases?teamId=${north}&priority=high`);
    const table = page.getByRole('table', { name: 'Cases' });
    await table.waitFor();
    // The filter is in the URL, so the view can be bookmarked.
    expect(new URL(page.url()).searchParams.get('priority')).toBe('high');
    const rows = table.locator('tbody').getByRole('row');
    // Three cases not already with the target: click the first, shift-click the third.
    const candidates: number[] = [];
    for (let i = 0; candidates.length < 3 && i < (await rows.count()); i++)
      if (!((await rows.nth(i).textContent()) ?? '').includes(target.name)) candidates.push(i);
    expect(candidates).toHaveLength(3);
    const names: string[] = [];
    for (const i of candidates) names.push((await rows.nth(i).getByRole('link').first().textContent())!);
    for (const i of candidates) await rows.nth(i).getByRole('checkbox').check();
    await waitForText(page.getByRole('region', { name: 'Bulk actions' }), '3 selected');
    await page.getByRole('button', { name: 'Reassign' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Advisor' }).selectOption(target.id);
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('balancing the team before the holiday');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'bulk-dialog-en');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    const results = dialog.getByRole('list', { name: 'Results' });
    await results.waitFor();
    for (const n of names) await waitForText(results, n);
    expect(await results.textContent()).toMatch(new RegExp(`moved from .+ to ${target.name}`));
    const theirs = (await http().get(`/api/v1/cases?advisorId=${target.id}&limit=500`).set(supAuth).expect(200)).body.items.map(
      (c: { learnerName: string }) => c.learnerName,
    );
    for (const n of names) expect(theirs).toContain(n);
    const audit = (await http().get('/api/v1/audit?entity=case&limit=50').set(adminAuth).expect(200)).body.items as Array<{ reason: string | null }>;
    expect(audit.some((a) => (a.reason ?? '').includes('balancing the team before the holiday'))).toBe(true);
  }, 120_000);

  it('shows the team board and moves all open work of an advisor who is away', async () => {
    const north = school.demo.teams.north;
    const board = (await http().get(`/api/v1/teams/${north}/board`).set(supAuth).expect(200)).body;
    const away = [...board.advisors].sort((a: { openCases: number }, b: { openCases: number }) => b.openCases - a.openCases)[0];
    expect(away.openCases).toBeGreaterThan(0);
    await http().patch(`/api/v1/staff/${away.id}`).set(supAuth).send({ status: 'away', reason: 'sick leave' }).expect(200);
    const page = await pageAs(SUPERVISOR, '/console/');
    await page.waitForURL(/\/console\/board\?team=/);
    const advisors = page.getByRole('table', { name: 'Advisors' });
    await waitForText(advisors, away.name);
    await page.getByRole('region', { name: 'Unassigned' }).waitFor();
    const row = advisors.getByRole('row').filter({ hasText: away.name });
    await waitForText(row, 'away');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'board-en');
    await row.getByRole('button', { name: 'Move all open work' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('on sick leave this week');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await waitForText(dialog.getByRole('status'), /\d+ moved/);
    await waitUntil(
      async () => (await http().get(`/api/v1/cases?advisorId=${away.id}&open=true&limit=5`).set(supAuth).expect(200)).body.items.length === 0,
      'no open case left with the away advisor',
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
    await waitForText(advisors.getByRole('row').filter({ hasText: away.name }), /0 of \d+/);
  }, 90_000);

  it('moves selected calls to another advisor from the Calls view (the receiver is required), and the list refreshes without them', async () => {
    const north = school.demo.teams.north;
    const staff = (await http().get(`/api/v1/staff?teamId=${north}&role=advisor`).set(supAuth).expect(200)).body.items as Array<{
      id: string;
      name: string;
      status: string;
    }>;
    const scheduled = (await http().get(`/api/v1/tasks?teamId=${north}&status=scheduled&limit=500`).set(supAuth).expect(200)).body.items as Array<{
      id: string;
      assigneeId: string;
      learnerName: string;
    }>;
    const counts = new Map<string, number>();
    for (const x of scheduled) counts.set(x.assigneeId, (counts.get(x.assigneeId) ?? 0) + 1);
    const source = staff.filter((a) => (counts.get(a.id) ?? 0) >= 2).sort((a, b) => counts.get(b.id)! - counts.get(a.id)!)[0];
    const target = staff.find((a) => a.status === 'active' && a.id !== source.id)!;
    const page = await pageAs(SUPERVISOR, `/console/board/tasks?teamId=${north}&assigneeId=${source.id}`);
    const table = page.getByRole('table', { name: 'Calls' });
    await table.waitFor();
    expect(new URL(page.url()).searchParams.get('assigneeId')).toBe(source.id);
    const rows = table.locator('tbody').getByRole('row');
    // Keyboard: j moves down, x selects; then a click on the next row's checkbox.
    await rows.first().focus();
    await page.keyboard.press('x');
    await rows.nth(1).getByRole('checkbox').check();
    await waitForText(page.getByRole('region', { name: 'Bulk actions' }), '2 selected');
    const names = [(await rows.nth(0).getByRole('link').first().textContent())!, (await rows.nth(1).getByRole('link').first().textContent())!];
    await page.getByRole('button', { name: 'Reassign' }).click();
    const dialog = page.getByRole('dialog');
    // No receiver chosen: the dialog says so at the field and nothing is sent.
    await dialog.getByRole('textbox', { name: 'Reason' }).fill('covering while they train new staff');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await waitForText(dialog, 'Choose who takes the calls.');
    await dialog.getByRole('combobox', { name: 'Advisor' }).selectOption(target.id);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await waitForText(dialog.getByRole('status'), '2 calls moved.');
    const results = dialog.getByRole('list', { name: 'Results' });
    for (const n of names) await waitForText(results, n);
    expect(await results.textContent()).toContain(`moved from ${source.name} to ${target.name}`);
    const after = (await http().get(`/api/v1/tasks?assigneeId=${target.id}&status=scheduled&limit=500`).set(supAuth).expect(200)).body.items.map(
      (x: { learnerName: string }) => x.learnerName,
    );
    for (const n of names) expect(after).toContain(n);
    await dialog.getByRole('button', { name: 'Close' }).click();
    // The list refreshes without the moved calls.
    await waitUntil(async () => (await rows.count()) === counts.get(source.id)! - 2, 'the moved calls left the list');
  }, 90_000);

  it("tells another team's supervisor that the team is not theirs, and shows none of its cases", async () => {
    const team = (await http().post('/api/v1/teams').set(adminAuth).send({ name: 'Evening desk' }).expect(201)).body;
    await http()
      .post('/api/v1/staff')
      .set(adminAuth)
      .send({ email: 'night.sup@demo-school.example', name: 'Night Supervisor', password: 'night supervisor pw', role: 'supervisor', teamId: team.id })
      .expect(201);
    const page = await pageAs('night.sup@demo-school.example', `/console/board/cases?teamId=${school.demo.teams.north}`, 'night supervisor pw');
    await waitForText(page.getByRole('alert'), 'This team is not one of yours');
    await waitForText(page.getByRole('main'), 'No open cases match these filters.');
  }, 60_000);

  it('sorts tickets by the next deadline and turns the SLA clocks to warning and breached as time passes', async () => {
    const page = await pageAs(SUPERVISOR, '/console/tickets');
    const table = page.getByRole('table', { name: 'Tickets' });
    await table.waitFor();
    const first = (await http().get('/api/v1/tickets?limit=200').set(supAuth).expect(200)).body.items.sort(
      (a: { firstResponseDueAt: string; createdAt: string }, b: { firstResponseDueAt: string; createdAt: string }) =>
        a.firstResponseDueAt.localeCompare(b.firstResponseDueAt) || a.createdAt.localeCompare(b.createdAt),
    )[0];
    await waitForText(table.locator('tbody').getByRole('row').first(), first.subject);
    expect(await table.locator('tbody').getByRole('row').first().textContent()).toMatch(/First response: \d+ (minutes?|hours?|days?) left/);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'tickets-en');

    // Past 80% of the first-response target (in business time, as the API's clock sees it): warning; past the
    // target: breached. The server's clock moves; the page shows the state the API reports, in words.
    const created = new Date(first.createdAt).getTime();
    const due = new Date(first.firstResponseDueAt).getTime();
    for (const [at, pattern] of [
      [due - 60_000, /First response: warning/],
      [due + 30 * 60_000, /First response: breached/],
    ] as const) {
      expect(at).toBeGreaterThan(created);
      app().setNow(new Date(at));
      await page.reload();
      await waitForText(page.getByRole('table', { name: 'Tickets' }).locator('tbody').getByRole('row').filter({ hasText: first.subject }), pattern);
    }
    app().setNow(undefined);
  }, 90_000);

  it('an internal note leaves the first-response clock running; a reply stops it', async () => {
    const tickets = (await http().get('/api/v1/tickets?limit=200').set(supAuth).expect(200)).body.items as Array<{
      id: string;
      subject: string;
      firstRespondedAt: string | null;
    }>;
    const ticket = tickets.find((t) => !t.firstRespondedAt && t.subject.includes('Assignment 3'))!;
    const page = await pageAs(SUPERVISOR, `/console/tickets/${ticket.id}`);
    await waitForText(page.getByRole('heading', { level: 1 }), ticket.subject);
    await page.getByRole('radio', { name: 'Internal note' }).check();
    await page.getByRole('textbox', { name: 'Message' }).fill('Checked with the teacher: late hand-in is fine this once.');
    await page.getByRole('button', { name: 'Send' }).click();
    await waitForText(page.getByRole('region', { name: 'Conversation' }), 'Checked with the teacher');
    expect((await http().get(`/api/v1/tickets/${ticket.id}`).set(supAuth).expect(200)).body.firstRespondedAt).toBeNull();
    await waitForText(page.getByText(/First response: /).first(), /left|warning/);

    await page.getByRole('radio', { name: 'Reply' }).check();
    await page.getByRole('textbox', { name: 'Message' }).fill('Yes, you can still hand in assignment 3 this week.');
    await page.getByRole('button', { name: 'Send' }).click();
    await waitForText(page.getByText(/First response: /).first(), /met/);
    const after = (await http().get(`/api/v1/tickets/${ticket.id}`).set(supAuth).expect(200)).body;
    expect(after.firstRespondedAt).not.toBeNull();
    expect(after.messages.map((m: { internal: boolean }) => m.internal)).toEqual([true, false]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'ticket-en');
  }, 60_000);

  it('inserts a suggested knowledge-base answer into the reply', async () => {
    const tickets = (await http().get('/api/v1/tickets?limit=200').set(supAuth).expect(200)).body.items as Array<{ id: string; subject: string }>;
    const ticket = tickets.find((t) => t.subject === '忘记密码了')!;
    const page = await pageAs(SUPERVISOR, `/console/tickets/${ticket.id}`);
    const kb = page.getByRole('region', { name: 'Suggested answers' });
    await kb.getByRole('button', { name: /Insert .*Resetting your password/ }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await waitUntil(async () => (await box.inputValue()).includes('忘记密码'), 'the article in the reply');
    await page.getByRole('button', { name: 'Send' }).click();
    // The reply is sent (the box empties) and shows in the conversation.
    await waitUntil(async () => (await box.inputValue()) === '', 'the reply box emptied after sending');
    await waitForText(page.getByRole('region', { name: 'Conversation' }).getByRole('list').first(), 'Forgot password');
    const detail = (await http().get(`/api/v1/tickets/${ticket.id}`).set(supAuth).expect(200)).body;
    expect(detail.messages.at(-1)).toMatchObject({ internal: false });
    expect(detail.messages.at(-1).kbArticleId).toBeTruthy();
  }, 60_000);

  it('reads in Chinese: the board, the bulk views and the ticket desk (screenshots)', async () => {
    const north = school.demo.teams.north;
    const page = await pageAs(SUPERVISOR, `/console/board?team=${north}`);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await waitForText(page.getByRole('main'), '团队看板');
    expect(await page.evaluate('document.documentElement.lang')).toBe('zh-CN');
    // Accessible names stay findable in English for tests and assistive-technology scripts.
    await page.getByRole('region', { name: 'Unassigned' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'board-zh');
    await page.goto(`${school.baseUrl}/console/board/tasks?teamId=${north}`);
    await page.getByRole('table', { name: 'Calls' }).waitFor();
    await waitForText(page.getByRole('main'), '我的团队的通话');
    await page.getByRole('table', { name: 'Calls' }).locator('tbody').getByRole('row').first().getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Reassign' }).click();
    await waitForText(page.getByRole('dialog'), '改派 1 个通话');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'bulk-dialog-zh');
    await page.getByRole('dialog').getByRole('button', { name: /取消/ }).click();
    await page.goto(`${school.baseUrl}/console/tickets`);
    const tickets = page.getByRole('table', { name: 'Tickets' });
    await tickets.waitFor();
    await waitForText(page.getByRole('main'), '工单');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'tickets-zh');
    await tickets.locator('tbody').getByRole('row').first().getByRole('link').first().click();
    await page.getByRole('radio', { name: 'Internal note' }).waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'ticket-zh');
  }, 90_000);
});
