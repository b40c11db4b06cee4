import { DateTime } from 'luxon';
import { OutboxService } from '../libs/outbox/outbox.service.js';
import { jobId, QueueName } from '../libs/queue/jobs.js';
import { QueueService } from '../libs/queue/queue.service.js';
import { eventually, TestApp, type TestStaff } from '../libs/testing/index.js';
import { LearningDataFactory, type SeededEnrollment } from '../libs/testing/learning-data.factory.js';

const EVERY_DAY = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '17:30']]]));
// Monday 30 November 2026, 08:00 in Shanghai.
const MONDAY_0800_SHANGHAI = '2026-11-30T00:00:00.000Z';

interface TaskRow {
  id: string;
  day_index: number;
  assignee_id: string | null;
  due_at: Date;
  status: string;
  planned_minutes: number;
  kind: string;
}

describe('first-week program', () => {
  let app: TestApp;
  let data: LearningDataFactory;

  beforeAll(async () => {
    app = await TestApp.start();
    data = new LearningDataFactory(app.db);
  });
  afterAll(async () => {
    app.setNow(undefined);
    await app?.close();
  });
  beforeEach(() => app.setNow(MONDAY_0800_SHANGHAI));

  async function publish(eventType: 'enrollment.created' | 'enrollment.status_changed', e: SeededEnrollment, extra: Record<string, unknown> = {}) {
    const outbox = app.get(OutboxService);
    await app.db.transaction((em) =>
      outbox.publish(em, [{ aggregateType: 'enrollment', aggregateId: e.id, eventType, payload: { enrollmentId: e.id, learnerId: e.learnerId, ...extra } }]),
    );
  }

  const checkins = (enrollmentId: string): Promise<TaskRow[]> =>
    app.db.query(`select * from tasks where enrollment_id = $1 and kind = 'first_week_checkin' order by day_index, created_at`, [enrollmentId]);

  async function team(advisorOpts: Array<Parameters<TestApp['staff']['create']>[1]>): Promise<{ teamId: string; advisors: TestStaff[] }> {
    const t = await app.staff.team();
    const advisors: TestStaff[] = [];
    for (const o of advisorOpts) advisors.push(await app.staff.create('advisor', { teamId: t.id, ...o }));
    return { teamId: t.id, advisors };
  }

  it("assigns an owner and places 7 check-ins on the learner's local days inside the advisor's hours", async () => {
    const { teamId, advisors } = await team([{ timezone: 'Asia/Shanghai', workingHours: EVERY_DAY }]);
    // Monday 10:00 in New York.
    app.setNow('2026-11-30T15:00:00Z');
    const e = await data.enrollment({ enrolledAt: '2026-11-30T15:00:00Z', course: { teamId }, learner: { timezone: 'America/New_York' } });
    await publish('enrollment.created', e, { enrolledAt: '2026-11-30T15:00:00Z', status: 'active' });

    const tasks = await eventually(async () => ((await checkins(e.id)).length === 7 ? checkins(e.id) : undefined));
    expect(tasks.map((t) => t.day_index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(tasks.every((t) => t.assignee_id === advisors[0].id && t.status === 'scheduled' && t.planned_minutes === 15)).toBe(true);
    // 09:00 in Shanghai is 20:00 the previous evening in New York: each call lands on its New York day.
    expect(tasks.map((t) => new Date(t.due_at).toISOString())).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((d) =>
        DateTime.fromISO('2026-12-01T01:00:00Z')
          .plus({ days: d - 1 })
          .toUTC()
          .toISO({ suppressMilliseconds: false }),
      ),
    );
    for (const t of tasks) {
      const ny = DateTime.fromJSDate(new Date(t.due_at), { zone: 'America/New_York' });
      expect(ny.toISODate()).toBe(
        DateTime.fromISO('2026-11-30', { zone: 'America/New_York' })
          .plus({ days: t.day_index - 1 })
          .toISODate(),
      );
      const sh = DateTime.fromJSDate(new Date(t.due_at), { zone: 'Asia/Shanghai' });
      expect(sh.hour * 60 + sh.minute).toBeGreaterThanOrEqual(9 * 60);
      expect(sh.hour * 60 + sh.minute + 15).toBeLessThanOrEqual(17 * 60 + 30);
    }
    const [learner] = await app.db.query(`select owner_advisor_id from learners where id = $1`, [e.learnerId]);
    expect(learner.owner_advisor_id).toBe(advisors[0].id);
    const audit = await app.db.query(`select action, reason from audit_log where entity = 'enrollment' and entity_id = $1`, [e.id]);
    expect(audit).toEqual([expect.objectContaining({ action: 'learner.owner_assigned' })]);

    // The advisor sees the first call in the queue of that Shanghai day.
    const q = await app.http().get('/api/v1/me/queue?date=2026-12-01').set(advisors[0].auth);
    expect(q.status).toBe(200);
    expect(q.body.tasks.map((t: { dayIndex: number }) => t.dayIndex)).toEqual([1]);

    // A replayed enrollment.created creates nothing new.
    await publish('enrollment.created', e, { enrolledAt: '2026-11-30T15:00:00Z', status: 'active' });
    await eventually(async () => (await app.db.query(`select count(*)::int as n from outbox where sent_at is null`))[0].n === 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await checkins(e.id)).toHaveLength(7);
  });

  it('gives a day the owner does not work to a teammate who does', async () => {
    // The owner works Monday to Friday (factory default), the teammate every day.
    const { teamId, advisors } = await team([{}, { workingHours: EVERY_DAY }]);
    const e = await data.enrollment({ enrolledAt: MONDAY_0800_SHANGHAI, course: { teamId }, learner: { ownerAdvisorId: advisors[0].id } });
    await publish('enrollment.created', e);
    const tasks = await eventually(async () => ((await checkins(e.id)).length === 7 ? checkins(e.id) : undefined));
    // Days 6 and 7 are Saturday and Sunday in Shanghai.
    expect(tasks.map((t) => t.assignee_id)).toEqual([0, 0, 0, 0, 0, 1, 1].map((i) => advisors[i].id));
    expect(tasks.map((t) => DateTime.fromJSDate(new Date(t.due_at), { zone: 'Asia/Shanghai' }).toFormat('ccc HH:mm'))).toEqual([
      'Mon 10:00',
      'Tue 10:00',
      'Wed 10:00',
      'Thu 10:00',
      'Fri 10:00',
      'Sat 10:00',
      'Sun 10:00',
    ]);
  });

  it('pausing cancels the open check-ins; resuming plans only the missing days ahead, without duplicates', async () => {
    const { teamId, advisors } = await team([{ workingHours: EVERY_DAY }]);
    const e = await data.enrollment({ enrolledAt: MONDAY_0800_SHANGHAI, course: { teamId }, learner: { ownerAdvisorId: advisors[0].id } });
    await publish('enrollment.created', e);
    const first = await eventually(async () => ((await checkins(e.id)).length === 7 ? checkins(e.id) : undefined));

    app.setNow('2026-11-30T01:30:00Z');
    const done = await app
      .http()
      .post(`/api/v1/tasks/${first[0].id}/outcome`)
      .set(advisors[0].auth)
      .send({ result: 'reached', durationMinutes: 14, riskRead: 'low' });
    expect(done.status).toBe(200);

    await data.setStatus(e.id, 'paused');
    await publish('enrollment.status_changed', e, { from: 'active', to: 'paused' });
    await eventually(async () => (await checkins(e.id)).filter((t) => t.status === 'cancelled').length === 6);
    expect((await checkins(e.id)).filter((t) => t.status === 'scheduled')).toHaveLength(0);

    // Resumed on Wednesday morning: days 3..7 are planned again, day 1 stays done, day 2 (past) is not re-planned.
    app.setNow('2026-12-02T00:00:00Z');
    await data.setStatus(e.id, 'active');
    await publish('enrollment.status_changed', e, { from: 'paused', to: 'active' });
    const after = await eventually(async () => {
      const rows = await checkins(e.id);
      return rows.filter((t) => t.status === 'scheduled').length === 5 ? rows : undefined;
    });
    expect(after.filter((t) => t.status === 'scheduled').map((t) => t.day_index)).toEqual([3, 4, 5, 6, 7]);
    expect(after.find((t) => t.day_index === 1 && t.status === 'done')).toBeDefined();

    // Replaying the resume changes nothing.
    await publish('enrollment.status_changed', e, { from: 'paused', to: 'active' });
    await eventually(async () => (await app.db.query(`select count(*)::int as n from outbox where sent_at is null`))[0].n === 0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await checkins(e.id)).filter((t) => t.status === 'scheduled')).toHaveLength(5);
  });

  it('gives a holdout learner no check-ins and records the holdout on the enrolment', async () => {
    const { teamId } = await team([{ workingHours: EVERY_DAY }]);
    const e = await data.enrollment({ enrolledAt: MONDAY_0800_SHANGHAI, course: { teamId }, learner: { holdout: true } });
    await publish('enrollment.created', e);
    await eventually(async () => (await app.db.query(`select holdout from enrollments where id = $1`, [e.id]))[0].holdout === true);
    expect(await checkins(e.id)).toHaveLength(0);
    expect((await app.db.query(`select owner_advisor_id from learners where id = $1`, [e.learnerId]))[0].owner_advisor_id).toBeNull();
  });

  it('plans only the days still ahead for an enrolment synced late', async () => {
    const { teamId, advisors } = await team([{ workingHours: EVERY_DAY }]);
    // Enrolled Friday 27 November; now is Monday 08:00 (day 4).
    const e = await data.enrollment({ enrolledAt: '2026-11-27T02:00:00Z', course: { teamId }, learner: { ownerAdvisorId: advisors[0].id } });
    await publish('enrollment.created', e);
    const tasks = await eventually(async () => ((await checkins(e.id)).length === 4 ? checkins(e.id) : undefined));
    expect(tasks.map((t) => t.day_index)).toEqual([4, 5, 6, 7]);
    expect(tasks.every((t) => new Date(t.due_at) > new Date(MONDAY_0800_SHANGHAI))).toBe(true);
  });

  it('schedules one renewal call when an enrolment enters near_expiry (≤ 30 days), even when the sweep runs twice', async () => {
    const { teamId, advisors } = await team([{}]);
    const near = await data.enrollment({
      enrolledAt: '2026-06-01T00:00:00Z',
      expiresAt: '2026-12-20T00:00:00Z',
      course: { teamId },
      learner: { ownerAdvisorId: advisors[0].id },
    });
    const far = await data.enrollment({
      enrolledAt: '2026-06-01T00:00:00Z',
      expiresAt: '2027-03-01T00:00:00Z',
      course: { teamId },
      learner: { ownerAdvisorId: advisors[0].id },
    });
    const renewals = (id: string) => app.db.query(`select assignee_id, status, due_at from tasks where enrollment_id = $1 and kind = 'renewal_call'`, [id]);
    await app.get(QueueService).enqueue('tasks.renewal-calls', {}, { jobId: jobId('test-renewals', near.id, 1) });
    const [call] = await eventually(async () => ((await renewals(near.id)).length ? renewals(near.id) : undefined));
    expect(call).toMatchObject({ assignee_id: advisors[0].id, status: 'scheduled' });
    expect(new Date(call.due_at).toISOString()).toBe(MONDAY_0800_SHANGHAI);
    await app.get(QueueService).enqueue('tasks.renewal-calls', {}, { jobId: jobId('test-renewals', near.id, 2) });
    await eventually(
      async () =>
        (await app
          .get(QueueService)
          .queue(QueueName.Tasks)
          .getJobState(jobId('test-renewals', near.id, 2))) === 'completed',
    );
    expect(await renewals(near.id)).toHaveLength(1);
    expect(await renewals(far.id)).toHaveLength(0);
  });
});
