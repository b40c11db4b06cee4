import { eventually, TestApp } from '../libs/testing/index.js';
import { DateTime } from 'luxon';
import { CaseSeed } from './cases.seed.js';

/** GET /cases filters the supervisor's board and bulk work use: open, ruleKey, stage and due, as query params. */
describe('cases: list filters for bulk work', () => {
  let app: TestApp;
  let seed: CaseSeed;
  beforeAll(async () => {
    app = await TestApp.start();
    seed = new CaseSeed(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('filters by rule, lifecycle stage, due and open, and names a bad value', async () => {
    const { team, supervisor } = await app.staff.teamWithPeople(2);
    const ruleA = await seed.rule({ dueWithinHours: 2 });
    const ruleB = await seed.rule({ dueWithinHours: 2 });
    const course = await seed.course(team.id);
    const fresh = await seed.learner(course, { enrolledDaysAgo: 2 });
    const midway = await seed.learner(course, { enrolledDaysAgo: 40 });
    const other = await seed.learner(course, { enrolledDaysAgo: 40 });
    // Logged in yesterday (as the sync's rollups record it), so mid-course, not churned by inactivity.
    await app.db.query(`update enrollments set last_login_at = now() - interval '1 day' where id = any($1::uuid[])`, [
      [midway.enrollmentId, other.enrollmentId],
    ]);
    for (const [rule, who] of [
      [ruleA, fresh],
      [ruleA, midway],
      [ruleB, other],
    ] as const) {
      const id = await seed.alert(rule, who);
      await eventually(() => seed.intakeDone(id));
    }
    const ids = async (query: string) => {
      const res = await app.http().get(`/api/v1/cases?teamId=${team.id}&limit=100&${query}`).set(supervisor.auth).expect(200);
      return new Set(res.body.items.map((c: { learnerId: string }) => c.learnerId));
    };
    expect(await ids(`ruleKey=${ruleA}`)).toEqual(new Set([fresh.learnerId, midway.learnerId]));
    expect(await ids(`ruleKey=${ruleA}&stage=new`)).toEqual(new Set([fresh.learnerId]));
    expect(await ids(`stage=active`)).toEqual(new Set([midway.learnerId, other.learnerId]));
    expect(await ids('open=true')).toEqual(new Set([fresh.learnerId, midway.learnerId, other.learnerId]));
    expect(await ids('due=overdue')).toEqual(new Set());
    // Due today = first contact due before the end of the school's day (Asia/Shanghai), whatever the hour now.
    const all = (await app.http().get(`/api/v1/cases?teamId=${team.id}&limit=100`).set(supervisor.auth).expect(200)).body.items as Array<{
      learnerId: string;
      dueAt: string;
    }>;
    const endOfDay = DateTime.now().setZone('Asia/Shanghai').endOf('day').toJSDate();
    expect(await ids('due=today&open=true')).toEqual(new Set(all.filter((c) => new Date(c.dueAt) < endOfDay).map((c) => c.learnerId)));

    // An hour after the last first-contact deadline, every first contact is overdue.
    app.setNow(new Date(Math.max(...all.map((c) => new Date(c.dueAt).getTime())) + 3_600_000));
    try {
      expect(await ids('due=overdue')).toEqual(new Set([fresh.learnerId, midway.learnerId, other.learnerId]));
    } finally {
      app.setNow(undefined);
    }
    const bad = await app.http().get('/api/v1/cases?stage=asleep&due=yesterday').set(supervisor.auth).expect(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['due', 'stage']);
  });
});
