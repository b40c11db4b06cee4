import type { BrowserContext, Page } from 'playwright-core';
import { ADMIN, screenshot, seriousA11yViolations, signIn, startConsoleSchool, waitForText, type ConsoleSchool } from './console-school.js';

/**
 * The admin's settings in Chromium against the real app. People: a split shift saved and shown again. Calendars: a calendar made with the official public holidays of
 * mainland China shows the 2026 National Day week as holidays and the make-up days as working days; a year the data
 * does not hold is refused at the Years field in words; a single day can be added by hand.
 */
describe('console: admin settings (Chromium)', () => {
  let school: ConsoleSchool;
  const contexts: BrowserContext[] = [];
  const adminPage = async (path: string, locale?: string): Promise<Page> => {
    const context = await school.chromium.newContext(locale ? { locale } : {});
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, school.baseUrl, ADMIN.email, ADMIN.password, path);
    await page.getByRole('main').waitFor();
    return page;
  };
  const day = (page: Page, date: string) => page.locator(`td[data-date="${date}"]`);

  beforeAll(async () => {
    school = await startConsoleSchool();
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await school?.close();
  });

  it('creates a calendar with the China preset and shows the 2026 National Day week as holidays, the make-up days as working days', async () => {
    const page = await adminPage('/console/');
    await page.getByRole('navigation').getByRole('link', { name: 'Calendars' }).click();
    await page.getByRole('heading', { level: 1, name: 'Calendars' }).waitFor();
    // The SLA policies, in the order they are tried, as the API has them (the demo school loads two).
    const policies = page.getByRole('table', { name: 'SLA policies' });
    await policies.waitFor();
    const login0 = await school.app.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    const apiPolicies = (
      await school.app
        .http()
        .get('/api/v1/sla-policies')
        .set({ Authorization: `Bearer ${login0.body.accessToken}` })
        .expect(200)
    ).body as Array<{ name: string; position: number }>;
    expect(apiPolicies.length).toBeGreaterThan(0);
    const shown = await policies.locator('tbody tr td:nth-child(2)').allTextContents();
    expect(shown).toEqual([...apiPolicies].sort((a, b) => a.position - b.position).map((p) => p.name));
    const form = page.getByRole('form', { name: 'New calendar' });
    await form.getByRole('textbox', { name: 'Name' }).fill('China support hours');
    await form.getByRole('textbox', { name: 'Years' }).fill('2026');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Create calendar' }).click();
    await page.waitForURL(/\/console\/admin\/calendars\/[0-9a-f-]{36}/);
    await page.goto(`${page.url().split('?')[0]}?month=2026-10`);
    const grid = page.getByRole('table', { name: 'October 2026' });
    await grid.waitFor();
    for (let d = 1; d <= 7; d++) await waitForText(day(page, `2026-10-0${d}`), 'Holiday');
    await waitForText(day(page, '2026-10-08'), 'Working day');
    await waitForText(day(page, '2026-10-10'), 'Make-up working day'); // a Saturday worked
    await waitForText(day(page, '2026-10-11'), 'Day off');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'calendar-en');
    // The month before: Mid-Autumn off, Sunday 20 September worked.
    await page.getByRole('button', { name: 'Previous month' }).click();
    await page.getByRole('table', { name: 'September 2026' }).waitFor();
    await waitForText(day(page, '2026-09-20'), 'Make-up working day');
    await waitForText(day(page, '2026-09-25'), 'Holiday');
    expect(new URL(page.url()).searchParams.get('month')).toBe('2026-09');
    // What the page shows is what the API holds.
    const id = page.url().split('/').pop()!.split('?')[0];
    const login = await school.app.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    const cal = (
      await school.app
        .http()
        .get(`/api/v1/calendars/${id}`)
        .set({ Authorization: `Bearer ${login.body.accessToken}` })
        .expect(200)
    ).body;
    expect(cal.holidays).toEqual(expect.arrayContaining(['2026-10-01', '2026-10-07', '2026-09-25']));
    expect(cal.workdays).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10']));
  }, 120_000);

  it('says at the Years field that 2027 is not published yet, and lets the admin add a day by hand', async () => {
    const page = await adminPage('/console/admin/calendars');
    await page.getByRole('table', { name: 'Calendars' }).getByRole('link', { name: 'China support hours' }).click();
    await page.waitForURL(/\/console\/admin\/calendars\/[0-9a-f-]{36}/);
    const preset = page.getByRole('form', { name: 'Official public holidays of mainland China' });
    await preset.getByRole('textbox', { name: 'Years' }).fill('2027');
    await preset.getByRole('button', { name: 'Load holidays' }).click();
    await waitForText(preset, "2027: not published in careloop's holiday data yet");
    await expectInvalid(preset.getByRole('textbox', { name: 'Years' }));
    // By hand: 1 January 2027 off.
    await page.goto(`${page.url().split('?')[0]}?month=2027-01`);
    await page.getByRole('table', { name: 'January 2027' }).waitFor();
    await waitForText(day(page, '2027-01-01'), 'Working day');
    const add = page.getByRole('form', { name: 'A single day' });
    await add.getByLabel('Date').fill('2027-01-01');
    await add.getByRole('combobox', { name: 'Kind of day' }).selectOption('holiday');
    await add.getByRole('button', { name: 'Save day' }).click();
    await waitForText(day(page, '2027-01-01'), 'Holiday');
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 120_000);

  it("saves an advisor's split shift and shows it again; a line that is not hours is refused before sending", async () => {
    const page = await adminPage('/console/');
    await page.getByRole('navigation').getByRole('link', { name: 'People' }).click();
    const people = page.getByRole('table', { name: 'People' });
    await people.waitFor();
    await page.getByRole('table', { name: 'Teams' }).waitFor();
    const row = people.locator('tbody tr').filter({ hasText: 'Advisor' }).first();
    const name = (await row.getByRole('link').first().textContent())!;
    await row.getByRole('link').first().click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const form = page.getByRole('form', { name: 'Edit person' });
    const monday = form.getByRole('textbox', { name: 'Hours on Monday' });
    await monday.fill('9 to 5');
    await form.getByRole('button', { name: 'Save' }).click();
    await waitForText(form, 'Write the hours as 09:00-12:00, 13:30-17:30.');
    await monday.fill('09:00-12:00, 14:00-18:00');
    await form.getByRole('textbox', { name: 'Reason' }).fill('split shift from Monday');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Save' }).click();
    await waitForText(form.getByRole('status'), 'Saved.');
    await page.reload();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    await page.waitForFunction(`document.querySelector('input[aria-label="Hours on Monday"]')?.value === '09:00-12:00, 14:00-18:00'`);
    const id = page.url().split('/').pop()!;
    const login = await school.app.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    const staff = (
      await school.app
        .http()
        .get(`/api/v1/staff/${id}`)
        .set({ Authorization: `Bearer ${login.body.accessToken}` })
        .expect(200)
    ).body;
    expect(staff.workingHours.mon).toEqual([
      ['09:00', '12:00'],
      ['14:00', '18:00'],
    ]);
    const audit = (
      await school.app
        .http()
        .get(`/api/v1/audit?entity=staff&entityId=${id}`)
        .set({ Authorization: `Bearer ${login.body.accessToken}` })
        .expect(200)
    ).body.items as Array<{ reason: string | null }>;
    expect(audit.some((a) => a.reason === 'split shift from Monday')).toBe(true);
    await screenshot(page, 'person-en');
  }, 120_000);

  it('shows a new API key once, with a copy button, and never again; the key works', async () => {
    const page = await adminPage('/console/');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: school.baseUrl });
    await page.getByRole('navigation').getByRole('link', { name: 'API keys' }).click();
    const form = page.getByRole('form', { name: 'New API key' });
    await form.getByRole('textbox', { name: 'Name' }).fill('LMS nightly sync');
    await form.getByRole('button', { name: 'Create key' }).click();
    const once = page.getByRole('status', { name: 'New key' });
    await waitForText(once, 'Copy this key now.');
    const key = (await once.locator('code').textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    await once.getByRole('button', { name: 'Copy key' }).click();
    await waitForText(once, 'Copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    expect(await seriousA11yViolations(page)).toEqual([]);
    // The key works for what it was made for.
    await school.app
      .http()
      .put('/api/v1/sync/courses')
      .set({ Authorization: `Bearer ${key}` })
      .send({ items: [] })
      .expect(200);
    // Once dismissed, and after a reload, only its prefix is shown.
    await once.getByRole('button', { name: /I have stored it/ }).click();
    await page.reload();
    const table = page.getByRole('table', { name: 'API keys' });
    await waitForText(table, 'LMS nightly sync');
    expect(await page.content()).not.toContain(key);
  }, 120_000);

  it('adds a webhook, shows its delivery log as the API has it (status, attempts, last answer or error), and redelivers a failed event', async () => {
    const login = await school.app.http().post('/api/v1/auth/login').send(ADMIN).expect(200);
    const auth = { Authorization: `Bearer ${login.body.accessToken}` };
    const page = await adminPage('/console/');
    await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    const form = page.getByRole('form', { name: 'New webhook' });
    // Checked before sending: every missing field said at its field.
    await form.getByRole('button', { name: 'Create webhook' }).click();
    await waitForText(form, 'Choose at least one event.');
    await waitForText(form, 'At least 16 characters.');
    await form.getByRole('textbox', { name: 'Receiver URL' }).fill('ftp://hooks.example/careloop');
    await form.getByRole('checkbox', { name: 'case.escalated' }).check();
    await form.getByLabel('Signing secret').fill('console-test-webhook-secret');
    await form.getByRole('button', { name: 'Create webhook' }).click();
    await waitForText(form, 'must be an http:// or https:// URL'); // the API's words, at the URL field
    await form.getByRole('textbox', { name: 'Receiver URL' }).fill('https://hooks.example/careloop');
    await form.getByRole('button', { name: 'Create webhook' }).click();
    const hooks = page.getByRole('table', { name: 'Webhooks' });
    await waitForText(hooks, 'https://hooks.example/careloop');
    const listed = (await school.app.http().get('/api/v1/webhooks').set(auth).expect(200)).body as Array<{
      id: string;
      url: string;
      events: string[];
      secretHint: string;
    }>;
    const hook = listed.find((w) => w.url === 'https://hooks.example/careloop')!;
    expect(hook).toMatchObject({ events: ['case.escalated'], secretHint: '…cret' });

    // Two deliveries as the worker leaves them: one answered 200 at once, one that failed three times.
    const [ok, bad] = await school.app.db.query(
      `insert into webhook_deliveries (webhook_id, outbox_id, event_type, occurred_at, payload) values ($1, 910000001, 'case.escalated', now(), '{}'), ($1, 910000002, 'case.escalated', now(), '{}') returning id`,
      [hook.id],
    );
    await school.app.db.query(`update webhook_deliveries set status = 'delivered', attempts = 1, last_status_code = 200, delivered_at = now() where id = $1`, [
      ok.id,
    ]);
    await school.app.db.query(
      `update webhook_deliveries set status = 'failed', attempts = 3, last_status_code = null, last_error = 'connection refused' where id = $1`,
      [bad.id],
    );
    const api = (await school.app.http().get(`/api/v1/webhooks/${hook.id}/deliveries`).set(auth).expect(200)).body.items as Array<{
      id: string;
      status: string;
      attempts: number;
    }>;
    expect(api.map((d) => d.status).sort()).toEqual(['delivered', 'failed']);

    await page.reload();
    const log = page.getByRole('table', { name: 'Delivery log' });
    await log.waitFor();
    expect(await log.locator('tbody tr').count()).toBe(api.length);
    const okRow = log.locator(`tr[data-delivery="${ok.id}"]`);
    const badRow = log.locator(`tr[data-delivery="${bad.id}"]`);
    await waitForText(okRow, 'Delivered');
    await waitForText(okRow, 'HTTP 200');
    await waitForText(badRow, 'Failed');
    await waitForText(badRow, 'connection refused');
    expect((await badRow.locator('td').nth(2).textContent())?.trim()).toBe('3');
    // Only a failed or skipped delivery can be sent again.
    expect(await okRow.getByRole('button', { name: /Redeliver/ }).count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await badRow.getByRole('button', { name: 'Redeliver case.escalated #910000002' }).click();
    await waitForText(page.getByRole('status').filter({ hasText: 'Sent again' }), 'new attempts are on their way');
    const after = (await school.app.http().get(`/api/v1/webhooks/${hook.id}/deliveries`).set(auth).expect(200)).body.items.find(
      (d: { id: string }) => d.id === bad.id,
    );
    expect(after.status === 'pending' || after.attempts > 3).toBe(true);
    const audit = (await school.app.http().get(`/api/v1/audit?entity=webhook&entityId=${hook.id}`).set(auth).expect(200)).body.items as Array<{
      action: string;
    }>;
    expect(audit.map((a) => a.action)).toContain('webhook.delivery_redelivered');
    await screenshot(page, 'webhooks-en');
  }, 120_000);

  it('reads in Chinese (screenshot)', async () => {
    const page = await adminPage('/console/admin/calendars');
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await page.getByRole('table', { name: 'Calendars' }).getByRole('link', { name: 'China support hours' }).click();
    await page.waitForURL(/\/console\/admin\/calendars\/[0-9a-f-]{36}/);
    await page.goto(`${page.url().split('?')[0]}?month=2026-10`);
    await waitForText(day(page, '2026-10-01'), '节假日');
    await waitForText(day(page, '2026-10-10'), '调休上班');
    await waitForText(page.getByRole('main'), '中国大陆法定节假日');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'calendar-zh');
  }, 120_000);
});

async function expectInvalid(locator: import('playwright-core').Locator): Promise<void> {
  expect(await locator.getAttribute('aria-invalid')).toBe('true');
}
