import { RuleRunsService } from '../libs/rules/rule-runs.service.js';
import { LearningDataFactory, type SeededEnrollment } from '../libs/testing/learning-data.factory.js';
import { TestApp, type TestStaff } from '../libs/testing/index.js';

const AS_OF = '2026-03-04T04:00:00.000Z';
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.parse(AS_OF) - days * DAY);

describe('alerts and cohort alerts', () => {
  let app: TestApp;
  let data: LearningDataFactory;
  let admin: TestStaff;
  let team: Awaited<ReturnType<TestApp['staff']['teamWithPeople']>>;
  let otherTeam: Awaited<ReturnType<TestApp['staff']['teamWithPeople']>>;
  let owned: SeededEnrollment;
  let withCase: SeededEnrollment;
  let holdout: SeededEnrollment;
  let courseId: string;
  const activeFine: SeededEnrollment[] = [];

  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true });
    await app.db.query(
      `update rule_runs set status = 'failed', error = 'abandoned by an earlier test app', finished_at = now() where status in ('queued','running')`,
    );
    data = new LearningDataFactory(app.db, app.config.schoolTimezone);
    admin = await app.staff.create('admin');
    team = await app.staff.teamWithPeople(2);
    otherTeam = await app.staff.teamWithPeople(1);
    const course = await data.course({ teamId: team.team.id, totalLessons: 10, durationDays: 300 });
    courseId = course.id;
    const c = { courseId, completedLessons: 5 };
    owned = await data.enrollment({ ...c, enrolledAt: ago(20), learner: { ownerAdvisorId: team.advisors[0].id } });
    await data.complaint(owned.id, '2026-03-02', 2);
    withCase = await data.enrollment({ ...c, enrolledAt: ago(20) });
    await data.openCase(withCase.learnerId, team.advisors[1].id, team.team.id);
    holdout = await data.enrollment({ ...c, enrolledAt: ago(20), learner: { holdout: true, ownerAdvisorId: team.advisors[0].id } });
    // 3 of 20 active enrolments inactive: 15% > 5% → one cohort alert for the course.
    for (let i = 0; i < 17; i++) {
      const e = await data.enrollment({ ...c, enrolledAt: ago(20) });
      await data.login(e.id, ago(1));
      activeFine.push(e);
    }
    const { runId } = await app.get(RuleRunsService).request({ kind: 'system', id: 'test' }, { trigger: 'manual', asOf: new Date(AS_OF) });
    await app.get(RuleRunsService).execute(runId);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('explains each alert in numbers, holdout learners included', async () => {
    const res = await app.http().get(`/api/v1/alerts?learnerId=${holdout.learnerId}`).set(admin.auth);
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      ruleKey: 'inactive_7d',
      ruleName: 'No login for 7 days',
      severity: 'medium',
      learnerId: holdout.learnerId,
      learnerExternalId: holdout.learnerExternalId,
      enrollmentId: holdout.id,
      courseId,
      status: 'open',
      evidence: { inactiveDays: 20, thresholdDays: 7, lastLoginAt: null, enrolledAt: ago(20).toISOString() },
      summary: `No login for 20 days (threshold 7); never logged in since enrolling ${ago(20).toISOString()}.`,
      openedAt: AS_OF,
      clearedAt: null,
      feedback: { useful: 0, not_useful: 0, incorrect: 0 },
    });
  });

  it('advisors see alerts of learners they own or hold a case for; supervisors their team; others 404', async () => {
    const list = async (who: TestStaff) => {
      const res = await app.http().get('/api/v1/alerts?ruleKey=inactive_7d&status=open&limit=500').set(who.auth);
      expect(res.status).toBe(200);
      return res.body.items
        .map((a: any) => a.enrollmentId)
        .filter((id: string) => [owned.id, withCase.id, holdout.id].includes(id))
        .sort();
    };
    expect(await list(team.advisors[0])).toEqual([owned.id, holdout.id].sort());
    expect(await list(team.advisors[1])).toEqual([withCase.id]);
    expect(await list(team.supervisor)).toEqual([owned.id, withCase.id, holdout.id].sort());
    expect(await list(otherTeam.advisors[0])).toEqual([]);
    expect(await list(otherTeam.supervisor)).toEqual([]);

    const alertId = (await app.db.query(`select id from alerts where enrollment_id = $1 and status = 'open'`, [owned.id]))[0].id;
    expect((await app.http().get(`/api/v1/alerts/${alertId}`).set(otherTeam.advisors[0].auth)).status).toBe(404);
    expect((await app.http().post(`/api/v1/alerts/${alertId}/feedback`).set(otherTeam.advisors[0].auth).send({ verdict: 'useful' })).status).toBe(404);
    expect((await app.http().get(`/api/v1/alerts/${alertId}`).set(team.advisors[0].auth)).status).toBe(200);
  });

  it('paginates with a cursor and validates filters', async () => {
    const first = await app.http().get(`/api/v1/alerts?learnerId=${owned.learnerId}&limit=1`).set(admin.auth);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await app.http().get(`/api/v1/alerts?learnerId=${owned.learnerId}&limit=1&cursor=${first.body.nextCursor}`).set(admin.auth);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expect(second.body.nextCursor).toBeNull();
    const bad = await app.http().get('/api/v1/alerts?status=closed&learnerId=x').set(admin.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['learnerId', 'status']);
    expect((await app.http().get('/api/v1/alerts?cursor=garbage').set(admin.auth)).status).toBe(400);
  });

  it('takes one feedback per staff member and alert; repeating it changes nothing', async () => {
    const alertId = (await app.db.query(`select id from alerts where enrollment_id = $1 and rule_key = 'inactive_7d'`, [owned.id]))[0].id;
    const url = `/api/v1/alerts/${alertId}/feedback`;
    const bad = await app.http().post(url).set(team.advisors[0].auth).send({ verdict: 'meh' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('verdict');
    expect((await app.http().post('/api/v1/alerts/not-a-uuid/feedback').set(team.advisors[0].auth).send({ verdict: 'useful' })).status).toBe(400);

    const a = await app.http().post(url).set(team.advisors[0].auth).send({ verdict: 'useful', note: 'reached her, exam stress' });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ alertId, ruleKey: 'inactive_7d', staffId: team.advisors[0].id, verdict: 'useful', note: 'reached her, exam stress' });
    const again = await app.http().post(url).set(team.advisors[0].auth).send({ verdict: 'useful', note: 'reached her, exam stress' });
    expect(again.body).toEqual(a.body);
    const changed = await app.http().post(url).set(team.advisors[0].auth).send({ verdict: 'incorrect' });
    expect(changed.body).toMatchObject({ verdict: 'incorrect', note: null, createdAt: a.body.createdAt });
    await app.http().post(url).set(team.supervisor.auth).send({ verdict: 'useful' });
    const [{ n }] = await app.db.query(`select count(*)::int as n from alert_feedback where alert_id = $1`, [alertId]);
    expect(n).toBe(2);
    const view = await app.http().get(`/api/v1/alerts/${alertId}`).set(admin.auth);
    expect(view.body.feedback).toEqual({ useful: 1, not_useful: 0, incorrect: 1 });
  });

  it('raises one cohort alert per course and day when more than the threshold of active learners are inactive', async () => {
    const cohort = async (who: TestStaff) => app.http().get(`/api/v1/cohort-alerts?courseId=${courseId}`).set(who.auth);
    const res = await cohort(team.supervisor);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        ruleKey: 'inactive_7d',
        courseId,
        teamId: team.team.id,
        day: '2026-03-04',
        affected: 3,
        population: 20,
        share: 0.15,
        threshold: 0.05,
      }),
    ]);
    expect((await cohort(otherTeam.supervisor)).body.items).toEqual([]);
    expect((await cohort(team.advisors[0])).status).toBe(403);

    // Same day again: still one; the numbers follow the data.
    await data.login(owned.id, ago(0));
    const { runId } = await app.get(RuleRunsService).request({ kind: 'system', id: 'test' }, { trigger: 'manual', asOf: new Date(AS_OF) });
    await app.get(RuleRunsService).execute(runId);
    const after = await cohort(admin);
    expect(after.body.items).toHaveLength(1);
    expect(after.body.items[0]).toMatchObject({ affected: 2, population: 20, share: 0.1 });
    expect((await app.http().get('/api/v1/cohort-alerts?from=2026-03-05&to=2026-03-01').set(admin.auth)).status).toBe(400);
  });
});
