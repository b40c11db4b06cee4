import { randomUUID } from 'node:crypto';
import { TestApp, type TestStaff } from '../libs/testing/index.js';

/** Mainland China's business week: 09:00–18:00 Monday to Friday (make-up working days use Monday's hours). */
const DAY = [['09:00', '18:00']];
const WEEK = { mon: DAY, tue: DAY, wed: DAY, thu: DAY, fri: DAY };
/** Wall-clock time in Shanghai (UTC+8, no DST) as an ISO instant. */
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

/**
 * Calendars made from the official public holidays of mainland China (`preset: "cn"`), and SLA deadlines computed
 * on them through the API: across the 2026 National Day week, and onto a make-up working Sunday.
 */
describe('calendar presets: official public holidays of mainland China', () => {
  let app: TestApp;
  let admin: TestStaff;
  let calendarId: string;

  const learner = async () => {
    const ext = `L-${randomUUID().slice(0, 8)}`;
    const [l] = await app.db.query(`insert into learners (external_id, name) values ($1, $2) returning id`, [ext, `Learner ${ext}`]);
    return l.id as string;
  };
  const ticketAt = async (local: string) => {
    app.setNow(sh(local));
    const res = await app
      .http()
      .post('/api/v1/tickets')
      .set(admin.auth)
      .send({ learnerId: await learner(), category: 'account', subject: 'Cannot sign in', body: 'The password reset mail never arrives.' });
    expect(res.status).toBe(201);
    return res.body as { firstResponseDueAt: string; resolutionDueAt: string; slaPolicyId: string };
  };

  beforeAll(async () => {
    app = await TestApp.start({ ownDatabase: true });
    admin = await app.staff.create('admin');
    await app.staff.teamWithPeople(1);
  });
  afterAll(async () => {
    app?.setNow(undefined);
    await app?.close();
  });

  it('loads 2026 into a new calendar: the National Day week off, the make-up Sunday and Saturday worked, the admin\u2019s own days kept', async () => {
    const res = await app
      .http()
      .post('/api/v1/calendars')
      .set(admin.auth)
      .send({ name: 'Beijing support', timezone: 'Asia/Shanghai', hours: WEEK, preset: 'cn', years: [2026], holidays: ['2026-12-24'] });
    expect(res.status).toBe(201);
    calendarId = res.body.id;
    for (let d = 1; d <= 7; d++) expect(res.body.holidays).toContain(`2026-10-0${d}`);
    expect(res.body.holidays).toEqual(expect.arrayContaining(['2026-01-01', '2026-02-17', '2026-09-25', '2026-12-24']));
    expect(res.body.holidays).not.toContain('2026-10-08');
    expect(res.body.workdays).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10', '2026-02-14', '2026-02-28']));
    // Loading the same year again changes nothing.
    const again = await app
      .http()
      .patch(`/api/v1/calendars/${calendarId}`)
      .set(admin.auth)
      .send({ preset: 'cn', years: [2026] });
    expect(again.status).toBe(200);
    expect(again.body.holidays).toEqual(res.body.holidays);
    expect(again.body.workdays).toEqual(res.body.workdays);
    // An earlier year can be added to the same calendar.
    const with2025 = await app
      .http()
      .patch(`/api/v1/calendars/${calendarId}`)
      .set(admin.auth)
      .send({ preset: 'cn', years: [2025] });
    expect(with2025.body.holidays).toEqual(expect.arrayContaining(['2025-10-08', '2026-10-07']));
    expect(with2025.body.workdays).toEqual(expect.arrayContaining(['2025-09-28', '2026-09-20']));
  });

  it('refuses a year the data does not hold (2027 is not published yet) by name, and a preset without years', async () => {
    const r2027 = await app
      .http()
      .post('/api/v1/calendars')
      .set(admin.auth)
      .send({ name: 'Next year', hours: WEEK, preset: 'cn', years: [2026, 2027] });
    expect(r2027.status).toBe(400);
    expect(r2027.body.details).toEqual([expect.objectContaining({ field: 'years', message: expect.stringContaining('2027') })]);
    expect(r2027.body.details[0].message).toContain('by hand');
    const noYears = await app.http().post('/api/v1/calendars').set(admin.auth).send({ name: 'No years', hours: WEEK, preset: 'cn' });
    expect(noYears.body.details).toEqual([expect.objectContaining({ field: 'years' })]);
    const badPreset = await app
      .http()
      .post('/api/v1/calendars')
      .set(admin.auth)
      .send({ name: 'Mars', hours: WEEK, preset: 'mars', years: [2026] });
    expect(badPreset.body.details).toEqual([expect.objectContaining({ field: 'preset' })]);
    const yearsAlone = await app
      .http()
      .post('/api/v1/calendars')
      .set(admin.auth)
      .send({ name: 'Years alone', hours: WEEK, years: [2026] });
    expect(yearsAlone.body.details).toEqual([expect.objectContaining({ field: 'years' })]);
    // Nothing was created by the refusals.
    const names = (await app.http().get('/api/v1/calendars').set(admin.auth).expect(200)).body.map((c: { name: string }) => c.name);
    expect(names).not.toEqual(expect.arrayContaining(['Next year']));
  });

  it('SLA deadlines on the preset calendar skip the National Day week and land on a make-up working Sunday', async () => {
    const policy = await app
      .http()
      .post('/api/v1/sla-policies')
      .set(admin.auth)
      .send({ name: 'Account (China hours)', position: 1, match: { category: 'account' }, calendarId, firstResponseMinutes: 120, resolutionMinutes: 540 });
    expect(policy.status).toBe(201);
    // Wednesday 30 September 17:00: one business hour left that day, then 1–7 October off, Thursday 8 October 10:00.
    const beforeHoliday = await ticketAt('2026-09-30T17:00:00');
    expect(beforeHoliday.slaPolicyId).toBe(policy.body.id);
    expect(beforeHoliday.firstResponseDueAt).toBe(sh('2026-10-08T10:00:00'));
    // Resolution, 9 business hours: 1 h on the 30th, 8 h on the 8th (09:00–17:00).
    expect(beforeHoliday.resolutionDueAt).toBe(sh('2026-10-08T17:00:00'));
    // Friday 18 September 17:00: Saturday is off, Sunday 20 September is a make-up working day: due Sunday 10:00.
    const beforeMakeUp = await ticketAt('2026-09-18T17:00:00');
    expect(beforeMakeUp.firstResponseDueAt).toBe(sh('2026-09-20T10:00:00'));
    // Friday 9 October 17:00: Saturday 10 October is worked too: due Saturday 10:00.
    const beforeSaturday = await ticketAt('2026-10-09T17:00:00');
    expect(beforeSaturday.firstResponseDueAt).toBe(sh('2026-10-10T10:00:00'));
  });
});
