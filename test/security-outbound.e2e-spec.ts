import { parseCsv } from '../libs/analytics/csv.js';
import { TestApp, type TestStaff } from '../libs/testing/index.js';

/** Security review (issue 15), outbound calls and exports: items 12–14. */
describe('security: outbound and exports', () => {
  let app: TestApp;
  let admin: TestStaff;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true });
    admin = await app.staff.create('admin');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('item 13: CSV exports neutralise cells a spreadsheet would run as a formula', async () => {
    const team = await app.staff.team();
    const names = ['=HYPERLINK("https://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tTab first', '\rCR first', 'Plain name'];
    for (const name of names) await app.staff.create('advisor', { teamId: team.id, name });
    const res = await app.http().get('/api/v1/analytics/advisors').query({ teamId: team.id }).set(admin.auth).set('Accept', 'text/csv').expect(200);
    const got = parseCsv(res.text).map((r) => r.name).sort();
    expect(got).toEqual(["'=HYPERLINK(\"https://evil.example\",\"x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tTab first", "'\rCR first", 'Plain name'].sort());
    // Numbers stay numbers: a negative figure is not a formula.
    for (const line of res.text.split('\r\n').slice(1).filter(Boolean)) expect(line).not.toMatch(/(^|,)[=+@]/);
  });

  it('item 14: the audit log refuses TRUNCATE as it refuses UPDATE and DELETE', async () => {
    await app.http().post('/api/v1/teams').set(admin.auth).send({ name: 'audited team' }).expect(201);
    await expect(app.db.query('truncate audit_log')).rejects.toThrow(/append-only/);
    await expect(app.db.query('delete from audit_log')).rejects.toThrow(/append-only/);
    const [{ n }] = await app.db.query('select count(*)::int as n from audit_log');
    expect(n).toBeGreaterThan(0);
  });
});
