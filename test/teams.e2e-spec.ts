import { CaseEscalationService } from '../libs/cases/case-escalation.service.js';
import { TicketSlaService } from '../libs/tickets/ticket-sla.service.js';
import { eventually, TestApp, type TestStaff } from '../libs/testing/index.js';
import { LearningDataFactory } from '../libs/testing/learning-data.factory.js';

/** 14:00 in Shanghai on 2026-11-25: the school day runs from 2026-11-24T16:00Z to 2026-11-25T16:00Z. */
const NOW = '2026-11-25T06:00:00.000Z';

describe('teams: the supervisor board (GET /teams/:id/board)', () => {
  let app: TestApp;
  let data: LearningDataFactory;
  let admin: TestStaff;
  let team: { id: string; name: string };
  let supervisor: TestStaff;
  let ann: TestStaff;
  let bob: TestStaff;
  let other: Awaited<ReturnType<TestApp['staff']['teamWithPeople']>>;
  const ids: Record<string, string> = {};

  /** One learner per case (one open case per learner). */
  async function kase(c: {
    team: string | null;
    advisor: string | null;
    status?: string;
    queue?: string;
    openedAt?: string;
    escalatedAt?: string | null;
  }): Promise<string> {
    const learner = await data.learner({ name: `Board learner ${Math.random().toString(36).slice(2, 8)}` });
    const [row] = await app.db.query(
      `insert into cases (learner_id, team_id, advisor_id, status, priority, queue, opened_at, escalated_at, resolved_at)
       values ($1, $2, $3, $4, 'medium', $5, $6, $7, case when $4 = 'resolved' then now() end) returning id`,
      [learner.id, c.team, c.advisor, c.status ?? 'open', c.queue ?? 'advisor', c.openedAt ?? '2026-11-20T00:00:00Z', c.escalatedAt ?? null],
    );
    return row.id;
  }

  async function task(assignee: string, status: string, dueAt: string, completedAt: string | null = null): Promise<void> {
    const learner = await data.learner();
    await app.db.query(`insert into tasks (kind, assignee_id, learner_id, due_at, status, completed_at) values ('care_call', $1, $2, $3, $4, $5)`, [
      assignee,
      learner.id,
      dueAt,
      status,
      completedAt,
    ]);
  }

  beforeAll(async () => {
    // No worker: the pool backfill would hand the seeded pool to the advisors.
    app = await TestApp.start({ worker: false });
    app.setNow(NOW);
    data = new LearningDataFactory(app.db);
    admin = await app.staff.create('admin');
    team = await app.staff.team(`Board team ${Date.now()}`);
    supervisor = await app.staff.create('supervisor', { teamId: team.id, name: 'Sue Board' });
    await app.db.query(`update teams set supervisor_id = $1 where id = $2`, [supervisor.id, team.id]);
    // Created out of name order: the board lists by name.
    bob = await app.staff.create('advisor', { teamId: team.id, name: 'Bob Board', status: 'away', capacity: 5 });
    ann = await app.staff.create('advisor', { teamId: team.id, name: 'Ann Board', capacity: 10 });
    await app.staff.create('advisor', { teamId: team.id, name: 'Cy Board', status: 'inactive' });
    other = await app.staff.teamWithPeople(1);

    // Ann: 2 open + 1 in progress (+1 resolved, not counted); one of her open cases is past its deadline.
    ids.annEscalated = await kase({ team: team.id, advisor: ann.id, escalatedAt: '2026-11-25T04:00:00Z' });
    await kase({ team: team.id, advisor: ann.id });
    await kase({ team: team.id, advisor: ann.id, status: 'in_progress' });
    await kase({ team: team.id, advisor: ann.id, status: 'resolved' });
    // Bob: 1 open.
    await kase({ team: team.id, advisor: bob.id });
    // The pool: three, opened on different days, created newest first; not the resolved one nor another team's.
    ids.pool3 = await kase({ team: team.id, advisor: null, openedAt: '2026-11-24T00:00:00Z' });
    ids.pool1 = await kase({ team: team.id, advisor: null, openedAt: '2026-11-22T00:00:00Z' });
    ids.pool2 = await kase({ team: team.id, advisor: null, openedAt: '2026-11-23T00:00:00Z' });
    await kase({ team: team.id, advisor: null, status: 'resolved' });
    await kase({ team: other.team.id, advisor: null });
    // A complaint in the escalation queue (more recent than Ann's), and a resolved escalation (not counted).
    ids.complaint = await kase({ team: team.id, advisor: supervisor.id, queue: 'escalation', escalatedAt: '2026-11-25T05:00:00Z' });
    await kase({ team: team.id, advisor: supervisor.id, queue: 'escalation', escalatedAt: '2026-11-25T05:30:00Z', status: 'resolved' });
    await kase({ team: other.team.id, advisor: other.supervisor.id, queue: 'escalation', escalatedAt: '2026-11-25T05:00:00Z' });

    // Ann's tasks. Done today: one done, one missed (an outcome was logged); the one done at 23:00 yesterday
    // (Shanghai) does not count.
    await task(ann.id, 'done', '2026-11-25T01:00:00Z', '2026-11-25T02:00:00Z');
    await task(ann.id, 'missed', '2026-11-25T02:00:00Z', '2026-11-25T03:00:00Z');
    await task(ann.id, 'done', '2026-11-24T14:00:00Z', '2026-11-24T15:00:00Z');
    // Due later today (up to 23:59 Shanghai), not tomorrow's.
    await task(ann.id, 'scheduled', '2026-11-25T08:00:00Z');
    await task(ann.id, 'scheduled', '2026-11-25T15:59:00Z');
    await task(ann.id, 'scheduled', '2026-11-25T16:30:00Z');
    // Overdue: due earlier today and last week; a cancelled one counts nowhere.
    await task(ann.id, 'scheduled', '2026-11-25T05:00:00Z');
    await task(ann.id, 'scheduled', '2026-11-20T05:00:00Z');
    await task(ann.id, 'cancelled', '2026-11-25T09:00:00Z');
    // Bob: one due this afternoon.
    await task(bob.id, 'scheduled', '2026-11-25T07:00:00Z');

    // Cohort alerts: today's for both team courses; yesterday's and another team's are not shown.
    await app.db.query(
      `insert into rules (key, name, kind, params, severity, action) values ('inactive_7d', 'Inactive 7 days', 'inactive_days', '{"days":7}', 'medium', '{"taskKind":"care_call","dueWithinHours":24}') on conflict (key) do nothing`,
    );
    const c1 = await data.course({ teamId: team.id, title: 'Board course one' });
    const c2 = await data.course({ teamId: team.id, title: 'Board course two' });
    const c3 = await data.course({ teamId: other.team.id });
    const cohort = async (courseId: string, day: string, affected: number, population: number) => {
      const [row] = await app.db.query(
        `insert into cohort_alerts (rule_key, course_id, day, affected, population, share, threshold) values ('inactive_7d', $1, $2, $3::int, $4::int, round($3::int::numeric / $4::int, 4), 0.05) returning id`,
        [courseId, day, affected, population],
      );
      return row.id as string;
    };
    ids.cohort1 = await cohort(c1.id, '2026-11-25', 8, 100);
    ids.cohort2 = await cohort(c2.id, '2026-11-25', 10, 100);
    await cohort(c1.id, '2026-11-24', 9, 100);
    await cohort(c3.id, '2026-11-25', 20, 100);
  });
  afterAll(async () => {
    await app?.close();
  });

  it("gives the team's figures, hand-counted", async () => {
    const res = await app.http().get(`/api/v1/teams/${team.id}/board`).set(supervisor.auth);
    expect(res.status).toBe(200);
    const b = res.body;
    expect(b.team).toEqual({ id: team.id, name: team.name, supervisorId: supervisor.id, supervisorName: 'Sue Board' });
    expect(b.date).toBe('2026-11-25');
    expect(b.advisors).toEqual([
      { id: ann.id, name: 'Ann Board', email: ann.email, status: 'active', capacity: 10, openCases: 3, tasksDone: 2, tasksDue: 2, tasksOverdue: 2 },
      { id: bob.id, name: 'Bob Board', email: bob.email, status: 'away', capacity: 5, openCases: 1, tasksDone: 0, tasksDue: 1, tasksOverdue: 0 },
    ]);
    expect(b.unassigned.total).toBe(3);
    expect(b.unassigned.cases.map((c: any) => c.id)).toEqual([ids.pool1, ids.pool2, ids.pool3]);
    expect(b.unassigned.cases[0]).toMatchObject({ advisorId: null, teamId: team.id, status: 'open', queue: 'advisor' });
    expect(b.escalated.total).toBe(2);
    expect(b.escalated.cases.map((c: any) => c.id)).toEqual([ids.complaint, ids.annEscalated]);
    expect(b.cohortAlerts.map((a: any) => [a.id, a.courseTitle, a.share])).toEqual([
      [ids.cohort2, 'Board course two', 0.1],
      [ids.cohort1, 'Board course one', 0.08],
    ]);
  });

  it("is for the supervisor of the team and admins: an advisor gets 403, another team's supervisor 404", async () => {
    const url = `/api/v1/teams/${team.id}/board`;
    expect((await app.http().get(url).set(admin.auth)).body.advisors).toHaveLength(2);
    expect((await app.http().get(url).set(ann.auth)).status).toBe(403);
    expect((await app.http().get(url).set(other.supervisor.auth)).status).toBe(404);
    expect((await app.http().get(`/api/v1/teams/${other.team.id}/board`).set(supervisor.auth)).status).toBe(404);
    expect((await app.http().get(`/api/v1/teams/${ann.id}/board`).set(admin.auth)).status).toBe(404);
    const bad = await app.http().get('/api/v1/teams/not-a-uuid/board').set(admin.auth);
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('id');
  });

  it('caps each list at 50 and still counts them all', async () => {
    const big = await app.staff.teamWithPeople(0);
    for (let i = 0; i < 52; i++)
      await kase({ team: big.team.id, advisor: null, openedAt: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 60_000).toISOString() });
    const res = await app.http().get(`/api/v1/teams/${big.team.id}/board`).set(big.supervisor.auth).expect(200);
    expect(res.body.unassigned.total).toBe(52);
    expect(res.body.unassigned.cases).toHaveLength(50);
    expect(res.body.advisors).toEqual([]);
  });
});

describe('teams: every team has a supervisor who receives its escalations, else the admins do', () => {
  let app: TestApp;
  let admin: TestStaff;
  let key: { Authorization: string };
  const http = () => app.http();
  let n = 0;
  const email = (who: string) => `${who}-${Date.now().toString(36)}-${++n}@test.careloop`;

  async function createStaff(role: string, teamId: string | null, name: string, extra: Record<string, unknown> = {}) {
    const res = await http()
      .post('/api/v1/staff')
      .set(admin.auth)
      .send({ email: email(role), name, password: 'long enough pw', role, teamId: teamId ?? undefined, ...extra });
    expect(res.status).toBe(201);
    return res.body as { id: string; name: string };
  }
  const teamAudit = async (teamId: string) => (await http().get(`/api/v1/audit?entity=team&entityId=${teamId}`).set(admin.auth).expect(200)).body.items;
  const teamOf = async (teamId: string) => (await http().get('/api/v1/teams').set(admin.auth).expect(200)).body.find((t: any) => t.id === teamId);

  /** A learner of a course of `teamId` with two complaints this month, synced as the school's platform would. */
  async function learnerWithTwoComplaints(teamId: string): Promise<string> {
    const tag = `${Date.now().toString(36)}-${++n}`;
    await http()
      .put('/api/v1/sync/courses')
      .set(key)
      .send({ items: [{ externalId: `c-${tag}`, title: 'Story course', totalLessons: 20, durationDays: 90, teamId }] })
      .expect(200);
    await http()
      .put('/api/v1/sync/learners')
      .set(key)
      .send({ items: [{ externalId: `l-${tag}`, name: `Story learner ${tag}` }] })
      .expect(200);
    const enrolledAt = new Date(Date.now() - 20 * 86_400_000).toISOString();
    await http()
      .put('/api/v1/sync/enrollments')
      .set(key)
      .send({ items: [{ externalId: `e-${tag}`, learnerExternalId: `l-${tag}`, courseExternalId: `c-${tag}`, enrolledAt, status: 'active' }] })
      .expect(200);
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const events = [
      { eventId: `login-${tag}`, learnerExternalId: `l-${tag}`, courseExternalId: `c-${tag}`, type: 'login', occurredAt: at(3) },
      { eventId: `cmp1-${tag}`, learnerExternalId: `l-${tag}`, courseExternalId: `c-${tag}`, type: 'complaint', occurredAt: at(2) },
      { eventId: `cmp2-${tag}`, learnerExternalId: `l-${tag}`, courseExternalId: `c-${tag}`, type: 'complaint', occurredAt: at(1) },
    ];
    const sent = await http().post('/api/v1/sync/events').set(key).send({ items: events }).expect(200);
    expect(sent.body.summary.created).toBe(3);
    return (await http().get(`/api/v1/learners?q=l-${tag}`).set(admin.auth).expect(200)).body.items[0].id;
  }

  /** Runs the rules as an admin would and waits for the learner's case to exist. */
  async function caseAfterRules(learnerId: string) {
    const started = await http().post('/api/v1/rules/evaluate').set(admin.auth).send({}).expect(202);
    await eventually(async () => ['completed', 'failed'].includes((await http().get(`/api/v1/rule-runs/${started.body.runId}`).set(admin.auth)).body.status));
    const listed = await eventually(async () => (await http().get(`/api/v1/cases?learnerId=${learnerId}`).set(admin.auth).expect(200)).body.items[0]);
    return (await http().get(`/api/v1/cases/${listed.id}`).set(admin.auth).expect(200)).body;
  }

  beforeAll(async () => {
    // Its own database: the rule runs below evaluate every learner there is.
    app = await TestApp.start({ ownDatabase: true });
    admin = await app.staff.create('admin');
    const client = await http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: 'Story LMS', scopes: ['sync:write'] })
      .expect(201);
    key = { Authorization: `Bearer ${client.body.key}` };
  });
  afterAll(async () => {
    await app?.close();
  });

  it("the issue's story: a team, then its supervisor, then advisors; two complaints escalate to that supervisor", async () => {
    const team = (await http().post('/api/v1/teams').set(admin.auth).send({ name: 'Story team' }).expect(201)).body;
    expect(team).toMatchObject({ supervisorId: null, supervisorName: null });
    const sue = await createStaff('supervisor', team.id, 'Sue Story');
    expect(await teamOf(team.id)).toMatchObject({ supervisorId: sue.id, supervisorName: 'Sue Story' });
    const audit = await teamAudit(team.id);
    expect(audit.find((e: any) => e.action === 'team.updated')).toMatchObject({
      actorType: 'staff',
      actorId: admin.id,
      before: { supervisorId: null },
      after: { supervisorId: sue.id, supervisorName: 'Sue Story' },
      reason: expect.stringMatching(/first supervisor/),
    });
    // A second supervisor and the advisors join; the team keeps its first supervisor.
    await createStaff('supervisor', team.id, 'Sam Second');
    await createStaff('advisor', team.id, 'Ada Story');
    await createStaff('advisor', team.id, 'Abe Story');
    expect((await teamOf(team.id)).supervisorId).toBe(sue.id);

    const c = await caseAfterRules(await learnerWithTwoComplaints(team.id));
    expect(c).toMatchObject({ queue: 'escalation', escalatedTo: sue.id, advisorId: sue.id, teamId: team.id });
    expect(c.assignmentReason).toMatch(/supervisor/);
    expect(c.assignmentReason).not.toMatch(/no supervisor/);
  });

  it('a team without a supervisor escalates complaints to the admins and says so in the case', async () => {
    const team = (await http().post('/api/v1/teams').set(admin.auth).send({ name: 'Leaderless team' }).expect(201)).body;
    await createStaff('advisor', team.id, 'Ola Alone');
    const c = await caseAfterRules(await learnerWithTwoComplaints(team.id));
    // The first active admin by creation owns it: it is in their queue, not in a queue nobody sees.
    const [first] = await app.db.query(`select id from staff where role = 'admin' and status = 'active' order by created_at, id limit 1`);
    expect(c).toMatchObject({ queue: 'escalation', escalatedTo: first.id, advisorId: first.id });
    expect(c.assignmentReason).toBe('complaints rule: team has no supervisor: escalated to the admins');
    expect(c.history.find((h: any) => h.action === 'case.escalated').reason).toMatch(/team has no supervisor: escalated to the admins/);
    const [event] = await app.db.query(`select payload from outbox where event_type = 'case.escalated' and aggregate_id = $1`, [c.id]);
    expect(event.payload).toMatchObject({ supervisorId: first.id, escalatedToAdmins: true });
  });

  it('a missed first-contact deadline in a team without a supervisor escalates to the admins', async () => {
    const team = (await http().post('/api/v1/teams').set(admin.auth).send({ name: 'Deadline team' }).expect(201)).body;
    const advisor = await createStaff('advisor', team.id, 'Dee Deadline');
    const learner = (await app.db.query(`insert into learners (external_id, name) values ($1, 'Deadline learner') returning id`, [`dl-${Date.now()}`]))[0].id;
    const [kase] = await app.db.query(
      `insert into cases (learner_id, team_id, advisor_id, status, priority, due_at) values ($1, $2, $3, 'open', 'medium', now() - interval '1 hour') returning id`,
      [learner, team.id, advisor.id],
    );
    // The safety-net sweep, run now rather than waiting for its schedule (which may also get there first).
    await app.get(CaseEscalationService, 'worker').sweep();
    const c = (await http().get(`/api/v1/cases/${kase.id}`).set(admin.auth).expect(200)).body;
    const [first] = await app.db.query(`select id from staff where role = 'admin' and status = 'active' order by created_at, id limit 1`);
    expect(c).toMatchObject({ escalatedTo: first.id, advisorId: advisor.id });
    expect(c.history.find((h: any) => h.action === 'case.escalated').reason).toMatch(
      /no first contact by the due time .*; team has no supervisor: escalated to the admins/,
    );
  });

  it('a ticket past its SLA in a team without a supervisor escalates to the admins, and the audit says so', async () => {
    const team = (await http().post('/api/v1/teams').set(admin.auth).send({ name: 'Desk without a lead' }).expect(201)).body;
    await createStaff('advisor', team.id, 'Tia Ticket');
    const allWeek = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));
    const cal = await http().post('/api/v1/calendars').set(admin.auth).send({ name: 'Always open', timezone: 'Asia/Shanghai', hours: allWeek }).expect(201);
    await http()
      .post('/api/v1/sla-policies')
      .set(admin.auth)
      .send({ name: 'One hour', position: 1, match: {}, calendarId: cal.body.id, firstResponseMinutes: 60, resolutionMinutes: 600 })
      .expect(201);
    await http()
      .put('/api/v1/ticket-routes')
      .set(admin.auth)
      .send({ routes: [{ category: 'technical', teamId: team.id }] })
      .expect(200);
    const learner = (await app.db.query(`insert into learners (external_id, name) values ($1, 'Ticket learner') returning id`, [`tl-${Date.now()}`]))[0].id;
    const t = (
      await http()
        .post('/api/v1/tickets')
        .set(admin.auth)
        .send({ learnerId: learner, category: 'technical', subject: 'Video stops', body: 'At 2 minutes.' })
        .expect(201)
    ).body;
    expect(t.teamId).toBe(team.id);
    app.setNow(new Date(Date.parse(t.firstResponseDueAt) + 60_000));
    try {
      const outcome = await app
        .get(TicketSlaService, 'worker')
        .runCheck({ ticketId: t.id, target: 'first_response', kind: 'breach', at: t.firstResponseDueAt });
      // The worker's own delayed check may have got there first once the clock moved.
      expect(['escalated', 'done']).toContain(outcome);
    } finally {
      app.setNow(undefined);
    }
    const [first] = await app.db.query(`select id from staff where role = 'admin' and status = 'active' order by created_at, id limit 1`);
    expect((await http().get(`/api/v1/tickets/${t.id}`).set(admin.auth).expect(200)).body.escalatedToId).toBe(first.id);
    const audit = (await http().get(`/api/v1/audit?entity=ticket&entityId=${t.id}&action=ticket.escalated`).set(admin.auth).expect(200)).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0].reason).toMatch(/first-response SLA breached .*; team has no supervisor: escalated to the admins/);
    const [event] = await app.db.query(`select payload from outbox where event_type = 'ticket.escalated' and aggregate_id = $1`, [t.id]);
    expect(event.payload).toMatchObject({ supervisorId: first.id, escalatedToAdmins: true });
  });

  it('PATCH /teams/:id renames and sets or clears the supervisor (admin only, audited, 400 naming the field)', async () => {
    const team = (await http().post('/api/v1/teams').set(admin.auth).send({ name: 'Patch team' }).expect(201)).body;
    const advisor = await createStaff('advisor', team.id, 'Pat Advisor');
    const boss = await createStaff('supervisor', null, 'Bea Boss');
    const gone = await createStaff('supervisor', null, 'Gil Gone', { status: 'inactive' });
    const url = `/api/v1/teams/${team.id}`;

    const set = await http().patch(url).set(admin.auth).send({ name: 'Patch team North', supervisorId: boss.id, reason: 'Bea takes over' }).expect(200);
    expect(set.body).toMatchObject({ id: team.id, name: 'Patch team North', supervisorId: boss.id, supervisorName: 'Bea Boss' });
    const entry = (await teamAudit(team.id)).find((e: any) => e.action === 'team.updated');
    expect(entry).toMatchObject({
      actorId: admin.id,
      before: { name: 'Patch team', supervisorId: null },
      after: { name: 'Patch team North', supervisorId: boss.id },
      reason: 'Bea takes over',
    });
    // The new supervisor sees the team's board.
    const bossToken = (
      await http()
        .post('/api/v1/auth/login')
        .send({ email: (await app.db.query(`select email from staff where id = $1`, [boss.id]))[0].email, password: 'long enough pw' })
        .expect(200)
    ).body.accessToken;
    expect(
      (
        await http()
          .get(`${url}/board`)
          .set({ Authorization: `Bearer ${bossToken}` })
      ).status,
    ).toBe(200);

    for (const [supervisorId, why] of [
      [advisor.id, /supervisor/],
      [gone.id, /inactive/],
      [admin.id, /supervisor/],
      ['5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34', /supervisor/],
    ] as const) {
      const bad = await http().patch(url).set(admin.auth).send({ supervisorId });
      expect(bad.status).toBe(400);
      expect(bad.body.details).toEqual([{ field: 'supervisorId', message: expect.stringMatching(why) }]);
    }
    const notUuid = await http().patch(url).set(admin.auth).send({ supervisorId: 'boss' });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.details[0].field).toBe('supervisorId');
    expect((await http().patch(url).set(admin.auth).send({ name: '' })).body.details[0].field).toBe('name');
    const other = (await http().post('/api/v1/teams').set(admin.auth).send({ name: 'Patch team South' }).expect(201)).body;
    expect((await http().patch(url).set(admin.auth).send({ name: other.name })).status).toBe(409);
    expect((await http().patch(`/api/v1/teams/${advisor.id}`).set(admin.auth).send({ name: 'Nobody' })).status).toBe(404);
    const bossAuth = { Authorization: `Bearer ${bossToken}` };
    expect((await http().patch(url).set(bossAuth).send({ name: 'Mine now' })).status).toBe(403);

    const cleared = await http().patch(url).set(admin.auth).send({ supervisorId: null }).expect(200);
    expect(cleared.body).toMatchObject({ supervisorId: null, supervisorName: null, name: 'Patch team North' });
    const last = (await teamAudit(team.id)).filter((e: any) => e.action === 'team.updated');
    expect(last.map((e: any) => e.after.supervisorId)).toEqual(expect.arrayContaining([null, boss.id]));
    // A no-op changes nothing and records nothing.
    await http().patch(url).set(admin.auth).send({ supervisorId: null }).expect(200);
    expect((await teamAudit(team.id)).filter((e: any) => e.action === 'team.updated')).toHaveLength(last.length);
  });

  it('a supervisor moved (PATCH /staff/:id) into a team without one becomes its supervisor; into one with a supervisor, not', async () => {
    const empty = (await http().post('/api/v1/teams').set(admin.auth).send({ name: 'Move-to team' }).expect(201)).body;
    const led = (await http().post('/api/v1/teams').set(admin.auth).send({ name: 'Already led team' }).expect(201)).body;
    const lead = await createStaff('supervisor', led.id, 'Lea Lead');
    const mover = await createStaff('supervisor', null, 'Mo Mover');
    const other = await createStaff('supervisor', null, 'Oz Other');
    await http().patch(`/api/v1/staff/${mover.id}`).set(admin.auth).send({ teamId: empty.id, reason: 'moves teams' }).expect(200);
    expect(await teamOf(empty.id)).toMatchObject({ supervisorId: mover.id, supervisorName: 'Mo Mover' });
    expect((await teamAudit(empty.id)).find((e: any) => e.action === 'team.updated')).toMatchObject({ actorId: admin.id, after: { supervisorId: mover.id } });
    await http().patch(`/api/v1/staff/${other.id}`).set(admin.auth).send({ teamId: led.id }).expect(200);
    expect((await teamOf(led.id)).supervisorId).toBe(lead.id);
    // An advisor promoted to supervisor in a team without one becomes its supervisor too.
    const promoted = (await http().post('/api/v1/teams').set(admin.auth).send({ name: 'Promotion team' }).expect(201)).body;
    const ann = await createStaff('advisor', promoted.id, 'Ann Promoted');
    expect((await teamOf(promoted.id)).supervisorId).toBeNull();
    await http().patch(`/api/v1/staff/${ann.id}`).set(admin.auth).send({ role: 'supervisor' }).expect(200);
    expect((await teamOf(promoted.id)).supervisorId).toBe(ann.id);
  });
});
