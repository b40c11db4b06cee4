import { TestApp, type TestStaff } from '../libs/testing/index.js';
import { LearningDataFactory } from '../libs/testing/learning-data.factory.js';

// Monday 30 November 2026, 11:00 in Shanghai (advisors' zone).
const NOW = '2026-11-30T03:00:00.000Z';

describe('tasks: daily queue, outcomes, reschedule, reassign', () => {
  let app: TestApp;
  let data: LearningDataFactory;
  let supervisor: TestStaff;
  let a: TestStaff;
  let b: TestStaff;
  let outsider: TestStaff;
  let otherSupervisor: TestStaff;
  let learner1: { id: string; enrollmentId: string };
  let learner2: { id: string; enrollmentId: string };

  async function task(t: {
    kind?: string;
    assigneeId: string | null;
    learnerId: string;
    enrollmentId?: string | null;
    caseId?: string | null;
    dueAt: string;
    status?: string;
    result?: string;
    completedAt?: string;
    dayIndex?: number;
  }): Promise<string> {
    const [row] = await app.db.query(
      `insert into tasks (kind, day_index, assignee_id, learner_id, enrollment_id, case_id, due_at, window_end_at, status, result, completed_at, completed_by)
       values ($1, $2, $3, $4, $5, $6, $7, $7::timestamptz + interval '15 minutes', $8, $9, $10, case when $10::timestamptz is null then null else $3::uuid end) returning id`,
      [
        t.kind ?? 'care_call',
        t.dayIndex ?? null,
        t.assigneeId,
        t.learnerId,
        t.enrollmentId ?? null,
        t.caseId ?? null,
        t.dueAt,
        t.status ?? 'scheduled',
        t.result ?? null,
        t.completedAt ?? null,
      ],
    );
    return row.id;
  }

  async function openCase(learnerId: string, advisor: TestStaff, priority: string): Promise<string> {
    const [row] = await app.db.query(`insert into cases (learner_id, team_id, advisor_id, status, priority) values ($1, $2, $3, 'open', $4) returning id`, [
      learnerId,
      advisor.teamId,
      advisor.id,
      priority,
    ]);
    return row.id;
  }

  beforeAll(async () => {
    app = await TestApp.start();
    data = new LearningDataFactory(app.db);
    app.setNow(NOW);
    const people = await app.staff.teamWithPeople(2);
    supervisor = people.supervisor;
    [a, b] = people.advisors;
    const other = await app.staff.teamWithPeople(1);
    outsider = other.advisors[0];
    otherSupervisor = other.supervisor;
    const course = await data.course({ teamId: people.team.id, totalLessons: 20, durationDays: 40 });
    const e1 = await data.enrollment({
      courseId: course.id,
      enrolledAt: '2026-11-27T02:00:00Z',
      completedLessons: 2,
      learner: { name: 'Wang Fang', ownerAdvisorId: b.id },
    });
    await app.db.query(`update learners set phone = '+8613800000001' where id = $1`, [e1.learnerId]);
    const e2 = await data.enrollment({ courseId: course.id, enrolledAt: '2026-10-01T02:00:00Z', learner: { name: 'Zhang Wei', ownerAdvisorId: a.id } });
    learner1 = { id: e1.learnerId, enrollmentId: e1.id };
    learner2 = { id: e2.learnerId, enrollmentId: e2.id };
  });
  afterAll(async () => {
    app?.setNow(undefined);
    await app?.close();
  });

  it('orders the queue: overdue first, then due time, then case priority; lists cases without a task', async () => {
    const lowCase = await openCase(learner1.id, a, 'low');
    const urgentCase = await openCase(learner2.id, a, 'urgent');
    const dueLow = await task({ assigneeId: a.id, learnerId: learner1.id, caseId: lowCase, dueAt: '2026-11-30T06:00:00Z' });
    const dueUrgent = await task({ assigneeId: a.id, learnerId: learner2.id, caseId: urgentCase, dueAt: '2026-11-30T06:00:00Z' });
    const overdueYesterday = await task({ kind: 'follow_up', assigneeId: a.id, learnerId: learner2.id, dueAt: '2026-11-29T02:00:00Z' });
    const overdueThisMorning = await task({ assigneeId: a.id, learnerId: learner1.id, dueAt: '2026-11-30T01:00:00Z' });
    await task({ assigneeId: a.id, learnerId: learner1.id, dueAt: '2026-12-01T02:00:00Z' });
    await task({
      assigneeId: a.id,
      learnerId: learner1.id,
      dueAt: '2026-11-30T02:00:00Z',
      status: 'done',
      result: 'reached',
      completedAt: '2026-11-30T02:10:00Z',
    });
    await task({ assigneeId: b.id, learnerId: learner1.id, dueAt: '2026-11-30T02:00:00Z' });
    // A third learner's case with no scheduled task shows under cases.
    const e3 = await data.enrollment({ enrolledAt: '2026-11-01T02:00:00Z', learner: { name: 'Li Na' } });
    const bare = await openCase(e3.learnerId, a, 'high');
    await app.db.query(
      `insert into rules (key, name, kind, params, severity, action) values ('inactive_7d', 'Inactive 7 days', 'inactive_days', '{"days":7}', 'medium', '{"taskKind":"care_call","dueWithinHours":24}') on conflict (key) do nothing`,
    );
    await app.db.query(
      `insert into alerts (rule_key, learner_id, enrollment_id, status, severity, evidence, opened_at, refreshed_at) values ('inactive_7d', $1, $2, 'open', 'medium', '{}', now(), now())`,
      [learner1.id, learner1.enrollmentId],
    );

    const res = await app.http().get('/api/v1/me/queue').set(a.auth);
    expect(res.status).toBe(200);
    expect(res.body.date).toBe('2026-11-30');
    expect(res.body.tasks.map((t: { id: string }) => t.id)).toEqual([overdueYesterday, overdueThisMorning, dueUrgent, dueLow]);
    expect(res.body.tasks.map((t: { overdue: boolean }) => t.overdue)).toEqual([true, true, false, false]);
    const low = res.body.tasks[3];
    expect(res.body.advisorId).toBe(a.id);
    expect(low).toMatchObject({ kind: 'care_call', learner: { id: learner1.id }, case: { id: lowCase, priority: 'low' } });
    // A queue row carries what the list shows and acts on; the task's full record is GET /tasks/:id.
    expect(Object.keys(low).sort()).toEqual(['attempts', 'case', 'dayIndex', 'dueAt', 'id', 'kind', 'lastOutcome', 'learner', 'overdue']);
    expect(low.learner).toMatchObject({ name: 'Wang Fang', phone: '+8613800000001', stage: 'new', progress: { percent: 10 } });
    expect(Object.keys(low.learner).sort()).toEqual(['externalId', 'id', 'name', 'openAlerts', 'phone', 'progress', 'riskScore', 'stage', 'timezone']);
    expect(Object.keys(low.learner.progress).sort()).toEqual(['expectedPercent', 'percent']);
    expect(low.learner.openAlerts).toEqual([expect.objectContaining({ ruleKey: 'inactive_7d', severity: 'medium' })]);
    expect(low.lastOutcome).toEqual({ taskId: expect.any(String), result: 'reached', at: expect.any(String) });
    expect(res.body.cases.map((c: { id: string }) => c.id)).toEqual([bare]);
    expect(res.body.cases[0].learner.name).toBe('Li Na');
    // A case row shows who, their stage and flags; contact and progress are on the case it opens.
    expect(Object.keys(res.body.cases[0].learner).sort()).toEqual(['id', 'name', 'openAlerts', 'riskScore', 'stage']);
    expect(res.body.counts).toEqual({ tasks: 4, overdue: 2, dueToday: 2, cases: 1, doneToday: 1 });

    // Supervisors read a member's queue; advisors cannot read someone else's.
    const sup = await app.http().get(`/api/v1/me/queue?advisorId=${a.id}`).set(supervisor.auth);
    expect(sup.status).toBe(200);
    expect(sup.body.tasks).toHaveLength(4);
    expect((await app.http().get(`/api/v1/me/queue?advisorId=${a.id}`).set(b.auth)).status).toBe(404);
    const bad = await app.http().get('/api/v1/me/queue?date=30-11-2026').set(a.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'date' })]);
  });

  it('lists tasks by visibility: advisors their own, supervisors their team', async () => {
    const mine = await app.http().get('/api/v1/tasks?status=scheduled').set(a.auth);
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((t: { assigneeId: string }) => t.assigneeId === a.id)).toBe(true);
    const others = await app.http().get(`/api/v1/tasks?assigneeId=${a.id}`).set(b.auth);
    expect(others.body.items).toEqual([]);
    const team = await app.http().get(`/api/v1/tasks?assigneeId=${a.id}&status=scheduled`).set(supervisor.auth);
    expect(team.body.items.map((t: { id: string }) => t.id).sort()).toEqual(mine.body.items.map((t: { id: string }) => t.id).sort());
    expect((await app.http().get(`/api/v1/tasks?assigneeId=${a.id}`).set(otherSupervisor.auth)).body.items).toEqual([]);
    const page = await app.http().get('/api/v1/tasks?limit=2').set(a.auth);
    expect(page.body.items).toHaveLength(2);
    const next = await app.http().get(`/api/v1/tasks?limit=2&cursor=${page.body.nextCursor}`).set(a.auth);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
    expect((await app.http().get('/api/v1/tasks?kind=phone').set(a.auth)).body.details).toEqual([expect.objectContaining({ field: 'kind' })]);
  });

  it('lets only the assignee, their supervisor or an admin log an outcome (404 invisible, 403 visible)', async () => {
    const t = await task({ assigneeId: a.id, learnerId: learner1.id, dueAt: '2026-11-30T05:00:00Z' });
    const body = { result: 'reached', durationMinutes: 12 };
    expect((await app.http().post(`/api/v1/tasks/${t}/outcome`).set(outsider.auth).send(body)).status).toBe(404);
    expect((await app.http().post(`/api/v1/tasks/${t}/outcome`).set(otherSupervisor.auth).send(body)).status).toBe(404);
    // b owns the learner, so sees the task, but it is not theirs.
    expect((await app.http().post(`/api/v1/tasks/${t}/outcome`).set(b.auth).send(body)).status).toBe(403);
    const bad = await app.http().post(`/api/v1/tasks/${t}/outcome`).set(a.auth).send({ result: 'maybe', churnReason: 'bored' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['churnReason', 'result']);
    const past = await app.http().post(`/api/v1/tasks/${t}/outcome`).set(a.auth).send({ result: 'reached', followUpAt: '2026-11-29T00:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.details).toEqual([{ field: 'followUpAt', message: 'must be in the future' }]);
    expect((await app.http().post('/api/v1/tasks/not-a-uuid/outcome').set(a.auth).send(body)).status).toBe(400);
    const bySupervisor = await app.http().post(`/api/v1/tasks/${t}/outcome`).set(supervisor.auth).send(body);
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body).toMatchObject({ status: 'done', result: 'reached', durationMinutes: 12, completedBy: supervisor.id });
    // Logging again changes nothing.
    expect((await app.http().post(`/api/v1/tasks/${t}/outcome`).set(a.auth).send(body)).status).toBe(409);
  });

  it("records an outcome on a case task: first contact, in progress, follow-up in tomorrow's queue, audit", async () => {
    const caseId = (await app.db.query(`select id from cases where learner_id = $1 and status <> 'resolved'`, [learner1.id]))[0].id;
    const t = await task({ assigneeId: a.id, learnerId: learner1.id, caseId, dueAt: '2026-11-30T04:00:00Z' });
    const res = await app.http().post(`/api/v1/tasks/${t}/outcome`).set(a.auth).send({
      result: 'reached',
      durationMinutes: 15,
      note: 'Busy at work, will study weekends',
      riskRead: 'medium',
      churnReason: 'life_circumstances',
      followUpAt: '2026-12-01T02:30:00Z',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'done',
      result: 'reached',
      riskRead: 'medium',
      churnReason: 'life_circumstances',
      note: 'Busy at work, will study weekends',
    });
    expect(res.body.followUpTaskId).toEqual(expect.any(String));
    const [c] = await app.db.query(`select status, first_contact_at from cases where id = $1`, [caseId]);
    expect(c.status).toBe('in_progress');
    expect(new Date(c.first_contact_at).toISOString()).toBe(NOW);

    const tomorrow = await app.http().get('/api/v1/me/queue?date=2026-12-01').set(a.auth);
    const followUp = tomorrow.body.tasks.find((x: { id: string }) => x.id === res.body.followUpTaskId);
    expect(followUp).toMatchObject({ kind: 'follow_up', case: { id: caseId }, dueAt: '2026-12-01T02:30:00.000Z' });
    expect((await app.http().get(`/api/v1/tasks/${followUp.id}`).set(a.auth).expect(200)).body).toMatchObject({ parentTaskId: t, assigneeId: a.id });
    expect(followUp.lastOutcome).toMatchObject({ taskId: t, result: 'reached' });
    // The note is on the call itself, one click away.
    expect((await app.http().get(`/api/v1/tasks/${t}`).set(a.auth).expect(200)).body).toMatchObject({ note: 'Busy at work, will study weekends' });

    const audit = await app.http().get(`/api/v1/audit?entity=task&entityId=${t}`).set(supervisor.auth);
    expect(audit.body.items).toEqual([expect.objectContaining({ action: 'task.outcome_logged', actorId: a.id })]);
  });

  it('retries a check-in with no answer once later the same working day, then marks it missed', async () => {
    const t = await task({
      kind: 'first_week_checkin',
      dayIndex: 2,
      assigneeId: a.id,
      learnerId: learner1.id,
      enrollmentId: learner1.enrollmentId,
      dueAt: '2026-11-30T03:00:00Z',
    });
    const first = await app.http().post(`/api/v1/tasks/${t}/outcome`).set(a.auth).send({ result: 'no_answer' });
    expect(first.status).toBe(200);
    // Retried an hour later at the earliest, still on Monday in Shanghai and inside 09:00–17:30.
    expect(first.body).toMatchObject({ status: 'scheduled', attempts: 1, result: 'no_answer', dueAt: '2026-11-30T04:00:00.000Z' });
    const second = await app.http().post(`/api/v1/tasks/${t}/outcome`).set(a.auth).send({ result: 'no_answer' });
    expect(second.body).toMatchObject({ status: 'missed', attempts: 2 });

    // Late in the day there is no later slot: missed at once.
    app.setNow('2026-11-30T09:00:00Z');
    try {
      const late = await task({
        kind: 'first_week_checkin',
        dayIndex: 3,
        assigneeId: a.id,
        learnerId: learner2.id,
        enrollmentId: learner2.enrollmentId,
        dueAt: '2026-11-30T08:30:00Z',
      });
      const r = await app.http().post(`/api/v1/tasks/${late}/outcome`).set(a.auth).send({ result: 'no_answer' });
      expect(r.body).toMatchObject({ status: 'missed', attempts: 1 });
    } finally {
      app.setNow(NOW);
    }
  });

  it('reschedules (assignee) and reassigns (supervisor only, within their teams), audited', async () => {
    const t = await task({ assigneeId: a.id, learnerId: learner2.id, dueAt: '2026-11-30T07:00:00Z' });
    const moved = await app.http().post(`/api/v1/tasks/${t}/reschedule`).set(a.auth).send({ dueAt: '2026-12-02T02:00:00Z', reason: 'learner asked' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ dueAt: '2026-12-02T02:00:00.000Z', windowEndAt: '2026-12-02T02:15:00.000Z' });
    expect((await app.http().post(`/api/v1/tasks/${t}/reschedule`).set(a.auth).send({ dueAt: 'tomorrow' })).body.details).toEqual([
      expect.objectContaining({ field: 'dueAt' }),
    ]);
    expect((await app.http().post(`/api/v1/tasks/${t}/reschedule`).set(a.auth).send({ dueAt: '2026-11-01T00:00:00Z' })).status).toBe(400);

    expect((await app.http().post(`/api/v1/tasks/${t}/reassign`).set(a.auth).send({ assigneeId: b.id, reason: 'swap' })).status).toBe(403);
    expect((await app.http().post(`/api/v1/tasks/${t}/reassign`).set(otherSupervisor.auth).send({ assigneeId: outsider.id, reason: 'x' })).status).toBe(404);
    const wrongTeam = await app.http().post(`/api/v1/tasks/${t}/reassign`).set(supervisor.auth).send({ assigneeId: outsider.id, reason: 'x' });
    expect(wrongTeam.status).toBe(400);
    expect(wrongTeam.body.details).toEqual([expect.objectContaining({ field: 'assigneeId' })]);
    const ok = await app.http().post(`/api/v1/tasks/${t}/reassign`).set(supervisor.auth).send({ assigneeId: b.id, reason: 'a is on leave' });
    expect(ok.status).toBe(200);
    expect(ok.body.assigneeId).toBe(b.id);
    const again = await app.http().post(`/api/v1/tasks/${t}/reassign`).set(supervisor.auth).send({ assigneeId: b.id, reason: 'a is on leave' });
    expect(again.status).toBe(200);
    const audit = await app.db.query(`select action, reason, before, after from audit_log where entity = 'task' and entity_id = $1 order by id`, [t]);
    expect(audit.map((x: { action: string }) => x.action)).toEqual(['task.rescheduled', 'task.reassigned']);
    expect(audit[1]).toMatchObject({ reason: 'a is on leave', before: { assigneeId: a.id }, after: { assigneeId: b.id } });
  });

  it('moves many tasks at once (all or nothing), lists them by team and due with learner names, and a replay moves nothing', async () => {
    const t1 = await task({ assigneeId: a.id, learnerId: learner1.id, dueAt: '2026-11-30T01:00:00Z' });
    const t2 = await task({ assigneeId: a.id, learnerId: learner2.id, dueAt: '2026-11-30T08:00:00Z' });
    const t3 = await task({ assigneeId: b.id, learnerId: learner2.id, dueAt: '2026-12-05T08:00:00Z' });
    const done = await task({
      assigneeId: a.id,
      learnerId: learner1.id,
      dueAt: '2026-11-29T08:00:00Z',
      status: 'done',
      result: 'reached',
      completedAt: '2026-11-29T08:10:00Z',
    });
    const foreign = await task({ assigneeId: outsider.id, learnerId: learner1.id, dueAt: '2026-11-30T09:00:00Z' });

    // The bulk view's list: one team's scheduled tasks due today (overdue included), with whom each is about.
    const listed = await app.http().get('/api/v1/tasks').query({ teamId: a.teamId, due: 'today', limit: 500 }).set(supervisor.auth);
    expect(listed.status).toBe(200);
    const ids = listed.body.items.map((x: { id: string }) => x.id);
    expect(ids).toEqual(expect.arrayContaining([t1, t2]));
    expect(ids).not.toContain(t3);
    expect(ids).not.toContain(done);
    expect(ids).not.toContain(foreign);
    expect(listed.body.items.find((x: { id: string }) => x.id === t1)).toMatchObject({
      learnerName: 'Wang Fang',
      learnerExternalId: expect.any(String),
      assigneeId: a.id,
    });
    const overdue = await app.http().get('/api/v1/tasks').query({ due: 'overdue', assigneeId: a.id, limit: 500 }).set(supervisor.auth);
    expect(overdue.body.items.map((x: { id: string }) => x.id)).toContain(t1);
    expect(overdue.body.items.map((x: { id: string }) => x.id)).not.toContain(t2);
    // Another team's supervisor filtering on this team sees nothing of it.
    expect((await app.http().get('/api/v1/tasks').query({ teamId: a.teamId }).set(otherSupervisor.auth)).body.items).toEqual([]);
    expect((await app.http().get('/api/v1/tasks').query({ due: 'someday' }).set(supervisor.auth)).body.details).toEqual([
      expect.objectContaining({ field: 'due' }),
    ]);

    const body = { taskIds: [t1, t2, t3], assigneeId: b.id, reason: 'a is on leave today' };
    // Advisors may not; another team's supervisor cannot see the tasks; a finished task refuses the whole move.
    expect((await app.http().post('/api/v1/tasks/reassign').set(a.auth).send(body)).status).toBe(403);
    expect(
      (
        await app
          .http()
          .post('/api/v1/tasks/reassign')
          .set(otherSupervisor.auth)
          .send({ ...body, assigneeId: outsider.id })
      ).status,
    ).toBe(404);
    const withDone = await app
      .http()
      .post('/api/v1/tasks/reassign')
      .set(supervisor.auth)
      .send({ ...body, taskIds: [t1, done] });
    expect(withDone.status).toBe(409);
    expect(withDone.body.message).toContain(done);
    const wrongTarget = await app
      .http()
      .post('/api/v1/tasks/reassign')
      .set(supervisor.auth)
      .send({ ...body, assigneeId: outsider.id });
    expect(wrongTarget.status).toBe(400);
    expect(wrongTarget.body.details).toEqual([expect.objectContaining({ field: 'assigneeId' })]);
    const bad = await app.http().post('/api/v1/tasks/reassign').set(supervisor.auth).send({ taskIds: [], assigneeId: 'b', reason: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['assigneeId', 'reason', 'taskIds']);
    expect((await app.db.query(`select count(*)::int as n from tasks where id = any($1) and assignee_id = $2`, [[t1, t2], a.id]))[0].n).toBe(2);

    const moved = await app.http().post('/api/v1/tasks/reassign').set(supervisor.auth).send(body);
    expect(moved.status).toBe(200);
    expect(moved.body.moved).toBe(2);
    expect(moved.body.items).toEqual(
      expect.arrayContaining([
        { taskId: t1, fromAssigneeId: a.id, toAssigneeId: b.id },
        { taskId: t2, fromAssigneeId: a.id, toAssigneeId: b.id },
      ]),
    );
    const again = await app.http().post('/api/v1/tasks/reassign').set(supervisor.auth).send(body);
    expect(again.body).toEqual({ moved: 0, items: [] });
    const audit = await app.db.query(`select entity_id, reason from audit_log where entity = 'task' and action = 'task.reassigned' and entity_id = any($1)`, [
      [t1, t2, t3],
    ]);
    expect(audit.map((x: { entity_id: string }) => x.entity_id).sort()).toEqual([t1, t2].sort());
    expect(audit.every((x: { reason: string }) => x.reason === 'a is on leave today')).toBe(true);
    await app.db.query(`delete from tasks where id = any($1)`, [[t1, t2, t3, done, foreign]]);
  });
});
