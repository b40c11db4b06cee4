import { FEATURE_KEYS } from '../libs/risk/risk-features.js';
import { RiskRepository } from '../libs/risk/risk.repository.js';
import { LearningDataFactory } from '../libs/testing/learning-data.factory.js';
import { TestApp } from '../libs/testing/index.js';

const TZ = 'Asia/Shanghai';
const D = '2026-03-31';
const local = (iso: string) => new Date(`${iso}+08:00`);

/**
 * The features of the learned risk model, counted by hand on two enrolments at the end of one school day, and the
 * score and reasons the SQL computes from a model given by value. Everything after the day must be ignored.
 */
describe('learned risk: features and scoring in SQL (hand-counted)', () => {
  let app: TestApp;
  let a: string;
  let b: string;

  beforeAll(async () => {
    app = await TestApp.start({ worker: false });
    const data = new LearningDataFactory(app.db, TZ);
    const course = await data.course({ totalLessons: 30, durationDays: 60 });
    // completedLessons counts every lesson so far, as sync keeps it: 4 by the day and 5 after.
    const ea = await data.enrollment({
      courseId: course.id,
      enrolledAt: local('2026-03-01T10:00:00'),
      expiresAt: local('2026-04-20T10:00:00'),
      completedLessons: 9,
    });
    a = ea.id;
    await data.daily(a, [
      { day: '2026-03-05', logins: 1, studyMinutes: 40, lessonsCompleted: 2 },
      { day: '2026-03-18', logins: 1, studyMinutes: 30, lessonsCompleted: 1, assignmentsLate: 1 },
      { day: '2026-03-22', logins: 2, studyMinutes: 50 },
      { day: '2026-03-26', logins: 1, studyMinutes: 20, lessonsCompleted: 1, complaints: 1 },
      // after the day: ignored
      { day: '2026-04-02', logins: 1, studyMinutes: 99, lessonsCompleted: 5, complaints: 2, assignmentsLate: 3 },
    ]);
    // Missing on the day: due 03-20 never handed in; due 03-10, handed in only on 04-01. Not yet: due 03-30 (within 3 days).
    await data.assignment(a, { dueAt: local('2026-03-20T15:00:00'), submittedAt: null });
    await data.assignment(a, { dueAt: local('2026-03-10T15:00:00'), submittedAt: local('2026-04-01T09:00:00') });
    await data.assignment(a, { dueAt: local('2026-03-30T15:00:00'), submittedAt: null });
    // First-week calls: two reached by the day, one reached after it, one not reached.
    for (const [day, completed, result] of [
      [1, '2026-03-02T10:00:00', 'reached'],
      [2, '2026-03-03T10:00:00', 'reached'],
      [3, '2026-03-04T10:00:00', 'no_answer'],
      [4, '2026-04-05T10:00:00', 'reached'],
    ] as const)
      await app.db.query(
        `insert into tasks (kind, day_index, learner_id, enrollment_id, due_at, status, result, completed_at) values ('first_week_checkin', $1, $2, $3, $4, 'done', $5, $4)`,
        [day, ea.learnerId, a, local(completed), result],
      );
    // Enrolled three days before, never logged in, no expiry.
    b = (await data.enrollment({ courseId: course.id, enrolledAt: local('2026-03-28T20:00:00') })).id;
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  const model = {
    version: 99,
    intercept: -3,
    means: FEATURE_KEYS.map(() => 0),
    sds: FEATURE_KEYS.map(() => 1),
    coef: FEATURE_KEYS.map((k) => ({ days_since_login: 1, complaints_30d: 2, study_change: -0.05 })[k] ?? 0),
  };

  it('reads every feature from the rollups as of the end of the day', async () => {
    const rows = await app.get(RiskRepository).scoreRows([a, b], D, TZ, model);
    const byId = new Map(rows.map((r) => [r.enrollment_id, Object.fromEntries(FEATURE_KEYS.map((k) => [k, Number(r[k])]))]));
    expect(byId.get(a)).toEqual({
      days_since_login: 5, // last login 03-26
      pace_ratio: 4 / 15.5, // 4 lessons by the day; 30 × 31 ÷ 60 expected after 31 days
      study_minutes_7d: 20, // 03-25 … 03-31
      study_change: (20 - 80) / 80, // against 03-18 … 03-24 (30 + 50)
      late_assignments_30d: 3, // one late submission + two still missing more than 3 days after their due date
      complaints_30d: 1,
      stage_new: 0,
      stage_near_expiry: 1, // expires 20 days later
      days_enrolled: 30,
      days_to_expiry: 20,
      first_week_reached: 2,
    });
    expect(byId.get(b)).toEqual({
      days_since_login: 3, // never logged in: days since enrolment
      pace_ratio: 0, // 0 of 30 × 4 ÷ 60 = 2 expected
      study_minutes_7d: 0,
      study_change: 0,
      late_assignments_30d: 0,
      complaints_30d: 0,
      stage_new: 1,
      stage_near_expiry: 0,
      days_enrolled: 3,
      days_to_expiry: 365,
      first_week_reached: 0,
    });
  });

  it('scores with the stored coefficients and names the strongest reasons, largest first', async () => {
    const rows = await app.get(RiskRepository).scoreRows([a, b], D, TZ, model);
    const byId = new Map(rows.map((r) => [r.enrollment_id, r]));
    // a: −3 + 5·1 + 1·2 + (−0.75)·(−0.05) = 4.0375
    expect(Number(byId.get(a)!.score)).toBeCloseTo(1 / (1 + Math.exp(-4.0375)), 12);
    expect(Number(byId.get(a)!.score_rel)).toBeCloseTo(Number(byId.get(a)!.score), 12);
    // The study-time term (0.0375) is below the 0.1 that makes a reason.
    expect(byId.get(a)!.reasons).toEqual([
      { feature: 'days_since_login', value: 5 },
      { feature: 'complaints_30d', value: 1 },
    ]);
    // b: −3 + 3 = 0
    expect(Number(byId.get(b)!.score)).toBeCloseTo(0.5, 12);
    expect(byId.get(b)!.reasons).toEqual([{ feature: 'days_since_login', value: 3 }]);
  });
});
