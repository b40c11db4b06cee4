import { TestApp } from '../libs/testing/index.js';
import { seedTeamFixture, type TeamFixture } from '../libs/testing/team-fixture.js';

/** Security review (issue 15), object- and function-level access: items 1–6. */
describe('security: object- and function-level access', () => {
  let app: TestApp;
  let f: TeamFixture;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true });
    f = await seedTeamFixture(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('item 6: supervisors manage advisors only, never another supervisor, an admin or themselves', async () => {
    const sup = f.a.supervisor;
    const coSupervisor = await app.staff.create('supervisor', { teamId: f.a.team.id });
    const teamAdmin = await app.staff.create('admin', { teamId: f.a.team.id });
    for (const target of [coSupervisor, teamAdmin, sup]) {
      const res = await app.http().patch(`/api/v1/staff/${target.id}`).set(sup.auth).send({ status: 'inactive', reason: 'takeover' }).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    }
    const [{ n }] = await app.db.query(`select count(*)::int as n from staff where id = any($1) and status = 'inactive'`, [[coSupervisor.id, teamAdmin.id, sup.id]]);
    expect(n).toBe(0);
    // Their own advisors they still manage.
    await app.http().patch(`/api/v1/staff/${f.a.advisors[1].id}`).set(sup.auth).send({ status: 'away', reason: 'holiday' }).expect(200);
    await app.http().patch(`/api/v1/staff/${f.a.advisors[1].id}`).set(sup.auth).send({ status: 'active', reason: 'back' }).expect(200);
    // Admins manage anyone.
    await app.http().patch(`/api/v1/staff/${coSupervisor.id}`).set(f.admin.auth).send({ status: 'away' }).expect(200);
  });
});
