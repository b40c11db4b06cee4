import { randomUUID } from 'node:crypto';
import { TestApp, type TestStaff } from '../libs/testing/index.js';

const NOW = '2026-06-15T04:00:00.000Z'; // Monday 12:00 in Asia/Shanghai
const day = (n: number, hour = 4) => new Date(Date.parse(NOW) + n * 86_400_000 + (hour - 4) * 3_600_000).toISOString();

describe('learner views', () => {
  let app: TestApp;
  let admin: TestStaff;
  let supervisor: TestStaff;
  let owner: TestStaff;
  let other: TestStaff;
  let outsider: TestStaff;
  let key: { Authorization: string };
  const p = randomUUID().slice(0, 8);
  const ids: Record<string, string> = {};

  const sync = (method: 'put' | 'post', what: string, items: unknown[]) => app.http()[method](`/api/v1/sync/${what}`).set(key).send({ items }).expect(200);

  beforeAll(async () => {
    app = await TestApp.start({ worker: false });
    app.setNow(NOW);
    admin = await app.staff.create('admin');
    const t = await app.staff.teamWithPeople(2);
    supervisor = t.supervisor;
    [owner, other] = t.advisors;
    outsider = await app.staff.create('advisor', { teamId: (await app.staff.team()).id });
    const res = await app
      .http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: `lms-${p}`, scopes: ['sync:write', 'read'] });
    key = { Authorization: `Bearer ${res.body.key}` };

    await sync('put', 'courses', [{ externalId: `${p}-py`, title: 'Python', totalLessons: 40, durationDays: 100 }]);
    const learners = await sync('put', 'learners', [
      { externalId: `${p}-new`, name: `Zhao ${p} Newcomer`, phone: '+86 138 1111 2222', email: `zhao.${p}@mail.example` },
      { externalId: `${p}-old`, name: `Qian ${p} Veteran`, phone: '+86 139 3333 4444' },
    ]);
    [ids.newLearner, ids.oldLearner] = learners.body.results.map((r: { id: string }) => r.id);
    const enr = await sync('put', 'enrollments', [
      { externalId: `${p}-e-new`, learnerExternalId: `${p}-new`, courseExternalId: `${p}-py`, enrolledAt: day(-3), expiresAt: day(97), status: 'active' },
      { externalId: `${p}-e-old`, learnerExternalId: `${p}-old`, courseExternalId: `${p}-py`, enrolledAt: day(-80), expiresAt: day(20), status: 'active' },
    ]);
    [ids.newEnr, ids.oldEnr] = enr.body.results.map((r: { id: string }) => r.id);
    await sync('post', 'events', [
      { eventId: `${p}-1`, learnerExternalId: `${p}-new`, type: 'login', occurredAt: day(-2) },
      {
        eventId: `${p}-2`,
        learnerExternalId: `${p}-new`,
        courseExternalId: `${p}-py`,
        type: 'lesson_completed',
        occurredAt: day(-2, 5),
        data: { lessonId: 'L1' },
      },
      {
        eventId: `${p}-3`,
        learnerExternalId: `${p}-new`,
        courseExternalId: `${p}-py`,
        type: 'lesson_completed',
        occurredAt: day(-1),
        data: { lessonId: 'L2' },
      },
      { eventId: `${p}-4`, learnerExternalId: `${p}-new`, courseExternalId: `${p}-py`, type: 'study_session', occurredAt: day(0, 2), data: { minutes: 45 } },
      { eventId: `${p}-5`, learnerExternalId: `${p}-new`, courseExternalId: `${p}-py`, type: 'study_session', occurredAt: day(-7), data: { minutes: 20 } },
      { eventId: `${p}-6`, learnerExternalId: `${p}-old`, type: 'login', occurredAt: day(-1) },
    ]);
    await app.db.query(`update learners set owner_advisor_id = $1 where id = $2`, [owner.id, ids.newLearner]);
    await app.db.query(`update learners set owner_advisor_id = $1 where id = $2`, [outsider.id, ids.oldLearner]);
    // A high-severity open alert on the veteran (the rules engine writes these; here straight into the table).
    await app.db.query(
      `insert into rules (key, name, kind, params, severity, action) values ($1, 'test rule', 'complaints', '{}', 'high', '{"taskKind":"escalation","dueWithinHours":24}') on conflict do nothing`,
      [`${p}_rule`],
    );
    const [alert] = await app.db.query(
      `insert into alerts (rule_key, learner_id, enrollment_id, status, severity, evidence, opened_at, refreshed_at)
       values ($1, $2, $3, 'open', 'high', '{"complaints":2}', $4, $4) returning id`,
      [`${p}_rule`, ids.oldLearner, ids.oldEnr, day(-1, 6)],
    );
    ids.alert = alert.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows progress and lifecycle stage for a learner enrolled 3 days ago and one 20 days from expiry', async () => {
    const fresh = await app.http().get(`/api/v1/learners/${ids.newLearner}`).set(owner.auth).expect(200);
    expect(fresh.body).toMatchObject({
      id: ids.newLearner,
      externalId: `${p}-new`,
      stage: 'new',
      risk: 'low',
      ownerAdvisorId: owner.id,
      owner: { id: owner.id },
    });
    expect(fresh.body.lastLoginAt).toBe(day(-2));
    expect(fresh.body.enrollments).toHaveLength(1);
    expect(fresh.body.enrollments[0]).toMatchObject({
      id: ids.newEnr,
      stage: 'new',
      status: 'active',
      progress: { completedLessons: 2, totalLessons: 40, percent: 5, expectedPercent: 3 },
    });
    // Eight Monday-based weeks, oldest first; this week's 45 minutes and last week's 20.
    expect(fresh.body.weeklyStudyMinutes).toHaveLength(8);
    expect(fresh.body.weeklyStudyMinutes[7]).toEqual({ weekStart: '2026-06-15', minutes: 45 });
    expect(fresh.body.weeklyStudyMinutes[6]).toEqual({ weekStart: '2026-06-08', minutes: 20 });

    const vet = await app.http().get(`/api/v1/learners/${ids.oldLearner}`).set(admin.auth).expect(200);
    expect(vet.body).toMatchObject({ stage: 'near_expiry', risk: 'high' });
    expect(vet.body.enrollments[0]).toMatchObject({
      stage: 'near_expiry',
      progress: { completedLessons: 0, totalLessons: 40, percent: 0, expectedPercent: 80 },
    });
    expect(vet.body.openAlerts).toEqual([
      expect.objectContaining({ id: ids.alert, ruleKey: `${p}_rule`, learnerId: ids.oldLearner, enrollmentId: ids.oldEnr, status: 'open' }),
    ]);
  });

  it('lets an advisor see only learners they own, hold a case for, or hold a scheduled call for', async () => {
    const mine = await app.http().get('/api/v1/learners').set(owner.auth).expect(200);
    expect(mine.body.items.map((l: { id: string }) => l.id)).toEqual([ids.newLearner]);
    await app.http().get(`/api/v1/learners/${ids.newLearner}`).set(other.auth).expect(404);
    await app.http().get(`/api/v1/learners/${ids.newLearner}/timeline`).set(other.auth).expect(404);
    await app.http().get(`/api/v1/learners/${ids.oldLearner}`).set(owner.auth).expect(404);

    const [c] = await app.db.query(`insert into cases (learner_id, advisor_id, status, priority) values ($1, $2, 'open', 'high') returning id`, [
      ids.oldLearner,
      other.id,
    ]);
    await app.http().get(`/api/v1/learners/${ids.oldLearner}`).set(other.auth).expect(200);
    await app.db.query(`update cases set status = 'resolved', resolved_at = now() where id = $1`, [c.id]);
    await app.http().get(`/api/v1/learners/${ids.oldLearner}`).set(other.auth).expect(404);

    // Covering a teammate's call: the advisor holding a scheduled task may open the learner, until it is done.
    const [task] = await app.db.query(
      `insert into tasks (kind, assignee_id, learner_id, due_at, status) values ('care_call', $1, $2, now() + interval '1 hour', 'scheduled') returning id`,
      [other.id, ids.newLearner],
    );
    await app.http().get(`/api/v1/learners/${ids.newLearner}`).set(other.auth).expect(200);
    await app.http().get(`/api/v1/learners/${ids.newLearner}/timeline`).set(other.auth).expect(200);
    expect((await app.http().get('/api/v1/learners').set(other.auth).expect(200)).body.items.map((l: { id: string }) => l.id)).toContain(ids.newLearner);
    await app.db.query(`update tasks set status = 'done', result = 'reached', completed_at = now() where id = $1`, [task.id]);
    await app.http().get(`/api/v1/learners/${ids.newLearner}`).set(other.auth).expect(404);
    await app.db.query(`delete from tasks where id = $1`, [task.id]);
  });

  it("lets a supervisor see their team advisors' learners, and admins and read keys everyone", async () => {
    const sup = await app.http().get(`/api/v1/learners?q=${p}`).set(supervisor.auth).expect(200);
    expect(sup.body.items.map((l: { id: string }) => l.id)).toEqual([ids.newLearner]);
    const all = await app.http().get(`/api/v1/learners?q=${p}`).set(admin.auth).expect(200);
    expect(all.body.items.map((l: { id: string }) => l.id)).toEqual([ids.oldLearner, ids.newLearner]); // by name: Qian < Zhao
    const viaKey = await app.http().get(`/api/v1/learners?q=${p}`).set(key).expect(200);
    expect(viaKey.body.items).toHaveLength(2);
  });

  it('searches and filters by owner, stage and risk, with cursor pagination', async () => {
    const q = (s: string) => app.http().get(`/api/v1/learners?${s}`).set(admin.auth).expect(200);
    expect((await q(`q=${p}&stage=near_expiry`)).body.items.map((l: { id: string }) => l.id)).toEqual([ids.oldLearner]);
    expect((await q(`q=${p}&stage=new`)).body.items.map((l: { id: string }) => l.id)).toEqual([ids.newLearner]);
    expect((await q(`q=${p}&risk=high`)).body.items.map((l: { id: string }) => l.id)).toEqual([ids.oldLearner]);
    expect((await q(`q=${p}&risk=low`)).body.items.map((l: { id: string }) => l.id)).toEqual([ids.newLearner]);
    expect((await q(`advisorId=${owner.id}`)).body.items.map((l: { id: string }) => l.id)).toEqual([ids.newLearner]);
    expect((await q(`q=${encodeURIComponent('139 3333')}`)).body.items.map((l: { id: string }) => l.id)).toEqual([ids.oldLearner]);
    expect((await q(`q=${encodeURIComponent(`zhao.${p}@mail`)}`)).body.items.map((l: { id: string }) => l.id)).toEqual([ids.newLearner]);
    expect((await q(`q=${p}-new`)).body.items.map((l: { id: string }) => l.id)).toEqual([ids.newLearner]);
    const page1 = await q(`q=${p}&limit=1`);
    expect(page1.body.items).toHaveLength(1);
    const page2 = await q(`q=${p}&limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items[0].id).toBe(ids.newLearner);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('rejects bad filters with 400 naming the field', async () => {
    const bad = await app.http().get('/api/v1/learners?stage=sleepy').set(admin.auth).expect(400);
    expect(bad.body.details[0].field).toBe('stage');
    const cursor = await app.http().get('/api/v1/learners?cursor=nope').set(admin.auth).expect(400);
    expect(cursor.body.details[0].field).toBe('cursor');
    await app.http().get('/api/v1/learners/not-a-uuid').set(admin.auth).expect(400);
    await app.http().get(`/api/v1/learners/${randomUUID()}`).set(admin.auth).expect(404);
  });

  it('gives a timeline of events and alerts, newest first, page by page', async () => {
    const seen: Array<{ kind: string; id: string; at: string }> = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/learners/${ids.oldLearner}/timeline?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await app.http().get(url).set(admin.auth).expect(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.map((s) => [s.kind, s.id])).toEqual([
      ['alert', ids.alert],
      ['event', `${p}-6`],
    ]);
    const fresh = await app.http().get(`/api/v1/learners/${ids.newLearner}/timeline?limit=10`).set(owner.auth).expect(200);
    expect(fresh.body.items.map((i: { id: string }) => i.id)).toEqual([`${p}-4`, `${p}-3`, `${p}-2`, `${p}-1`, `${p}-5`]);
    expect(fresh.body.items[0]).toMatchObject({ kind: 'event', type: 'study_session', enrollmentId: ids.newEnr, detail: { minutes: 45 } });
  });
});
