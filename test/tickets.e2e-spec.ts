import { randomUUID } from 'node:crypto';
import { SYSTEM } from '../libs/access/actor.js';
import { QueueService } from '../libs/queue/queue.service.js';
import { QueueName } from '../libs/queue/jobs.js';
import { TicketSlaService } from '../libs/tickets/ticket-sla.service.js';
import { TICKET_TIMELINE_SQL } from '../libs/tickets/ticket-timeline.sql.js';
import { TicketReadsService } from '../libs/tickets/ticket-reads.service.js';
import { eventually, TestApp, type TestStaff } from '../libs/testing/index.js';

const SPLIT = [
  ['09:00', '12:00'],
  ['13:30', '17:30'],
];
const WEEK = { mon: SPLIT, tue: SPLIT, wed: SPLIT, thu: SPLIT, fri: SPLIT };
/** Wall-clock time in Shanghai (UTC+8, no DST) as an ISO instant. */
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

describe('support desk tickets (e2e)', () => {
  let app: TestApp;
  let admin: TestStaff;
  let desk: Awaited<ReturnType<TestApp['staff']['teamWithPeople']>>;
  let other: Awaited<ReturnType<TestApp['staff']['teamWithPeople']>>;
  let calendarId: string;
  let syncKey: string;
  let readKey: string;

  const learner = async (opts: { enrolled?: boolean } = {}) => {
    const ext = `L-${randomUUID().slice(0, 8)}`;
    const [l] = await app.db.query(`insert into learners (external_id, name) values ($1, $2) returning id`, [ext, `Learner ${ext}`]);
    let enrollmentId: string | undefined;
    if (opts.enrolled) {
      const [c] = await app.db.query(`insert into courses (external_id, title, total_lessons, duration_days) values ($1, 'Python', 20, 90) returning id`, [
        `C-${ext}`,
      ]);
      const [e] = await app.db.query(
        `insert into enrollments (external_id, learner_id, course_id, enrolled_at, status) values ($1, $2, $3, now() - interval '20 days', 'active') returning id`,
        [`E-${ext}`, l.id, c.id],
      );
      enrollmentId = e.id;
    }
    return { id: l.id as string, externalId: ext, enrollmentId };
  };

  /** The ticket's delayed SLA checks waiting in Redis, as "target/kind". */
  const delayed = async (ticketId: string) =>
    (await app.get(QueueService, 'worker').queue(QueueName.Tickets).getDelayed())
      .filter((j) => j.data.ticketId === ticketId)
      .map((j) => `${j.data.target}/${j.data.kind}`)
      .sort();

  const open = async (as: { Authorization: string }, body: Record<string, unknown>) => {
    const res = await app
      .http()
      .post('/api/v1/tickets')
      .set(as)
      .send({ category: 'technical', subject: 'Video will not play', body: 'The lesson video stops at 2 minutes.', ...body });
    expect([200, 201]).toContain(res.status);
    return res.body;
  };

  beforeAll(async () => {
    app = await TestApp.start({ ownDatabase: true });
    admin = await app.staff.create('admin');
    desk = await app.staff.teamWithPeople(1);
    other = await app.staff.teamWithPeople(1);
    const cal = await app
      .http()
      .post('/api/v1/calendars')
      .set(admin.auth)
      .send({ name: `Support ${randomUUID().slice(0, 6)}`, timezone: 'Asia/Shanghai', hours: WEEK });
    expect(cal.status).toBe(201);
    calendarId = cal.body.id;
    const pol = await app
      .http()
      .post('/api/v1/sla-policies')
      .set(admin.auth)
      .send({ name: `Standard ${randomUUID().slice(0, 6)}`, position: 3, calendarId, firstResponseMinutes: 240, resolutionMinutes: 960 });
    expect(pol.status).toBe(201);
    const routes = await app
      .http()
      .put('/api/v1/ticket-routes')
      .set(admin.auth)
      .send({
        routes: [
          { category: 'technical', teamId: desk.team.id },
          { category: 'complaint', teamId: desk.team.id },
        ],
      });
    expect(routes.status).toBe(200);
    syncKey = (
      await app
        .http()
        .post('/api/v1/api-clients')
        .set(admin.auth)
        .send({ name: 'lms', scopes: ['sync:write'] })
    ).body.key;
    readKey = (
      await app
        .http()
        .post('/api/v1/api-clients')
        .set(admin.auth)
        .send({ name: 'bi', scopes: ['read'] })
    ).body.key;
  });
  afterAll(async () => {
    app?.setNow(undefined);
    await app?.close();
  });

  it('a ticket opened Friday 17:00 with a 4-business-hour target is due Monday 14:00; with Monday a holiday, Tuesday 14:00', async () => {
    app.setNow(sh('2026-11-27T17:00:00'));
    const l = await learner();
    const t = await open(admin.auth, { learnerId: l.id });
    expect(t).toMatchObject({ status: 'new', teamId: desk.team.id, assigneeId: desk.advisors[0].id, learnerExternalId: l.externalId });
    expect(t.firstResponseDueAt).toBe(sh('2026-11-30T14:00:00'));
    expect(t.slaStatus).toEqual({ firstResponse: 'on_track', resolution: 'on_track' });

    const holidayCal = await app
      .http()
      .post('/api/v1/calendars')
      .set(admin.auth)
      .send({ name: `Holiday ${randomUUID().slice(0, 6)}`, hours: WEEK, holidays: ['2026-11-30'] });
    expect(holidayCal.status).toBe(201);
    const pol = await app
      .http()
      .post('/api/v1/sla-policies')
      .set(admin.auth)
      .send({
        name: `Urgent billing ${randomUUID().slice(0, 6)}`,
        position: 2,
        match: { category: 'billing', priority: 'urgent' },
        calendarId: holidayCal.body.id,
        firstResponseMinutes: 240,
        resolutionMinutes: 480,
      });
    expect(pol.status).toBe(201);
    const b = await open(admin.auth, { learnerId: l.id, category: 'billing', priority: 'urgent' });
    expect(b.slaPolicyId).toBe(pol.body.id);
    expect(b.firstResponseDueAt).toBe(sh('2026-12-01T14:00:00'));
  });

  it('a breach escalates to the team supervisor exactly once, after a warning to the assignee at 80%', async () => {
    app.setNow(sh('2026-11-27T17:00:00'));
    const l = await learner();
    const t = await open(admin.auth, { learnerId: l.id });
    // Let the worker schedule the real delayed checks (days away) before the test moves the clock.
    await eventually(async () => (await delayed(t.id)).length === 4);
    const sla = app.get(TicketSlaService, 'worker');
    // 80% of 240 business minutes = 192: 30 on Friday, 162 on Monday morning → Monday 11:42.
    const warnAt = sh('2026-11-30T11:42:00');
    app.setNow(warnAt);
    expect((await app.http().get(`/api/v1/tickets/${t.id}`).set(admin.auth)).body.slaStatus.firstResponse).toBe('warning');
    expect((await app.http().get(`/api/v1/tickets?sla=warning&learnerId=${l.id}`).set(admin.auth)).body.items).toHaveLength(1);
    expect((await app.http().get(`/api/v1/tickets?sla=breached&learnerId=${l.id}`).set(admin.auth)).body.items).toHaveLength(0);
    expect(await sla.runCheck({ ticketId: t.id, target: 'first_response', kind: 'warning', at: warnAt })).toBe('warned');
    expect(await sla.runCheck({ ticketId: t.id, target: 'first_response', kind: 'warning', at: warnAt })).toBe('done');

    app.setNow(sh('2026-11-30T14:00:00'));
    const check = { ticketId: t.id, target: 'first_response' as const, kind: 'breach' as const, at: t.firstResponseDueAt };
    const outcomes = await Promise.all([sla.runCheck(check), sla.runCheck(check)]);
    expect(outcomes.sort()).toEqual(['done', 'escalated']);
    expect(await sla.runCheck(check)).toBe('done');

    const got = await app.http().get(`/api/v1/tickets/${t.id}`).set(desk.supervisor.auth);
    expect(got.status).toBe(200);
    const breachedList = await app.http().get(`/api/v1/tickets?sla=breached&learnerId=${l.id}`).set(desk.supervisor.auth);
    expect(breachedList.body.items.map((x: { id: string }) => x.id)).toEqual([t.id]);
    expect(got.body).toMatchObject({ escalatedToId: desk.supervisor.id, slaStatus: { firstResponse: 'breached' } });
    const events = await app.db.query(
      `select event_type, payload from outbox where aggregate_id = $1 and event_type in ('ticket.escalated','ticket.sla_warning') order by id`,
      [t.id],
    );
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['ticket.sla_warning', 'ticket.escalated']);
    expect(events[0].payload.assigneeId).toBe(desk.advisors[0].id);
    expect(events[1].payload.supervisorId).toBe(desk.supervisor.id);
    const audit = await app.http().get(`/api/v1/audit?entity=ticket&entityId=${t.id}&action=ticket.escalated`).set(admin.auth);
    expect(audit.body.items).toHaveLength(1);
  });

  it('the worker runs the delayed checks when they fire: warning, then one escalation', async () => {
    app.setNow(sh('2026-11-27T17:00:00'));
    const l = await learner();
    const t = await open(admin.auth, { learnerId: l.id });
    await eventually(async () => (await delayed(t.id)).length === 4);
    app.setNow(sh('2026-11-30T14:00:00'));
    const queue = app.get(QueueService, 'worker').queue(QueueName.Tickets);
    // Fire the first-response checks now instead of waiting for their real delay.
    for (const job of await queue.getDelayed()) if (job.data.ticketId === t.id && job.data.target === 'first_response') await job.promote();
    const escalated = await eventually(async () => {
      const got = await app.http().get(`/api/v1/tickets/${t.id}`).set(admin.auth);
      return got.body.escalatedAt ? got.body : null;
    });
    expect(escalated).toMatchObject({ escalatedToId: desk.supervisor.id, slaStatus: { firstResponse: 'breached' } });
    // Both fired at once: one escalation; the warning is sent only if it ran before the breach was recorded.
    const events: Array<{ event_type: string }> = await app.db.query(
      `select event_type from outbox where aggregate_id = $1 and event_type in ('ticket.escalated','ticket.sla_warning')`,
      [t.id],
    );
    expect(events.filter((e) => e.event_type === 'ticket.escalated')).toHaveLength(1);
    expect(events.filter((e) => e.event_type === 'ticket.sla_warning').length).toBeLessThanOrEqual(1);
    await eventually(async () => (await delayed(t.id)).join() === 'resolution/breach,resolution/warning');
  });

  it('a reply in time removes the pending checks, and a late check changes nothing', async () => {
    app.setNow(sh('2026-11-27T17:00:00'));
    const l = await learner();
    const t = await open(admin.auth, { learnerId: l.id });
    const delayedFor = () => delayed(t.id);
    await eventually(async () => (await delayedFor()).length === 4);

    app.setNow(sh('2026-11-30T09:30:00'));
    const reply = await app.http().post(`/api/v1/tickets/${t.id}/messages`).set(desk.advisors[0].auth).send({ body: 'Please clear the cache and retry.' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ status: 'open', firstRespondedAt: sh('2026-11-30T09:30:00'), slaStatus: { firstResponse: 'met' } });
    await eventually(async () => JSON.stringify(await delayedFor()) === JSON.stringify(['resolution/breach', 'resolution/warning']));

    app.setNow(sh('2026-11-30T15:00:00'));
    const sla = app.get(TicketSlaService, 'worker');
    expect(await sla.runCheck({ ticketId: t.id, target: 'first_response', kind: 'breach', at: t.firstResponseDueAt })).toBe('done');
    const after = await app.http().get(`/api/v1/tickets/${t.id}`).set(admin.auth);
    expect(after.body).toMatchObject({ escalatedAt: null, slaStatus: { firstResponse: 'met', resolution: 'on_track' } });
    expect(after.body.messages).toHaveLength(1);
  });

  it('pending time (waiting on the learner) pauses the resolution clock; a learner reply resumes it', async () => {
    app.setNow(sh('2026-11-30T09:00:00'));
    const l = await learner();
    const t = await open(admin.auth, { learnerId: l.id });
    await eventually(async () => (await delayed(t.id)).length === 4);
    // 960 business minutes: Monday 420, Tuesday 420, Wednesday 120 → Wednesday 11:00.
    expect(t.resolutionDueAt).toBe(sh('2026-12-02T11:00:00'));

    app.setNow(sh('2026-11-30T10:00:00'));
    const asked = await app
      .http()
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set(desk.advisors[0].auth)
      .send({ body: 'Which browser do you use?', status: 'pending' });
    expect(asked.body).toMatchObject({ status: 'pending', slaPausedSince: sh('2026-11-30T10:00:00') });

    // Past the original deadline, still waiting on the learner: not breached.
    app.setNow(sh('2026-12-02T12:00:00'));
    const waiting = await app.http().get(`/api/v1/tickets/${t.id}`).set(admin.auth);
    expect(waiting.body.slaStatus.resolution).toBe('on_track');
    const sla = app.get(TicketSlaService, 'worker');
    expect(await sla.runCheck({ ticketId: t.id, target: 'resolution', kind: 'breach', at: t.resolutionDueAt })).toBe('done');

    const learnerReply = await app
      .http()
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set({ Authorization: `Bearer ${syncKey}` })
      .send({ body: 'Chrome 120', externalId: 'msg-1' });
    expect(learnerReply.status).toBe(201);
    // Paused 960 business minutes (Mon 10:00–17:30, Tue, Wed 09:00–12:00): due moves to Friday 14:30.
    expect(learnerReply.body).toMatchObject({ status: 'open', slaPausedSince: null, pausedBusinessMinutes: 960, resolutionDueAt: sh('2026-12-04T14:30:00') });
    // The same learner message replayed changes nothing.
    app.setNow(sh('2026-12-02T15:00:00'));
    const replay = await app
      .http()
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set({ Authorization: `Bearer ${syncKey}` })
      .send({ body: 'Chrome 120', externalId: 'msg-1' });
    expect(replay.body.messages).toHaveLength(2);
    expect(replay.body.resolutionDueAt).toBe(sh('2026-12-04T14:30:00'));

    const resolved = await app.http().post(`/api/v1/tickets/${t.id}/resolve`).set(desk.advisors[0].auth).send({ note: 'fixed by update' });
    expect(resolved.body).toMatchObject({ status: 'resolved', slaStatus: { firstResponse: 'met', resolution: 'met' } });
    // A learner reply reopens it.
    const reopened = await app
      .http()
      .post(`/api/v1/tickets/${t.id}/messages`)
      .set({ Authorization: `Bearer ${syncKey}` })
      .send({ body: 'It broke again', externalId: 'msg-2' });
    expect(reopened.body).toMatchObject({ status: 'open', resolvedAt: null });
  });

  it('routing respects capacity and away status, pools the overflow and backfills oldest first', async () => {
    app.setNow(sh('2026-12-07T10:00:00'));
    const team = await app.staff.team();
    const a = await app.staff.create('advisor', { teamId: team.id, capacity: 1 });
    const away = await app.staff.create('advisor', { teamId: team.id, capacity: 50, status: 'away' });
    const c = await app.staff.create('advisor', { teamId: team.id, capacity: 2 });
    await app
      .http()
      .put('/api/v1/ticket-routes')
      .set(admin.auth)
      .send({ routes: [{ category: 'account', teamId: team.id }] });
    const l = await learner();
    const made = [];
    for (let i = 0; i < 4; i++) {
      app.setNow(sh(`2026-12-07T10:0${i}:00`));
      made.push(await open(admin.auth, { learnerId: l.id, category: 'account', subject: `Login problem ${i}` }));
    }
    const holders = made.map((t) => t.assigneeId);
    expect(holders.filter((h) => h === a.id)).toHaveLength(1);
    expect(holders.filter((h) => h === c.id)).toHaveLength(2);
    expect(holders).not.toContain(away.id);
    expect(holders[3]).toBeNull();
    const pool = await app.http().get(`/api/v1/tickets?teamId=${team.id}&unassigned=true`).set(admin.auth);
    expect(pool.body.items.map((t: { id: string }) => t.id)).toEqual([made[3].id]);

    // Resolving a's ticket frees capacity: the pooled ticket goes to a.
    const aTicket = made.find((t) => t.assigneeId === a.id);
    await app.http().post(`/api/v1/tickets/${aTicket.id}/resolve`).set(a.auth).send({}).expect(200);
    const backfilled = await app.http().get(`/api/v1/tickets/${made[3].id}`).set(admin.auth);
    expect(backfilled.body.assigneeId).toBe(a.id);
  });

  it('supervisors reassign one or many tickets with a reason (audited); advisors cannot', async () => {
    app.setNow(sh('2026-12-07T11:00:00'));
    const l = await learner();
    const t1 = await open(admin.auth, { learnerId: l.id });
    const t2 = await open(admin.auth, { learnerId: l.id });
    const extra = await app.staff.create('advisor', { teamId: desk.team.id });
    const denied = await app.http().post(`/api/v1/tickets/${t1.id}/assign`).set(desk.advisors[0].auth).send({ assigneeId: extra.id, reason: 'x' });
    expect(denied.status).toBe(403);
    const noReason = await app
      .http()
      .post('/api/v1/tickets/reassign')
      .set(desk.supervisor.auth)
      .send({ ticketIds: [t1.id, t2.id], toAssigneeId: extra.id });
    expect(noReason.status).toBe(400);
    expect(noReason.body.details.map((d: { field: string }) => d.field)).toContain('reason');
    const outsider = await app
      .http()
      .post('/api/v1/tickets/reassign')
      .set(desk.supervisor.auth)
      .send({ ticketIds: [t1.id], toAssigneeId: other.advisors[0].id, reason: 'x' });
    expect(outsider.status).toBe(400);
    const bulk = await app
      .http()
      .post('/api/v1/tickets/reassign')
      .set(desk.supervisor.auth)
      .send({ ticketIds: [t1.id, t2.id], toAssigneeId: extra.id, reason: 'holiday cover' });
    expect(bulk.status).toBe(200);
    expect(bulk.body.items.map((t: { assigneeId: string }) => t.assigneeId)).toEqual([extra.id, extra.id]);
    const audit = await app.http().get(`/api/v1/audit?entity=ticket&entityId=${t1.id}&action=ticket.reassigned`).set(admin.auth);
    expect(audit.body.items[0]).toMatchObject({ reason: 'holiday cover', after: { assigneeId: extra.id } });
    const mine = await app.http().get('/api/v1/tickets').set(extra.auth);
    expect(mine.body.items.map((t: { id: string }) => t.id).sort()).toEqual([t1.id, t2.id].sort());
  });

  it('a supervisor moves every open ticket of someone away through the policy: teammates with room, then the pool', async () => {
    app.setNow(sh('2026-12-07T12:00:00'));
    const team = await app.staff.team();
    const sup = await app.staff.create('supervisor', { teamId: team.id });
    await app.db.query(`update teams set supervisor_id = $1 where id = $2`, [sup.id, team.id]);
    const leaving = await app.staff.create('advisor', { teamId: team.id, capacity: 10 });
    const mate = await app.staff.create('advisor', { teamId: team.id, capacity: 1, status: 'away' });
    await app
      .http()
      .put('/api/v1/ticket-routes')
      .set(admin.auth)
      .send({ routes: [{ category: 'billing', teamId: team.id }] })
      .expect(200);
    const l = await learner();
    const made = [];
    for (let i = 0; i < 2; i++) {
      app.setNow(sh(`2026-12-07T12:0${i}:00`));
      made.push(await open(admin.auth, { learnerId: l.id, category: 'billing' }));
    }
    expect(made.map((t) => t.assigneeId)).toEqual([leaving.id, leaving.id]);
    await app.db.query(`update staff set status = 'active' where id = $1`, [mate.id]);
    await app.db.query(`update staff set status = 'away' where id = $1`, [leaving.id]);
    const moved = await app.http().post('/api/v1/tickets/reassign').set(sup.auth).send({ fromAssigneeId: leaving.id, reason: 'on leave' });
    expect(moved.status).toBe(200);
    // The mate has room for one (the oldest); the other waits in the team pool.
    expect(moved.body.items.map((t: { id: string; assigneeId: string | null }) => [t.id, t.assigneeId])).toEqual([
      [made[0].id, mate.id],
      [made[1].id, null],
    ]);
    const both = await app
      .http()
      .post('/api/v1/tickets/reassign')
      .set(sup.auth)
      .send({ ticketIds: [made[0].id], fromAssigneeId: leaving.id, reason: 'x' });
    expect(both.status).toBe(400);
    expect(both.body.details[0].field).toBe('ticketIds');
    await app.http().post('/api/v1/tickets/reassign').set(other.supervisor.auth).send({ fromAssigneeId: mate.id, reason: 'x' }).expect(403);
  });

  it('a complaint ticket moves the learner complaint count by exactly one, however it is edited or replayed', async () => {
    app.setNow(sh('2026-12-08T10:00:00'));
    const l = await learner({ enrolled: true });
    const count = async () =>
      (await app.db.query(`select coalesce(sum(complaints), 0)::int as n from enrollment_daily where enrollment_id = $1`, [l.enrollmentId]))[0].n;
    const body = {
      learnerExternalId: l.externalId,
      category: 'complaint',
      subject: '老师不回复',
      body: '三天没有回复我的问题',
      externalId: `lms-${l.externalId}`,
    };
    const key = { Authorization: `Bearer ${syncKey}` };
    const first = await app.http().post('/api/v1/tickets').set(key).send(body);
    expect(first.status).toBe(201);
    const replay = await app.http().post('/api/v1/tickets').set(key).send(body);
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);
    await app.http().patch(`/api/v1/tickets/${first.body.id}`).set(admin.auth).send({ priority: 'high' }).expect(200);
    await app.http().patch(`/api/v1/tickets/${first.body.id}`).set(admin.auth).send({ category: 'learning' }).expect(200);
    await app.http().patch(`/api/v1/tickets/${first.body.id}`).set(admin.auth).send({ category: 'complaint' }).expect(200);
    expect(await count()).toBe(1);
    const events = await app.db.query(`select event_id from activity_events where learner_id = $1 and type = 'complaint'`, [l.id]);
    expect(events).toEqual([{ event_id: `ticket:${first.body.id}:complaint` }]);
    // A second complaint ticket is a second complaint.
    await open(key, { learnerExternalId: l.externalId, category: 'complaint' });
    expect(await count()).toBe(2);
  });

  it("an advisor cannot read another team's tickets; read keys see all; bad input names the field", async () => {
    app.setNow(sh('2026-12-08T11:00:00'));
    const l = await learner();
    const t = await open(admin.auth, { learnerId: l.id });
    expect(t.teamId).toBe(desk.team.id);
    expect(t.assigneeId).not.toBeNull();
    await app.http().get(`/api/v1/tickets/${t.id}`).set(other.advisors[0].auth).expect(404);
    await app.http().get(`/api/v1/tickets/${t.id}`).set(other.supervisor.auth).expect(404);
    await app.http().post(`/api/v1/tickets/${t.id}/messages`).set(other.advisors[0].auth).send({ body: 'hi' }).expect(404);
    const list = await app.http().get('/api/v1/tickets?limit=500').set(other.advisors[0].auth);
    expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(t.id);
    await app.http().get(`/api/v1/tickets/${t.id}`).set(desk.supervisor.auth).expect(200);
    await app
      .http()
      .get(`/api/v1/tickets/${t.id}`)
      .set({ Authorization: `Bearer ${readKey}` })
      .expect(200);
    await app
      .http()
      .post('/api/v1/tickets')
      .set({ Authorization: `Bearer ${readKey}` })
      .send({ learnerId: l.id, category: 'technical', subject: 's', body: 'b' })
      .expect(403);

    const bad = await app.http().post('/api/v1/tickets').set(admin.auth).send({ learnerId: l.id, category: 'weather', subject: 's', body: 'b' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(['category']);
    const unknown = await app
      .http()
      .post('/api/v1/tickets')
      .set(admin.auth)
      .send({ learnerExternalId: 'nobody', category: 'technical', subject: 's', body: 'b' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].field).toBe('learnerExternalId');
    const badCal = await app
      .http()
      .post('/api/v1/calendars')
      .set(admin.auth)
      .send({ name: 'bad', timezone: 'Mars/Olympus', hours: { mon: [['18:00', '09:00']] }, holidays: ['2026-02-30'] });
    expect(badCal.status).toBe(400);
    expect(badCal.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['holidays.0', 'hours.mon.0', 'timezone']);
    await app.http().post('/api/v1/calendars').set(desk.supervisor.auth).send({ name: 'x', hours: WEEK }).expect(403);
    await app.http().get('/api/v1/tickets/not-a-uuid').set(admin.auth).expect(400);
  });
  it('an advisor coming back from away picks up the pool (staff.updated → backfill)', async () => {
    app.setNow(sh('2026-12-09T10:00:00'));
    const team = await app.staff.team();
    const sup = await app.staff.create('supervisor', { teamId: team.id });
    const back = await app.staff.create('advisor', { teamId: team.id, status: 'away' });
    await app
      .http()
      .put('/api/v1/ticket-routes')
      .set(admin.auth)
      .send({ routes: [{ category: 'learning', teamId: team.id }] })
      .expect(200);
    const l = await learner();
    const t = await open(admin.auth, { learnerId: l.id, category: 'learning' });
    expect(t.assigneeId).toBeNull();
    await app.http().patch(`/api/v1/staff/${back.id}`).set(admin.auth).send({ status: 'active' }).expect(200);
    await eventually(async () => (await app.http().get(`/api/v1/tickets/${t.id}`).set(sup.auth)).body.assigneeId === back.id);
  });

  it('tickets and their SLA outcome feed the learner timeline; open tickets feed the learner view', async () => {
    app.setNow(sh('2026-12-10T09:00:00'));
    const l = await learner();
    const answered = await open(admin.auth, { learnerId: l.id, subject: 'Cannot log in' });
    app.setNow(sh('2026-12-10T09:10:00'));
    await app.http().post(`/api/v1/tickets/${answered.id}/messages`).set(desk.supervisor.auth).send({ body: 'Fixed', status: 'resolved' }).expect(201);
    const stillOpen = await open(admin.auth, { learnerId: l.id, subject: 'Certificate missing' });

    const service = app.get(TicketReadsService);
    expect((await service.openTicketsFor(SYSTEM, l.id)).map((t) => t.id)).toEqual([stillOpen.id]);
    const entries = await service.timelineEntriesFor(SYSTEM, l.id);
    expect(
      entries
        .filter((e) => e.ticketId === answered.id)
        .map((e) => e.type)
        .sort(),
    ).toEqual(['ticket.first_response', 'ticket.opened', 'ticket.resolved']);
    const rows = await app.db.query(`${TICKET_TIMELINE_SQL} order by at`, [l.id]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      kind: 'ticket',
      id: answered.id,
      type: 'technical',
      detail: { status: 'resolved', sla: { firstResponse: 'met', resolution: 'met' } },
    });
    expect(rows[1].detail.sla).toEqual({ firstResponse: null, resolution: null });

    // The same, through the learner's public view and timeline.
    const view = await app.http().get(`/api/v1/learners/${l.id}`).set(admin.auth).expect(200);
    expect(view.body.openTickets.map((t: { id: string }) => t.id)).toEqual([stillOpen.id]);
    const timeline = await app.http().get(`/api/v1/learners/${l.id}/timeline`).set(admin.auth).expect(200);
    const tickets = timeline.body.items.filter((i: { kind: string }) => i.kind === 'ticket');
    expect(tickets.map((i: { id: string }) => i.id).sort()).toEqual([answered.id, stillOpen.id].sort());
  });
});
