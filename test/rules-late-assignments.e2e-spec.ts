import { randomUUID } from 'node:crypto';
import { RuleRunsService } from '../libs/rules/rule-runs.service.js';
import { LearningDataFactory } from '../libs/testing/learning-data.factory.js';
import { TestApp, type TestStaff } from '../libs/testing/index.js';

/**
 * The late_assignments rule end to end (docs/design.md §3: an assignment "submitted, or still not submitted, more than 3
 * days after its due date", 2 per enrolment): assignments arrive through sync as `assignment_assigned` (set, not submitted)
 * and `assignment_submitted`, a rule run opens or refreshes the alert, and its evidence tells late from missing.
 * Times are Asia/Shanghai (+08:00).
 */
const AS_OF = '2026-03-20T04:00:00.000Z'; // Mar 20 12:00
const DAY = 86_400_000;
const ago = (days: number, from = AS_OF) => new Date(Date.parse(from) - days * DAY).toISOString();

describe('late_assignments: late and still-missing assignments', () => {
  let app: TestApp;
  let admin: TestStaff;
  let key: { Authorization: string };
  const p = randomUUID().slice(0, 8);

  beforeAll(async () => {
    // Rule runs evaluate every enrolment and hold a single flight: a database of its own.
    app = await TestApp.start({ worker: false, ownDatabase: true });
    admin = await app.staff.create('admin');
    const res = await app
      .http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: `lms-${p}`, scopes: ['sync:write'] });
    key = { Authorization: `Bearer ${res.body.key}` };
    await put('courses', [{ externalId: `${p}-c`, title: 'Essays', totalLessons: 10, durationDays: 300 }]).expect(200);
  });
  afterAll(async () => {
    await app?.close();
  });

  const put = (what: string, items: unknown[]) => app.http().put(`/api/v1/sync/${what}`).set(key).send({ items });
  const events = (items: unknown[]) => app.http().post('/api/v1/sync/events').set(key).send({ items });
  const assigned = (l: string, id: string, dueAt: string) => ({
    eventId: `${p}-${l}-${id}-set`,
    learnerExternalId: `${p}-${l}`,
    courseExternalId: `${p}-c`,
    type: 'assignment_assigned',
    occurredAt: ago(20),
    data: { assignmentId: id, dueAt },
  });
  const submitted = (l: string, id: string, dueAt: string, submittedAt: string, eventId = `${p}-${l}-${id}-sub`) => ({
    eventId,
    learnerExternalId: `${p}-${l}`,
    courseExternalId: `${p}-c`,
    type: 'assignment_submitted',
    occurredAt: submittedAt,
    data: { assignmentId: id, dueAt, submittedAt },
  });

  async function enrol(l: string): Promise<{ learnerId: string; enrollmentId: string }> {
    const learner = await put('learners', [{ externalId: `${p}-${l}`, name: `Learner ${l}` }]).expect(200);
    const enr = await put('enrollments', [
      { externalId: `${p}-e${l}`, learnerExternalId: `${p}-${l}`, courseExternalId: `${p}-c`, enrolledAt: ago(40), status: 'active' },
    ]).expect(200);
    return { learnerId: learner.body.results[0].id, enrollmentId: enr.body.results[0].id };
  }

  async function run(asOf: string) {
    await app.db.query(`update rule_runs set status = 'failed', error = 'abandoned', finished_at = now() where status in ('queued','running')`);
    const runs = app.get(RuleRunsService);
    const { runId } = await runs.request({ kind: 'system', id: 'test' }, { trigger: 'manual', asOf: new Date(asOf) });
    return (await runs.execute(runId))!;
  }

  const lateAlerts = async (learnerId: string) =>
    (await app.http().get(`/api/v1/alerts?learnerId=${learnerId}&ruleKey=late_assignments`).set(admin.auth).expect(200)).body.items;

  it('1 late submission + 1 assignment missing for more than 3 days opens an alert; missing only 2 days does not count; submitting it does not count it twice', async () => {
    // A: a1 submitted 4 days late; a2 due 4 days ago, never submitted; a3 due 2 days ago, not submitted yet.
    const a = await enrol('a');
    // B: a1 submitted 4 days late; b2 due 2 days ago, not submitted yet.
    const b = await enrol('b');
    const batch = [
      assigned('a', 'a1', ago(30)),
      submitted('a', 'a1', ago(30), ago(26)),
      assigned('a', 'a2', ago(4)),
      assigned('a', 'a3', ago(2)),
      assigned('b', 'b1', ago(30)),
      submitted('b', 'b1', ago(30), ago(26)),
      assigned('b', 'b2', ago(2)),
    ];
    const res = await events(batch).expect(200);
    expect(res.body.summary).toMatchObject({ created: 7, rejected: 0 });
    // Only submissions reach the daily rollups; a set assignment is stored without a submission.
    const rows = await app.db.query(
      `select assignment_id, submitted_at is null as missing, late_hours::float as late_hours from enrollment_assignments where enrollment_id = $1 order by assignment_id`,
      [a.enrollmentId],
    );
    expect(rows).toEqual([
      { assignment_id: 'a1', missing: false, late_hours: 96 },
      { assignment_id: 'a2', missing: true, late_hours: null },
      { assignment_id: 'a3', missing: true, late_hours: null },
    ]);
    const [{ n: submittedRollup }] = await app.db.query(
      `select coalesce(sum(assignments_submitted), 0)::int as n from enrollment_daily where enrollment_id = $1`,
      [a.enrollmentId],
    );
    expect(submittedRollup).toBe(1);

    const first = await run(AS_OF);
    expect(first.stats?.rules?.late_assignments).toMatchObject({ opened: 1 });
    const [alertA] = await lateAlerts(a.learnerId);
    expect(alertA).toMatchObject({ status: 'open', enrollmentId: a.enrollmentId });
    expect(alertA.evidence).toMatchObject({ countedAssignments: 2, lateAssignments: 1, missingAssignments: 1, thresholdCount: 2, lateDays: 3 });
    expect(alertA.evidence.assignments.map((x: any) => [x.assignmentId, x.status, x.daysLate])).toEqual([
      ['a1', 'late', 4],
      ['a2', 'missing', 4],
    ]);
    expect(alertA.summary).toBe('2 assignments more than 3 days past due: 1 submitted late, 1 still missing (threshold 2).');
    expect(await lateAlerts(b.learnerId)).toEqual([]);

    // a2 is submitted (late), then the same submission again under another event id, and an old "set" replayed
    // with a new id: the alert stays open with the same two assignments, both late now.
    const later = ago(-1);
    await events([submitted('a', 'a2', ago(4), ago(0.5, later))]).expect(200);
    await events([
      submitted('a', 'a2', ago(4), ago(0.5, later), `${p}-a-a2-sub-again`),
      { ...assigned('a', 'a2', ago(4)), eventId: `${p}-a-a2-set-again` },
    ]).expect(200);
    const [{ n: afterRollup }] = await app.db.query(`select coalesce(sum(assignments_submitted), 0)::int as n from enrollment_daily where enrollment_id = $1`, [
      a.enrollmentId,
    ]);
    expect(afterRollup).toBe(2);
    const second = await run(later);
    expect(second.stats?.rules?.late_assignments).toMatchObject({ opened: 0, cleared: 0 });
    const [again] = await lateAlerts(a.learnerId);
    expect(again).toMatchObject({ id: alertA.id, status: 'open' });
    expect(again.evidence).toMatchObject({ countedAssignments: 2, lateAssignments: 2, missingAssignments: 0 });
    expect(again.summary).toBe('2 assignments more than 3 days past due: 2 submitted late, 0 still missing (threshold 2).');
    // B's b2 is now 3 days past due — not more than 3: still no alert.
    expect(await lateAlerts(b.learnerId)).toEqual([]);
  });

  it('the rule description names missing assignments', async () => {
    const rules = await app.http().get('/api/v1/rules').set(admin.auth).expect(200);
    expect(rules.body.find((r: any) => r.key === 'late_assignments').description).toBe(
      '2 or more assignments submitted — or still missing — more than 3 days after their due time (cumulative per enrolment).',
    );
  });

  it('backtest: an assignment counts from the day it is more than 3 days overdue while missing, once, whenever it is submitted', async () => {
    const data = new LearningDataFactory(app.db, app.config.schoolTimezone);
    const courseId = (await data.course()).id;
    const enrolledAt = '2026-01-20T02:00:00Z';
    // M1: a1 due Feb 1 00:00, submitted Feb 10 (counts from Feb 4, the first day it ends more than 3 days overdue);
    // a2 due Feb 3 00:00, never submitted (counts from Feb 6): fires from Feb 6.
    const m1 = await data.enrollment({ courseId, enrolledAt });
    await data.assignment(m1.id, { assignmentId: 'a1', dueAt: '2026-01-31T16:00:00Z', submittedAt: '2026-02-10T04:00:00Z' });
    await data.assignment(m1.id, { assignmentId: 'a2', dueAt: '2026-02-02T16:00:00Z' });
    // M2: a1 late as above; a2 due Feb 10 12:00, missing: more than 3 days overdue from Feb 13 12:00, counts from Feb 13.
    const m2 = await data.enrollment({ courseId, enrolledAt });
    await data.assignment(m2.id, { assignmentId: 'a1', dueAt: '2026-01-31T16:00:00Z', submittedAt: '2026-02-10T04:00:00Z' });
    await data.assignment(m2.id, { assignmentId: 'a2', dueAt: '2026-02-10T04:00:00Z' });
    // M3: one assignment, missing for a week then submitted late: counted once, never 2.
    const m3 = await data.enrollment({ courseId, enrolledAt });
    await data.assignment(m3.id, { assignmentId: 'a1', dueAt: '2026-01-31T16:00:00Z', submittedAt: '2026-02-08T04:00:00Z' });
    // M4: a1 late; a2 due Feb 24 00:00, missing only until the period ends on Feb 26 (2 days): never.
    const m4 = await data.enrollment({ courseId, enrolledAt });
    await data.assignment(m4.id, { assignmentId: 'a1', dueAt: '2026-01-31T16:00:00Z', submittedAt: '2026-02-10T04:00:00Z' });
    await data.assignment(m4.id, { assignmentId: 'a2', dueAt: '2026-02-23T16:00:00Z' });

    const res = await app
      .http()
      .post('/api/v1/rules/backtest')
      .set(admin.auth)
      .send({ rule: { kind: 'late_assignments' }, from: '2026-02-01', to: '2026-02-26', courseId })
      .expect(200);
    const firing = Object.fromEntries(res.body.days.map((d: any) => [d.day.slice(5), d.firing]));
    expect(firing['02-05']).toBe(0);
    expect(firing['02-06']).toBe(1);
    expect(firing['02-12']).toBe(1);
    expect(firing['02-13']).toBe(2);
    expect(firing['02-26']).toBe(2);
    expect(res.body.days.filter((d: any) => d.opened).map((d: any) => [d.day, d.opened])).toEqual([
      ['2026-02-06', 1],
      ['2026-02-13', 1],
    ]);
    expect(res.body.totals).toMatchObject({ alertsOpened: 2, openAtStart: 0, distinctEnrollments: 2 });
  });
});
