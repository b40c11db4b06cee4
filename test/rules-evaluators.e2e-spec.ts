import { firingQuery } from '../libs/rules/evaluators.js';
import { normalizeParams, type RuleKind } from '../libs/rules/rule-definitions.js';
import { LearningDataFactory, type SeededEnrollment } from '../libs/testing/learning-data.factory.js';
import { TestApp } from '../libs/testing/index.js';

/**
 * The evaluators' SQL against a real database, with exact expected enrolments per edge case.
 * As of Wednesday 2026-03-04 12:00 in Asia/Shanghai: the last full weeks start on Feb 23, Feb 16, Feb 9.
 */
const AS_OF = new Date('2026-03-04T04:00:00Z');
const DAY = 86_400_000;
const ago = (days: number, from = AS_OF) => new Date(from.getTime() - days * DAY);

describe('rule evaluators (SQL)', () => {
  let app: TestApp;
  let data: LearningDataFactory;

  beforeAll(async () => {
    app = await TestApp.start({ worker: false });
    data = new LearningDataFactory(app.db, app.config.schoolTimezone);
  });
  afterAll(async () => {
    await app?.close();
  });

  /** Enrolments of `among` the rule fires for, with their evidence. */
  async function firing(kind: RuleKind, among: SeededEnrollment[], asOf = AS_OF, params: Record<string, number> = {}) {
    const q = firingQuery({ kind, params: normalizeParams(kind, params).params! });
    const rows: Array<{ enrollment_id: string; learner_id: string; evidence: any }> = await app.db.query(
      `select * from (${q.sql}) f where f.enrollment_id = any($${3 + q.values.length}::uuid[])`,
      [asOf, app.config.schoolTimezone, ...q.values, among.map((e) => e.id)],
    );
    return new Map(rows.map((r) => [r.enrollment_id, r]));
  }
  const ids = (m: Map<string, unknown>) => [...m.keys()].sort();

  it('inactive_days: counts from max(last login, enrolment), active enrolments only', async () => {
    const sixDays = await data.enrollment({ enrolledAt: ago(6) });
    const sevenDays = await data.enrollment({ enrolledAt: ago(7) });
    const almostSeven = await data.enrollment({ enrolledAt: new Date(ago(7).getTime() + 60_000) });
    const silentAfterLogin = await data.enrollment({ enrolledAt: ago(30) });
    await data.login(silentAfterLogin.id, ago(10));
    const recentLogin = await data.enrollment({ enrolledAt: ago(30) });
    await data.login(recentLogin.id, ago(10));
    await data.login(recentLogin.id, ago(3));
    const others = [];
    for (const status of ['paused', 'cancelled', 'completed', 'expired'] as const) others.push(await data.enrollment({ enrolledAt: ago(30), status }));
    const notYetEnrolled = await data.enrollment({ enrolledAt: new Date(AS_OF.getTime() + DAY) });
    const all = [sixDays, sevenDays, almostSeven, silentAfterLogin, recentLogin, ...others, notYetEnrolled];

    const f = await firing('inactive_days', all);
    expect(ids(f)).toEqual([sevenDays.id, silentAfterLogin.id].sort());
    expect(f.get(sevenDays.id)!.evidence).toMatchObject({ inactiveDays: 7, thresholdDays: 7, lastLoginAt: null, window: { to: '2026-03-04T04:00:00.000Z' } });
    expect(f.get(silentAfterLogin.id)!.evidence).toMatchObject({
      inactiveDays: 10,
      lastLoginAt: ago(10).toISOString(),
      window: { from: ago(10).toISOString() },
    });

    // Evaluated in the past (before the login 3 days ago), the stored last login is in the future of asOf:
    // the rollups tell the login 10 days ago, counted from the start of that school day (whole days, as the backtest).
    const f2 = await firing('inactive_days', [recentLogin], ago(4));
    expect(ids(f2)).toEqual([]);
    const f3 = await firing('inactive_days', [recentLogin], ago(2), { days: 5 });
    expect(ids(f3)).toEqual([]);
    const f4 = await firing('inactive_days', [recentLogin], ago(4), { days: 5 });
    expect(ids(f4)).toEqual([recentLogin.id]);
    expect(f4.get(recentLogin.id)!.evidence.lastLoginAt).toBe('2026-02-21T16:00:00.000Z'); // the start of Feb 22 in Shanghai
  });

  it('low_completion: expected pace after the grace period', async () => {
    const course = await data.course({ totalLessons: 100, durationDays: 100 });
    const c = { courseId: course.id };
    const inGrace = await data.enrollment({ ...c, enrolledAt: ago(6), completedLessons: 0 });
    const afterGrace = await data.enrollment({ ...c, enrolledAt: ago(8), completedLessons: 0 });
    const onPace = await data.enrollment({ ...c, enrolledAt: ago(8), completedLessons: 2 });
    const behind = await data.enrollment({ ...c, enrolledAt: ago(50), completedLessons: 9 });
    const justOk = await data.enrollment({ ...c, enrolledAt: ago(50), completedLessons: 10 });
    const pastEnd = await data.enrollment({ ...c, enrolledAt: ago(200), completedLessons: 19 });
    const paused = await data.enrollment({ ...c, enrolledAt: ago(50), completedLessons: 0, status: 'paused' });
    const all = [inGrace, afterGrace, onPace, behind, justOk, pastEnd, paused];

    const f = await firing('low_completion', all);
    expect(ids(f)).toEqual([afterGrace.id, behind.id, pastEnd.id].sort());
    expect(f.get(behind.id)!.evidence).toMatchObject({
      completedLessons: 9,
      totalLessons: 100,
      expectedLessons: 50,
      paceRatio: 0.18,
      thresholdRatio: 0.2,
      elapsedDays: 50,
      durationDays: 100,
    });
    expect(f.get(pastEnd.id)!.evidence).toMatchObject({ expectedLessons: 100, paceRatio: 0.19 });
  });

  it('late_assignments: more than 3 days late, each assignment once however often replayed', async () => {
    const due = ago(20);
    const late = (days: number) => new Date(due.getTime() + days * DAY);
    const twoLate = await data.enrollment({ enrolledAt: ago(40) });
    await data.assignment(twoLate.id, { assignmentId: 'a1', dueAt: due, submittedAt: late(4) });
    await data.assignment(twoLate.id, { assignmentId: 'a2', dueAt: due, submittedAt: late(5) });
    const replayed = await data.enrollment({ enrolledAt: ago(40) });
    for (let i = 0; i < 3; i++) await data.assignment(replayed.id, { assignmentId: 'a1', dueAt: due, submittedAt: late(4) });
    await data.assignment(replayed.id, { assignmentId: 'a2', dueAt: due, submittedAt: late(1) });
    await data.daily(replayed.id, [{ day: '2026-02-16', assignmentsSubmitted: 4, assignmentsLate: 3 }]);
    const exactlyThree = await data.enrollment({ enrolledAt: ago(40) });
    await data.assignment(exactlyThree.id, { assignmentId: 'a1', dueAt: due, submittedAt: late(3) });
    await data.assignment(exactlyThree.id, { assignmentId: 'a2', dueAt: due, submittedAt: late(4) });
    // Submitted after the as-of time, only 2 days past due then: neither late nor missing long enough yet.
    const laterSubmission = await data.enrollment({ enrolledAt: ago(40) });
    await data.assignment(laterSubmission.id, { assignmentId: 'a1', dueAt: due, submittedAt: late(4) });
    await data.assignment(laterSubmission.id, { assignmentId: 'a2', dueAt: ago(2), submittedAt: new Date(AS_OF.getTime() + DAY) });
    const cancelled = await data.enrollment({ enrolledAt: ago(40), status: 'cancelled' });
    await data.assignment(cancelled.id, { assignmentId: 'a1', dueAt: due, submittedAt: late(4) });
    await data.assignment(cancelled.id, { assignmentId: 'a2', dueAt: due, submittedAt: late(5) });

    const f = await firing('late_assignments', [twoLate, replayed, exactlyThree, laterSubmission, cancelled]);
    expect(ids(f)).toEqual([twoLate.id]);
    expect(f.get(twoLate.id)!.evidence).toMatchObject({ lateAssignments: 2, thresholdCount: 2, lateDays: 3 });
    expect(f.get(twoLate.id)!.evidence.assignments.map((a: any) => [a.assignmentId, a.daysLate])).toEqual([
      ['a1', 4],
      ['a2', 5],
    ]);
  });

  it('late_assignments: still missing more than 3 days after the due time counts too, once, however it ends', async () => {
    const due = ago(20);
    const late = (days: number) => new Date(due.getTime() + days * DAY);
    const lateAndMissing = await data.enrollment({ enrolledAt: ago(40) });
    await data.assignment(lateAndMissing.id, { assignmentId: 'a1', dueAt: due, submittedAt: late(4) });
    await data.assignment(lateAndMissing.id, { assignmentId: 'a2', dueAt: ago(4) });
    const missingTwoDays = await data.enrollment({ enrolledAt: ago(40) });
    await data.assignment(missingTwoDays.id, { assignmentId: 'a1', dueAt: due, submittedAt: late(4) });
    await data.assignment(missingTwoDays.id, { assignmentId: 'a2', dueAt: ago(2) });
    const missingExactlyThree = await data.enrollment({ enrolledAt: ago(40) });
    await data.assignment(missingExactlyThree.id, { assignmentId: 'a1', dueAt: due, submittedAt: late(4) });
    await data.assignment(missingExactlyThree.id, { assignmentId: 'a2', dueAt: ago(3) });
    const twoMissing = await data.enrollment({ enrolledAt: ago(40), status: 'paused' });
    await data.assignment(twoMissing.id, { assignmentId: 'a1', dueAt: ago(10) });
    await data.assignment(twoMissing.id, { assignmentId: 'a2', dueAt: ago(9) });
    // Missing as of AS_OF (5 days past due), submitted the day after: as of AS_OF it counts as missing.
    const submittedAfterAsOf = await data.enrollment({ enrolledAt: ago(40) });
    await data.assignment(submittedAfterAsOf.id, { assignmentId: 'a1', dueAt: due, submittedAt: late(4) });
    await data.assignment(submittedAfterAsOf.id, { assignmentId: 'a2', dueAt: ago(5), submittedAt: new Date(AS_OF.getTime() + DAY) });
    const cancelled = await data.enrollment({ enrolledAt: ago(40), status: 'cancelled' });
    await data.assignment(cancelled.id, { assignmentId: 'a1', dueAt: ago(10) });
    await data.assignment(cancelled.id, { assignmentId: 'a2', dueAt: ago(9) });
    const all = [lateAndMissing, missingTwoDays, missingExactlyThree, twoMissing, submittedAfterAsOf, cancelled];

    const f = await firing('late_assignments', all);
    expect(ids(f)).toEqual([lateAndMissing.id, twoMissing.id, submittedAfterAsOf.id].sort());
    expect(f.get(lateAndMissing.id)!.evidence).toMatchObject({
      countedAssignments: 2,
      lateAssignments: 1,
      missingAssignments: 1,
      thresholdCount: 2,
      lateDays: 3,
    });
    expect(f.get(lateAndMissing.id)!.evidence.assignments).toEqual([
      { assignmentId: 'a1', dueAt: due.toISOString(), status: 'late', submittedAt: late(4).toISOString(), daysLate: 4 },
      { assignmentId: 'a2', dueAt: ago(4).toISOString(), status: 'missing', submittedAt: null, daysLate: 4 },
    ]);
    expect(f.get(twoMissing.id)!.evidence).toMatchObject({ countedAssignments: 2, lateAssignments: 0, missingAssignments: 2 });
    expect(f.get(submittedAfterAsOf.id)!.evidence).toMatchObject({ lateAssignments: 1, missingAssignments: 1 });

    // The missing one is submitted (late): the same assignment, counted once — 2, not 3.
    await data.assignment(lateAndMissing.id, { assignmentId: 'a2', dueAt: ago(4), submittedAt: ago(0.5) });
    await data.assignment(lateAndMissing.id, { assignmentId: 'a3', dueAt: ago(1) });
    const after = await firing('late_assignments', [lateAndMissing]);
    expect(after.get(lateAndMissing.id)!.evidence).toMatchObject({ countedAssignments: 2, lateAssignments: 2, missingAssignments: 0 });
    expect(after.get(lateAndMissing.id)!.evidence.assignments.map((a: any) => [a.assignmentId, a.status, a.daysLate])).toEqual([
      ['a1', 'late', 4],
      ['a2', 'late', 3.5],
    ]);
  });

  it('complaints: calendar month in the school time zone', async () => {
    const acrossBoundary = await data.enrollment({ enrolledAt: ago(60) });
    await data.complaint(acrossBoundary.id, '2026-02-27');
    await data.complaint(acrossBoundary.id, '2026-03-02');
    const sameMonth = await data.enrollment({ enrolledAt: ago(60) });
    await data.complaint(sameMonth.id, '2026-03-01');
    await data.complaint(sameMonth.id, '2026-03-03');
    const lastMonth = await data.enrollment({ enrolledAt: ago(60) });
    await data.complaint(lastMonth.id, '2026-02-10', 2);
    const cancelled = await data.enrollment({ enrolledAt: ago(60), status: 'cancelled' });
    await data.complaint(cancelled.id, '2026-03-02', 3);
    const all = [acrossBoundary, sameMonth, lastMonth, cancelled];

    const f = await firing('complaints', all);
    expect(ids(f)).toEqual([sameMonth.id, cancelled.id].sort());
    expect(f.get(sameMonth.id)!.evidence).toMatchObject({
      complaints: 2,
      thresholdCount: 2,
      month: '2026-03',
      window: { from: '2026-03-01', to: '2026-03-04' },
    });

    // 2026-02-28 17:00 UTC is already March 1st in Shanghai: February's complaints no longer count there.
    const earlyMarch = new Date('2026-02-28T17:00:00Z');
    const onFirst = await data.enrollment({ enrolledAt: ago(60) });
    await data.complaint(onFirst.id, '2026-03-01', 2);
    const f2 = await firing('complaints', [...all, onFirst], earlyMarch);
    expect(ids(f2)).toEqual([onFirst.id]);
    // A second before midnight in Shanghai it is still February: February's two complaints fire, March's do not exist yet.
    const f3 = await firing('complaints', [...all, onFirst], new Date('2026-02-28T15:59:59Z'));
    expect(ids(f3)).toEqual([lastMonth.id]);
  });

  it('study_time_drop: two consecutive halvings, not a single drop or a recovery', async () => {
    const mk = async (minutes: [number, number, number], status: 'active' | 'paused' = 'active') => {
      const e = await data.enrollment({ enrolledAt: ago(60), status });
      await data.studyWeeks(e.id, [
        { weekStart: '2026-02-09', minutes: minutes[0] },
        { weekStart: '2026-02-16', minutes: minutes[1] },
        { weekStart: '2026-02-23', minutes: minutes[2] },
      ]);
      return e;
    };
    const twoDrops = await mk([300, 140, 60]);
    const exactHalves = await mk([300, 150, 75]);
    const singleDrop = await mk([300, 300, 100]);
    const recovery = await mk([300, 100, 200]);
    const noBaseline = await mk([0, 0, 0]);
    const stopped = await mk([300, 0, 0]);
    const paused = await mk([300, 140, 60], 'paused');
    // Minutes in the current, unfinished week do not count.
    await data.daily(singleDrop.id, [{ day: '2026-03-03', studyMinutes: 5 }]);

    const f = await firing('study_time_drop', [twoDrops, exactHalves, singleDrop, recovery, noBaseline, stopped, paused]);
    expect(ids(f)).toEqual([twoDrops.id, exactHalves.id, stopped.id].sort());
    expect(f.get(twoDrops.id)!.evidence).toMatchObject({
      weeks: [
        { weekStart: '2026-02-09', minutes: 300 },
        { weekStart: '2026-02-16', minutes: 140 },
        { weekStart: '2026-02-23', minutes: 60 },
      ],
      dropRatio: 0.5,
      window: { from: '2026-02-09', to: '2026-03-01' },
    });
    // A single-week rule flags the single drop too.
    const one = await firing('study_time_drop', [twoDrops, singleDrop, recovery], AS_OF, { weeks: 1 });
    expect(ids(one)).toEqual([twoDrops.id, singleDrop.id].sort());
  });
});
