import { randomUUID } from 'node:crypto';
import { TestApp, type TestStaff } from '../libs/testing/index.js';

describe('sync API', () => {
  let app: TestApp;
  let admin: TestStaff;
  let key: { Authorization: string };
  const p = randomUUID().slice(0, 8); // keeps external ids unique in the shared per-worker database

  beforeAll(async () => {
    app = await TestApp.start({ worker: false });
    admin = await app.staff.create('admin');
    const res = await app
      .http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: `lms-${p}`, scopes: ['sync:write'] });
    expect(res.status).toBe(201);
    key = { Authorization: `Bearer ${res.body.key}` };
  });
  afterAll(async () => {
    await app?.close();
  });

  const put = (what: string, items: unknown[]) => app.http().put(`/api/v1/sync/${what}`).set(key).send({ items });
  const events = (items: unknown[]) => app.http().post('/api/v1/sync/events').set(key).send({ items });

  async function seedLearner(n: string, enrolledAt = '2026-03-01T00:00:00Z') {
    await put('courses', [{ externalId: `${p}-c${n}`, title: 'Python', totalLessons: 10, durationDays: 100 }]).expect(200);
    await put('learners', [{ externalId: `${p}-l${n}`, name: `Learner ${n}` }]).expect(200);
    const r = await put('enrollments', [
      { externalId: `${p}-e${n}`, learnerExternalId: `${p}-l${n}`, courseExternalId: `${p}-c${n}`, enrolledAt, status: 'active' },
    ]).expect(200);
    return r.body.results[0].id as string;
  }

  async function rollups(enrollmentId: string) {
    return app.db.query(
      `select day::text, logins, study_minutes, lessons_completed, assignments_submitted, assignments_late, complaints
       from enrollment_daily where enrollment_id = $1 order by day`,
      [enrollmentId],
    );
  }

  it('upserts courses, learners and enrolments; a replay is unchanged; a stale update is ignored', async () => {
    const course = { externalId: `${p}-py`, title: 'Python from zero', totalLessons: 48, durationDays: 180, category: 'programming' };
    const first = await put('courses', [course]).expect(200);
    expect(first.body.summary).toMatchObject({ created: 1 });
    const again = await put('courses', [course]).expect(200);
    expect(again.body.results[0]).toMatchObject({ status: 'unchanged', id: first.body.results[0].id });

    const learner = { externalId: `${p}-wang`, name: 'Wang Fang', phone: '+86 138 0000 0000', updatedAt: '2026-03-02T00:00:00Z' };
    const l1 = await put('learners', [learner]).expect(200);
    expect(l1.body.results[0].status).toBe('created');
    const l2 = await put('learners', [{ ...learner, name: 'Wang Fang (new)', updatedAt: '2026-03-03T00:00:00Z' }]).expect(200);
    expect(l2.body.results[0].status).toBe('updated');
    const stale = await put('learners', [{ ...learner, name: 'Old name', updatedAt: '2026-03-01T00:00:00Z' }]).expect(200);
    expect(stale.body.results[0].status).toBe('stale');
    expect(stale.body.summary).toEqual({ created: 0, updated: 0, unchanged: 0, stale: 1, duplicate: 0, rejected: 0 });
    const [row] = await app.db.query(`select name from learners where external_id = $1`, [learner.externalId]);
    expect(row.name).toBe('Wang Fang (new)');

    const enr = {
      externalId: `${p}-enr`,
      learnerExternalId: learner.externalId,
      courseExternalId: course.externalId,
      enrolledAt: '2026-03-01T02:00:00Z',
      status: 'active',
      updatedAt: '2026-03-01T02:00:00Z',
    };
    const e1 = await put('enrollments', [enr]).expect(200);
    expect(e1.body.results[0].status).toBe('created');
    const enrollmentId = e1.body.results[0].id;
    expect((await put('enrollments', [enr]).expect(200)).body.results[0].status).toBe('unchanged');
    const paused = await put('enrollments', [{ ...enr, status: 'paused', updatedAt: '2026-03-05T00:00:00Z' }]).expect(200);
    expect(paused.body.results[0].status).toBe('updated');

    const outbox = await app.db.query(`select event_type, payload from outbox where aggregate_id = $1 order by id`, [enrollmentId]);
    expect(outbox.map((o: { event_type: string }) => o.event_type)).toEqual(['enrollment.created', 'enrollment.status_changed']);
    expect(outbox[0].payload).toMatchObject({ enrollmentId, courseId: first.body.results[0].id, enrolledAt: '2026-03-01T02:00:00.000Z', status: 'active' });
    expect(outbox[1].payload).toMatchObject({ enrollmentId, from: 'active', to: 'paused' });
    const learnerEvents = await app.db.query(`select count(*)::int as n from outbox where event_type = 'learner.updated' and aggregate_id = $1`, [
      l1.body.results[0].id,
    ]);
    expect(learnerEvents[0].n).toBe(2); // created + updated; the unchanged and stale items published nothing
  });

  it('stores the good items of a mixed batch and names the bad fields', async () => {
    const res = await put('enrollments', [
      { externalId: `${p}-m1`, learnerExternalId: `${p}-nobody`, courseExternalId: `${p}-py`, enrolledAt: '2026-03-01T00:00:00Z', status: 'active' },
      { externalId: `${p}-m2`, learnerExternalId: `${p}-wang`, courseExternalId: `${p}-py`, enrolledAt: 'yesterday', status: 'sleeping' },
      { externalId: `${p}-m3`, learnerExternalId: `${p}-wang`, courseExternalId: `${p}-py`, enrolledAt: '2026-04-01T00:00:00Z', status: 'active' },
      'not an object',
    ]).expect(200);
    expect(res.body.summary).toMatchObject({ created: 1, rejected: 3 });
    expect(res.body.results[0].errors).toEqual([
      expect.objectContaining({ field: 'items.0.learnerExternalId', message: expect.stringContaining(`${p}-nobody`) }),
    ]);
    expect(res.body.results[1].errors.map((e: { field: string }) => e.field).sort()).toEqual(['items.1.enrolledAt', 'items.1.status']);
    expect(res.body.results[2]).toMatchObject({ index: 2, status: 'created' });
    expect(res.body.results[3].errors[0].field).toBe('items.3');
  });

  it('refuses more than 5,000 items with 413 and a body that is not {items: [...]} with 400', async () => {
    const items = Array.from({ length: 5001 }, (_, i) => ({ externalId: `x${i}`, name: 'n' }));
    const res = await put('learners', items);
    expect(res.status).toBe(413);
    expect(res.body.message).toContain('5000');
    const bad = await app.http().post('/api/v1/sync/events').set(key).send({ events: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('items');
  });

  it('needs the sync:write scope', async () => {
    const res = await app
      .http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: `reader-${p}`, scopes: ['read'] });
    const reader = { Authorization: `Bearer ${res.body.key}` };
    const denied = await app.http().put('/api/v1/sync/learners').set(reader).send({ items: [] });
    expect(denied.status).toBe(403);
    const advisor = await app.staff.create('advisor');
    expect((await app.http().post('/api/v1/sync/events').set(advisor.auth).send({ items: [] })).status).toBe(403);
  });

  it('a batch replayed twice leaves identical rows and rollups', async () => {
    const enrollmentId = await seedLearner('r');
    const batch = [
      { eventId: `${p}-r1`, learnerExternalId: `${p}-lr`, courseExternalId: `${p}-cr`, type: 'login', occurredAt: '2026-03-02T01:00:00Z' },
      {
        eventId: `${p}-r2`,
        learnerExternalId: `${p}-lr`,
        courseExternalId: `${p}-cr`,
        type: 'study_session',
        occurredAt: '2026-03-02T02:00:00Z',
        data: { minutes: 25 },
      },
      {
        eventId: `${p}-r3`,
        learnerExternalId: `${p}-lr`,
        courseExternalId: `${p}-cr`,
        type: 'lesson_completed',
        occurredAt: '2026-03-02T03:00:00Z',
        data: { lessonId: 'L1' },
      },
      {
        eventId: `${p}-r4`,
        learnerExternalId: `${p}-lr`,
        courseExternalId: `${p}-cr`,
        type: 'lesson_completed',
        occurredAt: '2026-03-03T03:00:00Z',
        data: { lessonId: 'L1' },
      },
      {
        eventId: `${p}-r5`,
        learnerExternalId: `${p}-lr`,
        courseExternalId: `${p}-cr`,
        type: 'assignment_submitted',
        occurredAt: '2026-03-06T03:00:00Z',
        data: { assignmentId: 'A1', dueAt: '2026-03-02T00:00:00Z', submittedAt: '2026-03-06T03:00:00Z' },
      },
      { eventId: `${p}-r6`, learnerExternalId: `${p}-lr`, type: 'complaint', occurredAt: '2026-03-06T04:00:00Z' },
      { eventId: `${p}-r7`, learnerExternalId: `${p}-ghost`, type: 'login', occurredAt: '2026-03-06T04:00:00Z' },
      { eventId: `${p}-r8`, learnerExternalId: `${p}-lr`, courseExternalId: `${p}-nocourse`, type: 'login', occurredAt: '2026-03-06T04:00:00Z' },
      { eventId: `${p}-r1`, learnerExternalId: `${p}-lr`, courseExternalId: `${p}-cr`, type: 'login', occurredAt: '2026-03-02T01:00:00Z' },
      { eventId: `${p}-r9`, learnerExternalId: `${p}-lr`, courseExternalId: `${p}-cr`, type: 'study_session', occurredAt: '2026-03-02T02:00:00Z', data: {} },
    ];
    const first = await events(batch).expect(200);
    expect(first.body.summary).toEqual({ created: 6, updated: 0, unchanged: 0, stale: 0, duplicate: 1, rejected: 3 });
    expect(first.body.results[6].errors[0]).toEqual({ field: 'items.6.learnerExternalId', message: `unknown learner ${p}-ghost` });
    expect(first.body.results[7].errors[0]).toEqual({ field: 'items.7.courseExternalId', message: `unknown course ${p}-nocourse` });
    expect(first.body.results[9].errors[0].field).toBe('items.9.data.minutes');
    const snapshot = async () => ({
      daily: await rollups(enrollmentId),
      enr: await app.db.query(`select completed_lessons, last_login_at from enrollments where id = $1`, [enrollmentId]),
      events: await app.db.query(`select count(*)::int as n from activity_events where learner_id = (select learner_id from enrollments where id = $1)`, [
        enrollmentId,
      ]),
    });
    const before = await snapshot();
    // School time zone Asia/Shanghai: 2026-03-02T01:00Z is 09:00 on March 2nd there.
    expect(before.daily).toEqual([
      { day: '2026-03-02', logins: 1, study_minutes: 25, lessons_completed: 1, assignments_submitted: 0, assignments_late: 0, complaints: 0 },
      { day: '2026-03-06', logins: 0, study_minutes: 0, lessons_completed: 0, assignments_submitted: 1, assignments_late: 1, complaints: 1 },
    ]);
    expect(before.enr[0].completed_lessons).toBe(1);
    expect(before.events[0].n).toBe(6);
    const [a] = await app.db.query(`select late_hours::float as h from enrollment_assignments where enrollment_id = $1`, [enrollmentId]);
    expect(a.h).toBe(99);

    for (let i = 0; i < 2; i++) {
      const replay = await events(batch).expect(200);
      expect(replay.body.summary).toMatchObject({ created: 0, duplicate: 7, rejected: 3 });
      expect(await snapshot()).toEqual(before);
    }
  });

  it('fans learner-level logins out to the enrolments running that day', async () => {
    const e1 = await seedLearner('f', '2026-03-01T00:00:00Z');
    await put('courses', [{ externalId: `${p}-cf2`, title: 'Math', totalLessons: 5, durationDays: 30 }]).expect(200);
    const r = await put('enrollments', [
      { externalId: `${p}-ef2`, learnerExternalId: `${p}-lf`, courseExternalId: `${p}-cf2`, enrolledAt: '2026-03-10T00:00:00Z', status: 'active' },
    ]).expect(200);
    const e2 = r.body.results[0].id;
    await events([
      { eventId: `${p}-f1`, learnerExternalId: `${p}-lf`, type: 'login', occurredAt: '2026-03-05T01:00:00Z' },
      { eventId: `${p}-f2`, learnerExternalId: `${p}-lf`, type: 'login', occurredAt: '2026-03-12T01:00:00Z' },
    ]).expect(200);
    expect((await rollups(e1)).map((d: { day: string; logins: number }) => [d.day, d.logins])).toEqual([
      ['2026-03-05', 1],
      ['2026-03-12', 1],
    ]);
    expect((await rollups(e2)).map((d: { day: string; logins: number }) => [d.day, d.logins])).toEqual([['2026-03-12', 1]]);
    const [l] = await app.db.query(`select last_login_at from learners where external_id = $1`, [`${p}-lf`]);
    expect(l.last_login_at.toISOString()).toBe('2026-03-12T01:00:00.000Z');
  });

  it('two concurrent batches with overlapping events give exact rollups', async () => {
    const enrollmentId = await seedLearner('c');
    const ev = (i: number) => ({
      eventId: `${p}-c${i}`,
      learnerExternalId: `${p}-lc`,
      courseExternalId: `${p}-cc`,
      type: 'study_session',
      occurredAt: `2026-03-0${2 + (i % 3)}T0${i % 10}:00:00Z`,
      data: { minutes: 10 },
    });
    const a = Array.from({ length: 300 }, (_, i) => ev(i));
    const b = Array.from({ length: 300 }, (_, i) => ev(i + 150));
    const [ra, rb] = await Promise.all([events(a), events(b)]);
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(ra.body.summary.created + rb.body.summary.created).toBe(450);
    expect(ra.body.summary.duplicate + rb.body.summary.duplicate).toBe(150);
    const daily = await rollups(enrollmentId);
    expect(daily.reduce((s: number, d: { study_minutes: number }) => s + d.study_minutes, 0)).toBe(4500);
  });
});
