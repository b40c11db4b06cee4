import { QueueName } from '../libs/queue/jobs.js';
import { QueueService } from '../libs/queue/queue.service.js';
import { CaseSweepService } from '../libs/cases/case-sweep.service.js';
import { escalationJobId } from '../libs/cases/case-escalation.service.js';
import { eventually, TestApp } from '../libs/testing/index.js';
import { AROUND_THE_CLOCK, CaseSeed } from './cases.seed.js';

describe('cases: intake, assignment policy, endpoints', () => {
  let app: TestApp;
  let seed: CaseSeed;
  beforeAll(async () => {
    app = await TestApp.start();
    seed = new CaseSeed(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function openCase(ruleKey: string, who: { learnerId: string; enrollmentId: string }, severity = 'medium') {
    const alertId = await seed.alert(ruleKey, who, severity);
    await eventually(() => seed.intakeDone(alertId));
    return { alertId, c: await seed.caseOf(who.learnerId) };
  }

  it('opens one case per learner, continuity first, with a task and an audited reason', async () => {
    const { team, supervisor, advisors } = await app.staff.teamWithPeople(2);
    const [owner] = advisors;
    const rule = await seed.rule({ taskKind: 'care_call', dueWithinHours: 24 });
    const course = await seed.course(team.id);
    const who = await seed.learner(course, { ownerId: owner.id });

    const { c } = await openCase(rule, who);
    expect(c).toMatchObject({ advisor_id: owner.id, team_id: team.id, status: 'open', queue: 'advisor' });

    // A second alert of another rule attaches to the same case and raises its priority.
    const rule2 = await seed.rule({ severity: 'high', taskKind: 'obstacle_call' });
    const { c: again } = await openCase(rule2, who, 'high');
    expect(again.id).toBe(c.id);
    expect(again.priority_score).toBeGreaterThan(c.priority_score);

    const res = await app.http().get(`/api/v1/cases/${c.id}`).set(supervisor.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: c.id, learnerId: who.learnerId, advisorId: owner.id, status: 'open', openAlerts: 2 });
    expect(res.body.alerts).toHaveLength(2);
    expect(res.body.alerts[0].evidence).toEqual({ daysInactive: 9 });
    expect(res.body.tasks.map((t: any) => t.kind).sort()).toEqual(['care_call', 'obstacle_call']);
    expect(res.body.tasks.every((t: any) => t.assigneeId === owner.id && t.status === 'scheduled')).toBe(true);
    const assigned = res.body.history.find((h: any) => h.action === 'case.assigned');
    expect(assigned.reason).toMatch(/continuity/);
  });

  it('overflows a full owner to the least-loaded teammate; an away advisor gets nothing', async () => {
    const { team, advisors } = await app.staff.teamWithPeople(0);
    const owner = await app.staff.create('advisor', { teamId: team.id, capacity: 1 });
    const away = await app.staff.create('advisor', { teamId: team.id, status: 'away' });
    const busy = await app.staff.create('advisor', { teamId: team.id, capacity: 10 });
    const free = await app.staff.create('advisor', { teamId: team.id, capacity: 10 });
    void advisors;
    const rule = await seed.rule();
    const course = await seed.course(team.id);
    // owner at capacity (1 case), busy has 1 case, free has none.
    await openCase(rule, await seed.learner(course, { ownerId: owner.id }));
    await openCase(rule, await seed.learner(course, { ownerId: busy.id }));

    const { c } = await openCase(rule, await seed.learner(course, { ownerId: owner.id }));
    expect(c.advisor_id).toBe(free.id);
    expect(c.assignment_reason).toMatch(/owner at capacity \(1\/1\).*least loaded/);
    const awayCases = await app.db.query(`select count(*)::int as n from cases where advisor_id = $1`, [away.id]);
    expect(awayCases[0].n).toBe(0);
  });

  it('pools cases when the whole team is full and hands them out oldest first as capacity frees', async () => {
    const { team, supervisor } = await app.staff.teamWithPeople(0);
    const a = await app.staff.create('advisor', { teamId: team.id, capacity: 1 });
    const rule = await seed.rule();
    const course = await seed.course(team.id);
    const { c: first } = await openCase(rule, await seed.learner(course));
    expect(first.advisor_id).toBe(a.id);
    const { c: older } = await openCase(rule, await seed.learner(course));
    const { c: newer } = await openCase(rule, await seed.learner(course));
    expect(older.advisor_id).toBeNull();
    expect(newer.advisor_id).toBeNull();
    expect(older.assignment_reason).toMatch(/pool: all 1 eligible advisor/);

    const pool = await app.http().get(`/api/v1/cases?unassigned=true&teamId=${team.id}`).set(supervisor.auth);
    expect(pool.body.items.map((i: any) => i.id).sort()).toEqual([older.id, newer.id].sort());

    // Resolving frees one slot: the older pooled case gets it, the newer keeps waiting.
    const done = await app.http().post(`/api/v1/cases/${first.id}/resolve`).set(a.auth).send({ outcome: 'retained', note: 'back on track' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'resolved', outcome: 'retained' });
    await eventually(async () => (await seed.caseOf(older.learner_id))?.advisor_id === a.id);
    expect((await seed.caseOf(newer.learner_id)).advisor_id).toBeNull();
    const tasks = await app.db.query(`select assignee_id from tasks where case_id = $1`, [older.id]);
    expect(tasks).toEqual([{ assignee_id: a.id }]);

    // Raising capacity (staff.updated) frees room for the newer one.
    const patch = await app.http().patch(`/api/v1/staff/${a.id}`).set(supervisor.auth).send({ capacity: 2, reason: 'more hours' });
    expect(patch.status).toBe(200);
    await eventually(async () => (await seed.caseOf(newer.learner_id))?.advisor_id === a.id);
    const audit = await app.http().get(`/api/v1/audit?entity=case&entityId=${newer.id}`).set(supervisor.auth);
    expect(audit.body.items.find((e: any) => e.action === 'case.assigned' && e.after.advisorId === a.id).reason).toMatch(
      /backfill from the pool \(staff.updated\)/,
    );
  });

  it('bulk reassign: all or nothing, supervisors only within their teams, audited', async () => {
    const t1 = await app.staff.teamWithPeople(2);
    const t2 = await app.staff.teamWithPeople(1);
    const rule = await seed.rule();
    const course = await seed.course(t1.team.id);
    const c1 = (await openCase(rule, await seed.learner(course, { ownerId: t1.advisors[0].id }))).c;
    const c2 = (await openCase(rule, await seed.learner(course, { ownerId: t1.advisors[0].id }))).c;

    const foreign = await app
      .http()
      .post('/api/v1/cases/reassign')
      .set(t2.supervisor.auth)
      .send({ caseIds: [c1.id, c2.id], toAdvisorId: t2.advisors[0].id, reason: 'help out' });
    expect(foreign.status).toBe(403);
    const advisorTry = await app
      .http()
      .post('/api/v1/cases/reassign')
      .set(t1.advisors[0].auth)
      .send({ caseIds: [c1.id], toAdvisorId: t1.advisors[1].id, reason: 'x' });
    expect(advisorTry.status).toBe(403);
    const crossTeam = await app
      .http()
      .post('/api/v1/cases/reassign')
      .set(t1.supervisor.auth)
      .send({ caseIds: [c1.id, c2.id], toAdvisorId: t2.advisors[0].id, reason: 'x' });
    expect(crossTeam.status).toBe(403);
    const bad = await app
      .http()
      .post('/api/v1/cases/reassign')
      .set(t1.supervisor.auth)
      .send({ caseIds: ['nope'], toAdvisorId: t1.advisors[1].id, reason: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toMatch(/^caseIds/);
    expect((await seed.caseOf(c1.learner_id)).advisor_id).toBe(t1.advisors[0].id);

    const ok = await app
      .http()
      .post('/api/v1/cases/reassign')
      .set(t1.supervisor.auth)
      .send({ caseIds: [c1.id, c2.id], toAdvisorId: t1.advisors[1].id, reason: 'owner on leave' });
    expect(ok.status).toBe(200);
    expect(ok.body.moved).toBe(2);
    const again = await app
      .http()
      .post('/api/v1/cases/reassign')
      .set(t1.supervisor.auth)
      .send({ caseIds: [c1.id, c2.id], toAdvisorId: t1.advisors[1].id, reason: 'owner on leave' });
    expect(again.body.moved).toBe(0);
    const audit = await app.http().get(`/api/v1/audit?entity=case&entityId=${c1.id}&action=case.reassigned`).set(t1.supervisor.auth);
    expect(audit.body.items).toHaveLength(1);
    expect(audit.body.items[0]).toMatchObject({ actorId: t1.supervisor.id, before: { advisorId: t1.advisors[0].id }, after: { advisorId: t1.advisors[1].id } });
    expect(audit.body.items[0].reason).toMatch(/owner on leave/);

    // Admins may move anywhere; capacity is never exceeded (409, nothing moved).
    const admin = await app.staff.create('admin');
    const tiny = await app.staff.create('advisor', { teamId: t2.team.id, capacity: 1 });
    const full = await app
      .http()
      .post('/api/v1/cases/reassign')
      .set(admin.auth)
      .send({ caseIds: [c1.id, c2.id], toAdvisorId: tiny.id, reason: 'x' });
    expect(full.status).toBe(409);
    expect((await seed.caseOf(c1.learner_id)).advisor_id).toBe(t1.advisors[1].id);
  });

  it('moves all open cases of an away advisor in one call, through the policy', async () => {
    const { team, supervisor, advisors } = await app.staff.teamWithPeople(3);
    const rule = await seed.rule();
    const course = await seed.course(team.id);
    for (let i = 0; i < 3; i++) await openCase(rule, await seed.learner(course, { ownerId: advisors[0].id }));
    await app.http().patch(`/api/v1/staff/${advisors[0].id}`).set(supervisor.auth).send({ status: 'away' }).expect(200);
    const res = await app.http().post('/api/v1/cases/reassign').set(supervisor.auth).send({ fromAdvisorId: advisors[0].id, reason: 'on holiday' });
    expect(res.status).toBe(200);
    expect(res.body.moved).toBe(3);
    const counts = await app.db.query(`select advisor_id, count(*)::int as n from cases where team_id = $1 and status <> 'resolved' group by advisor_id`, [
      team.id,
    ]);
    expect(counts.find((r: any) => r.advisor_id === advisors[0].id)).toBeUndefined();
    expect(counts.reduce((s: number, r: any) => s + r.n, 0)).toBe(3);
    expect(Math.max(...counts.map((r: any) => r.n)) - Math.min(...counts.map((r: any) => r.n))).toBeLessThanOrEqual(1);
  });

  it('resolve: churned needs a reason (400), outcome is validated, repeats change nothing, advisors see only their own', async () => {
    const { team, advisors } = await app.staff.teamWithPeople(2);
    const rule = await seed.rule();
    const course = await seed.course(team.id);
    const { c } = await openCase(rule, await seed.learner(course, { ownerId: advisors[0].id }));
    const noReason = await app.http().post(`/api/v1/cases/${c.id}/resolve`).set(advisors[0].auth).send({ outcome: 'churned' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details).toEqual([{ field: 'churnReason', message: expect.any(String) }]);
    const badOutcome = await app.http().post(`/api/v1/cases/${c.id}/resolve`).set(advisors[0].auth).send({ outcome: 'gone' });
    expect(badOutcome.status).toBe(400);
    expect(badOutcome.body.details[0].field).toBe('outcome');
    expect((await app.http().post(`/api/v1/cases/${c.id}/resolve`).set(advisors[1].auth).send({ outcome: 'retained' })).status).toBe(404);
    expect((await app.http().get(`/api/v1/cases/${c.id}`).set(advisors[1].auth)).status).toBe(404);
    expect((await app.http().get('/api/v1/cases/not-a-uuid').set(advisors[0].auth)).status).toBe(400);

    const ok = await app.http().post(`/api/v1/cases/${c.id}/resolve`).set(advisors[0].auth).send({ outcome: 'churned', churnReason: 'life_circumstances' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'resolved', outcome: 'churned', churnReason: 'life_circumstances' });
    const repeat = await app.http().post(`/api/v1/cases/${c.id}/resolve`).set(advisors[0].auth).send({ outcome: 'churned', churnReason: 'life_circumstances' });
    expect(repeat.status).toBe(200);
    const conflict = await app.http().post(`/api/v1/cases/${c.id}/resolve`).set(advisors[0].auth).send({ outcome: 'retained' });
    expect(conflict.status).toBe(409);
    const tasks = await app.db.query(`select status from tasks where case_id = $1`, [c.id]);
    expect(tasks.every((t: any) => t.status === 'cancelled')).toBe(true);
    const resolvedAudits = await app.db.query(
      `select count(*)::int as n from audit_log where entity = 'case' and entity_id = $1 and action = 'case.resolved'`,
      [c.id],
    );
    expect(resolvedAudits[0].n).toBe(1);
  });

  it('lists by priority then due time with a cursor, and advisors see only their own', async () => {
    const { team, supervisor, advisors } = await app.staff.teamWithPeople(1, { capacity: 100 });
    const low = await seed.rule({ severity: 'low' });
    const high = await seed.rule({ severity: 'high' });
    const course = await seed.course(team.id);
    await openCase(low, await seed.learner(course), 'low');
    await openCase(high, await seed.learner(course), 'high');
    await openCase(low, await seed.learner(course), 'low');
    const page1 = await app.http().get(`/api/v1/cases?teamId=${team.id}&limit=2`).set(supervisor.auth);
    expect(page1.status).toBe(200);
    expect(page1.body.items[0].priority).toBe('high');
    const page2 = await app.http().get(`/api/v1/cases?teamId=${team.id}&limit=2&cursor=${page1.body.nextCursor}`).set(supervisor.auth);
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const all = [...page1.body.items, ...page2.body.items];
    expect(new Set(all.map((i: any) => i.id)).size).toBe(3);
    expect(all[1].dueAt <= all[2].dueAt).toBe(true);
    const mine = await app.http().get('/api/v1/cases').set(advisors[0].auth);
    expect(mine.body.items.length).toBe(3);
    expect(mine.body.items.every((i: any) => i.advisorId === advisors[0].id)).toBe(true);
    const other = await app.staff.create('advisor', { teamId: team.id });
    expect((await app.http().get('/api/v1/cases').set(other.auth)).body.items).toEqual([]);
    expect((await app.http().get('/api/v1/cases?unassigned=maybe').set(supervisor.auth)).status).toBe(400);
  });

  it('holdout learners get the alert but no case and no task', async () => {
    const { team } = await app.staff.teamWithPeople(1);
    const rule = await seed.rule();
    const who = await seed.learner(await seed.course(team.id), { holdout: true });
    const alertId = await seed.alert(rule, who);
    await eventually(() => seed.intakeDone(alertId));
    expect(await seed.caseOf(who.learnerId)).toBeUndefined();
    expect((await app.db.query(`select count(*)::int as n from tasks where learner_id = $1`, [who.learnerId]))[0].n).toBe(0);
  });

  it('says when every alert cleared before contact, and closes as not_at_risk in one call', async () => {
    const { team, advisors } = await app.staff.teamWithPeople(1);
    const rule = await seed.rule();
    const who = await seed.learner(await seed.course(team.id));
    const { alertId, c } = await openCase(rule, who);
    await seed.clear(alertId);
    await eventually(async () => (await seed.caseOf(who.learnerId))?.all_alerts_cleared_at);
    const view = await app.http().get(`/api/v1/cases/${c.id}`).set(advisors[0].auth);
    expect(view.body).toMatchObject({ allAlertsCleared: true, openAlerts: 0 });
    const closed = await app.http().post(`/api/v1/cases/${c.id}/resolve`).set(advisors[0].auth).send({ outcome: 'not_at_risk' });
    expect(closed.body).toMatchObject({ status: 'resolved', outcome: 'not_at_risk' });
  });

  it('complaints go to the supervisor escalation queue with high priority', async () => {
    const { team, supervisor } = await app.staff.teamWithPeople(1);
    const rule = await seed.rule({ kind: 'complaints', severity: 'high', taskKind: 'escalation' });
    const who = await seed.learner(await seed.course(team.id));
    const { c } = await openCase(rule, who, 'high');
    expect(c).toMatchObject({ queue: 'escalation', advisor_id: supervisor.id, escalated_to: supervisor.id });
    expect(['high', 'urgent']).toContain(c.priority);
    const q = await app.http().get('/api/v1/cases?queue=escalation').set(supervisor.auth);
    expect(q.body.items.map((i: any) => i.id)).toContain(c.id);
    const tasks = await app.db.query(`select kind, assignee_id from tasks where case_id = $1`, [c.id]);
    expect(tasks).toEqual([{ kind: 'escalation', assignee_id: supervisor.id }]);
    const events = await app.db.query(`select count(*)::int as n from outbox where event_type = 'case.escalated' and aggregate_id = $1`, [c.id]);
    expect(events[0].n).toBe(1);
  });

  it('escalates an untouched case at its due time, and not one handled or rescheduled in time', async () => {
    const { team, supervisor } = await app.staff.teamWithPeople(1, { workingHours: AROUND_THE_CLOCK as never });
    const rule = await seed.rule({ dueWithinHours: 1 / 1800 }); // two seconds
    const course = await seed.course(team.id);
    const untouched = (await openCase(rule, await seed.learner(course))).c;
    const handled = (await openCase(rule, await seed.learner(course))).c;
    const moved = (await openCase(rule, await seed.learner(course))).c;
    await app.db.query(`update cases set first_contact_at = now(), status = 'in_progress' where id = $1`, [handled.id]);
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect(
      (await app.http().post(`/api/v1/cases/${moved.id}/reschedule`).set(supervisor.auth).send({ dueAt: later, reason: 'learner asked for tomorrow' })).status,
    ).toBe(200);

    await eventually(async () => (await app.db.query(`select escalated_at from cases where id = $1`, [untouched.id]))[0].escalated_at);
    const [u] = await app.db.query(`select escalated_to, priority from cases where id = $1`, [untouched.id]);
    expect(u.escalated_to).toBe(supervisor.id);
    const esc = await app.db.query(`select payload from outbox where event_type = 'case.escalated' and aggregate_id = $1`, [untouched.id]);
    expect(esc).toHaveLength(1);
    expect(esc[0].payload).toMatchObject({ caseId: untouched.id, supervisorId: supervisor.id });
    // The handled case's deadline job and the moved case's original one have run and found nothing to do.
    const queue = app.get(QueueService, 'worker').queue(QueueName.Cases);
    for (const c of [handled, moved]) {
      const job = await queue.getJob(escalationJobId([c.id], new Date(c.due_at).getTime()));
      await eventually(async () => (await job!.isCompleted()) && job);
    }
    expect((await app.db.query(`select count(*)::int as n from cases where id = any($1) and escalated_at is null`, [[handled.id, moved.id]]))[0].n).toBe(2);
    const history = await app.http().get(`/api/v1/cases/${untouched.id}`).set(supervisor.auth);
    expect(history.body.history.find((h: any) => h.action === 'case.escalated').reason).toMatch(/no first contact/);
  });
  it('the periodic sweep takes in alerts whose job was lost and escalates overdue cases', async () => {
    const { team } = await app.staff.teamWithPeople(1);
    const rule = await seed.rule();
    const who = await seed.learner(await seed.course(team.id));
    // An alert whose alert.opened event never reached the queue.
    const [a] = await app.db.query(
      `insert into alerts (rule_key, learner_id, enrollment_id, status, severity, evidence, opened_at, refreshed_at)
       values ($1, $2, $3, 'open', 'medium', '{}', now(), now()) returning id`,
      [rule, who.learnerId, who.enrollmentId],
    );
    const r = await app.get(CaseSweepService, 'worker').sweep();
    expect(r.alertsTakenIn).toBeGreaterThanOrEqual(1);
    expect(await seed.intakeDone(a.id)).toBe(true);
    const c = await seed.caseOf(who.learnerId);
    expect(c.advisor_id).toBeTruthy();
    // Its deadline job is lost too: the sweep escalates the overdue case.
    await app.db.query(`update cases set due_at = now() - interval '1 hour' where id = $1`, [c.id]);
    expect((await app.get(CaseSweepService, 'worker').sweep()).escalated).toBeGreaterThanOrEqual(1);
    expect((await seed.caseOf(who.learnerId)).escalated_at).toBeTruthy();
    const again = await app.get(CaseSweepService, 'worker').sweep();
    expect(again.alertsTakenIn).toBe(0);
    const audits = await app.db.query(`select count(*)::int as n from audit_log where entity = 'case' and entity_id = $1 and action = 'case.escalated'`, [
      c.id,
    ]);
    expect(audits[0].n).toBe(1);
  });

  it('rejects bad reassignment and assignment input with 400 naming the field', async () => {
    const { team, supervisor, advisors } = await app.staff.teamWithPeople(2);
    const rule = await seed.rule();
    const { c } = await openCase(rule, await seed.learner(await seed.course(team.id), { ownerId: advisors[0].id }));
    const both = await app
      .http()
      .post('/api/v1/cases/reassign')
      .set(supervisor.auth)
      .send({ caseIds: [c.id], fromAdvisorId: advisors[0].id, reason: 'x' });
    expect(both.status).toBe(400);
    expect(both.body.details[0].field).toBe('caseIds');
    const noReason = await app.http().post(`/api/v1/cases/${c.id}/assign`).set(supervisor.auth).send({ advisorId: advisors[1].id });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details[0].field).toBe('reason');
    await app.http().patch(`/api/v1/staff/${advisors[1].id}`).set(supervisor.auth).send({ status: 'away' }).expect(200);
    const away = await app.http().post(`/api/v1/cases/${c.id}/assign`).set(supervisor.auth).send({ advisorId: advisors[1].id, reason: 'x' });
    expect(away.status).toBe(400);
    expect(away.body.details[0].field).toBe('advisorId');
    const unknown = await app
      .http()
      .post(`/api/v1/cases/${c.id}/assign`)
      .set(supervisor.auth)
      .send({ advisorId: '00000000-0000-4000-8000-000000000000', reason: 'x' });
    expect(unknown.status).toBe(400);
    const badDue = await app.http().post(`/api/v1/cases/${c.id}/reschedule`).set(supervisor.auth).send({ dueAt: 'tomorrow', reason: 'x' });
    expect(badDue.status).toBe(400);
    expect(badDue.body.details[0].field).toBe('dueAt');
    expect((await seed.caseOf(c.learner_id)).advisor_id).toBe(advisors[0].id);
  });
});
