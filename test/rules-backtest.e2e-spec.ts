import { AnalyticsService } from '../libs/analytics/analytics.service.js';
import { LearningDataFactory } from '../libs/testing/learning-data.factory.js';
import { TestApp, type TestStaff } from '../libs/testing/index.js';

/** Backtests over one course of hand-made history, with exact per-day numbers (Asia/Shanghai days). */
describe('POST /rules/backtest', () => {
  let app: TestApp;
  let data: LearningDataFactory;
  let admin: TestStaff;
  let courseId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await TestApp.start({ worker: false });
    data = new LearningDataFactory(app.db, app.config.schoolTimezone);
    admin = await app.staff.create('admin');
    courseId = (await data.course({ totalLessons: 100, durationDays: 100 })).id;
    // B1: enrolled Feb 1 02:00, logs in on Feb 2 and Feb 12.
    const b1 = await data.enrollment({ courseId, enrolledAt: '2026-01-31T18:00:00Z' });
    await data.daily(b1.id, [
      { day: '2026-02-02', logins: 1 },
      { day: '2026-02-12', logins: 2 },
    ]);
    // B2: enrolled Feb 5 10:00, never logs in.
    const b2 = await data.enrollment({ courseId, enrolledAt: '2026-02-05T02:00:00Z' });
    // B3: enrolled Feb 1 02:00, never logs in, paused on Feb 15.
    const b3 = await data.enrollment({ courseId, enrolledAt: '2026-01-31T18:00:00Z', status: 'paused', statusChangedAt: '2026-02-15T02:00:00Z' });
    Object.assign(ids, { b1: b1.learnerId, b2: b2.learnerId, b3: b3.learnerId });
    // Complaints: B1 on Feb 11 and Feb 13 (fires from the 13th to the month's end); B2 on Jan 30 and Feb 1 (never 2 in one month).
    await data.complaint(b1.id, '2026-02-11');
    await data.complaint(b1.id, '2026-02-13');
    await data.complaint(b2.id, '2026-01-30');
    await data.complaint(b2.id, '2026-02-01');
  });
  afterAll(async () => {
    await app?.close();
  });

  const backtest = (body: object) => app.http().post('/api/v1/rules/backtest').set(admin.auth).send(body);

  it('inactive_days: per-day firing, opened (workload) and cleared, and distinct learners', async () => {
    const res = await backtest({ rule: { kind: 'inactive_days', params: { days: 7 } }, from: '2026-02-10', to: '2026-02-20', courseId });
    expect(res.status).toBe(200);
    const firing = Object.fromEntries(res.body.days.map((d: any) => [d.day.slice(5), d.firing]));
    expect(firing).toEqual({
      '02-10': 2,
      '02-11': 2,
      '02-12': 2,
      '02-13': 2,
      '02-14': 2,
      '02-15': 1,
      '02-16': 1,
      '02-17': 1,
      '02-18': 1,
      '02-19': 2,
      '02-20': 2,
    });
    const opened = res.body.days.filter((d: any) => d.opened).map((d: any) => [d.day, d.opened]);
    expect(opened).toEqual([
      ['2026-02-12', 1],
      ['2026-02-19', 1],
    ]);
    const cleared = res.body.days.filter((d: any) => d.cleared).map((d: any) => [d.day, d.cleared]);
    expect(cleared).toEqual([
      ['2026-02-12', 1],
      ['2026-02-15', 1],
    ]);
    expect(res.body.totals).toMatchObject({ alertsOpened: 2, openAtStart: 2, distinctLearners: 3, distinctEnrollments: 3, maxDailyWorkload: 1, peakFiring: 2 });
    expect(res.body).toMatchObject({ from: '2026-02-10', to: '2026-02-20', timezone: 'Asia/Shanghai', rule: { kind: 'inactive_days', params: { days: 7 } } });
  });

  it('inactive_days over a quarter (login bitmaps longer than one 63-day word)', async () => {
    const res = await backtest({ rule: { kind: 'inactive_days' }, from: '2026-01-01', to: '2026-03-31', courseId });
    const byDay = Object.fromEntries(res.body.days.map((d: any) => [d.day, d]));
    expect(res.body.days).toHaveLength(90);
    expect(byDay['2026-01-15'].firing).toBe(0);
    expect(res.body.days.filter((d: any) => d.opened).map((d: any) => [d.day, d.opened])).toEqual([
      ['2026-02-08', 1],
      ['2026-02-09', 1],
      ['2026-02-12', 1],
      ['2026-02-19', 1],
    ]);
    expect(byDay['2026-03-31'].firing).toBe(2);
    expect(res.body.totals).toMatchObject({ alertsOpened: 4, openAtStart: 0, distinctLearners: 3 });
  });

  it('a draft threshold changes the numbers (nothing is saved)', async () => {
    const res = await backtest({ rule: { kind: 'inactive_days', params: { days: 14 } }, from: '2026-02-10', to: '2026-02-20', courseId });
    // B3 (enrolled Feb 1) reaches 14 days on Feb 15 — the day it was paused; B2 (Feb 5 10:00) on Feb 19.
    expect(res.body.days.map((d: any) => d.firing)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    const [{ n }] = await app.db.query(`select count(*)::int as n from rules where params = '{"days": 14}'::jsonb`);
    expect(n).toBe(0);
  });

  it('complaints: from the day the month count reaches the threshold to the end of the month', async () => {
    const res = await backtest({ rule: { kind: 'complaints' }, from: '2026-02-01', to: '2026-03-03', courseId });
    const firingDays = res.body.days.filter((d: any) => d.firing).map((d: any) => d.day);
    expect(firingDays[0]).toBe('2026-02-13');
    expect(firingDays[firingDays.length - 1]).toBe('2026-02-28');
    expect(firingDays).toHaveLength(16);
    expect(res.body.totals).toMatchObject({ alertsOpened: 1, distinctLearners: 1 });
  });

  it('runs every kind over the rollups', async () => {
    for (const kind of ['low_completion', 'late_assignments', 'study_time_drop']) {
      const res = await backtest({ rule: { kind }, from: '2026-02-01', to: '2026-02-28', courseId });
      expect(res.status).toBe(200);
      expect(res.body.days).toHaveLength(28);
    }
    // low_completion: nobody completes anything; B1/B3 (Feb 1 02:00) pass the 7-day grace during Feb 8, B2 (Feb 5 10:00) during Feb 12.
    const low = await backtest({ rule: { kind: 'low_completion' }, from: '2026-02-01', to: '2026-02-14', courseId });
    expect(low.body.days.map((d: any) => d.firing)).toEqual([0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 3, 3, 3]);
  });

  it('low_completion: lessons before the period carry into it; lessons within it clear and re-time the alert', async () => {
    // 10 lessons over 100 days, ratio 0.2: behind pace once elapsed > 50 days per completed lesson; 2 lessons keep pace for good.
    const c = (await data.course({ totalLessons: 10, durationDays: 100 })).id;
    const at = '2026-02-28T16:00:00Z'; // Mar 1 00:00
    const l1 = await data.enrollment({ courseId: c, enrolledAt: at }); // lesson Mar 3 (fires from Apr 20), second lesson Apr 25
    await data.daily(l1.id, [
      { day: '2026-03-03', lessonsCompleted: 1 },
      { day: '2026-04-25', lessonsCompleted: 1 },
    ]);
    const l2 = await data.enrollment({ courseId: c, enrolledAt: at }); // two lessons before the period: never
    await data.daily(l2.id, [
      { day: '2026-03-03', lessonsCompleted: 1 },
      { day: '2026-03-05', lessonsCompleted: 1 },
    ]);
    const l4 = await data.enrollment({ courseId: c, enrolledAt: at }); // nothing until Apr 10: behind since Mar 7, again from Apr 20
    await data.daily(l4.id, [{ day: '2026-04-10', lessonsCompleted: 1 }]);
    const res = await backtest({ rule: { kind: 'low_completion' }, from: '2026-04-01', to: '2026-04-30', courseId: c });
    const firing = res.body.days.map((d: any) => d.firing);
    expect(firing).toEqual([...Array(9).fill(1), ...Array(10).fill(0), ...Array(5).fill(2), ...Array(6).fill(1)]);
    expect(res.body.days.filter((d: any) => d.opened).map((d: any) => [d.day, d.opened])).toEqual([['2026-04-20', 2]]);
    expect(res.body.days.filter((d: any) => d.cleared).map((d: any) => [d.day, d.cleared])).toEqual([
      ['2026-04-10', 1],
      ['2026-04-25', 1],
    ]);
    expect(res.body.totals).toMatchObject({ alertsOpened: 2, openAtStart: 1, distinctEnrollments: 2 });
    // Early April: L1 is not behind yet (day 50 is Apr 20) and L4 still is.
    const early = await backtest({ rule: { kind: 'low_completion' }, from: '2026-04-01', to: '2026-04-05', courseId: c });
    expect(early.body.days.map((d: any) => d.firing)).toEqual([1, 1, 1, 1, 1]);
    expect(early.body.totals).toMatchObject({ alertsOpened: 0, openAtStart: 1, distinctEnrollments: 1 });
  });

  it('study_time_drop: two halvings in a row fire for the whole next week, a single drop never', async () => {
    const c = (await data.course()).id;
    const s1 = await data.enrollment({ courseId: c, enrolledAt: '2026-02-20T02:00:00Z' });
    // 100, 50, 20, 10 then nothing: weeks of Mar 23, Mar 30, Apr 6 and Apr 13 each follow two drops.
    await data.studyWeeks(s1.id, [
      { weekStart: '2026-03-02', minutes: 100 },
      { weekStart: '2026-03-09', minutes: 50 },
      { weekStart: '2026-03-16', minutes: 20 },
      { weekStart: '2026-03-23', minutes: 10 },
    ]);
    const s2 = await data.enrollment({ courseId: c, enrolledAt: '2026-02-20T02:00:00Z' });
    // 100, 50, then 40 every week: one drop only.
    await data.studyWeeks(
      s2.id,
      ['2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06', '2026-04-13', '2026-04-20'].map((weekStart, i) => ({
        weekStart,
        minutes: [100, 50][i] ?? 40,
      })),
    );
    const res = await backtest({ rule: { kind: 'study_time_drop' }, from: '2026-03-20', to: '2026-04-25', courseId: c });
    const firingDays = res.body.days.filter((d: any) => d.firing).map((d: any) => d.day);
    expect(firingDays[0]).toBe('2026-03-23');
    expect(firingDays[firingDays.length - 1]).toBe('2026-04-19');
    expect(firingDays).toHaveLength(28);
    expect(res.body.days.filter((d: any) => d.firing > 1)).toEqual([]);
    expect(res.body.totals).toMatchObject({ alertsOpened: 1, openAtStart: 0, distinctEnrollments: 1, distinctLearners: 1 });
  });

  it('precision, recall and median lead of the draft rule against refreshed outcomes (hand-counted)', async () => {
    // Course Q, period March 2026 (Shanghai), inactive_days 7, outcomes refreshed on June 15 (churn after 30 silent days).
    const q = (await data.course({ totalLessons: 10, durationDays: 100 })).id;
    const mar1 = '2026-03-01T02:00:00Z'; // Mar 1 10:00
    // Q1: logs in Mar 2, then silence: flagged from Mar 9, churns (inactive) Apr 1 12:00 — after the period, within 30 days of the flag.
    const q1 = await data.enrollment({ courseId: q, enrolledAt: mar1 });
    await data.login(q1.id, '2026-03-02T04:00:00Z');
    // Q2: logs in Mar 1, Mar 20 and June 10: flagged Mar 8–19 and from Mar 27, never churns.
    const q2 = await data.enrollment({ courseId: q, enrolledAt: mar1 });
    for (const at of ['2026-03-01T04:00:00Z', '2026-03-20T04:00:00Z', '2026-06-10T04:00:00Z']) await data.login(q2.id, at);
    // Q3: cancelled Mar 5 before any flag: churned in the period, missed.
    const q3 = await data.enrollment({ courseId: q, enrolledAt: mar1, status: 'cancelled', statusChangedAt: '2026-03-05T02:00:00Z' });
    // Q4: never logs in, flagged from Mar 8 (alert dated end of Mar 8), cancelled Mar 20 10:00: lead 11 d 10 h.
    const q4 = await data.enrollment({ courseId: q, enrolledAt: mar1, status: 'cancelled', statusChangedAt: '2026-03-20T02:00:00Z' });
    // Q5: enrolled Feb 1, logs in Feb 2, flagged since Feb 9 (open when March starts, dated Mar 1 00:00), churns Mar 4 12:00: lead 3.5 d.
    const q5 = await data.enrollment({ courseId: q, enrolledAt: '2026-02-01T02:00:00Z' });
    await data.login(q5.id, '2026-02-02T04:00:00Z');
    expect([q1, q2, q3, q4, q5].map((e) => e.courseId)).toEqual([q, q, q, q, q]);

    app.setNow('2026-06-15T00:00:00Z');
    try {
      await app.get(AnalyticsService).refresh();
      const res = await backtest({ rule: { kind: 'inactive_days', params: { days: 7 } }, from: '2026-03-01', to: '2026-03-31', courseId: q });
      expect(res.status).toBe(200);
      expect(res.body.days.filter((d: any) => d.opened).map((d: any) => [d.day, d.opened])).toEqual([
        ['2026-03-08', 2],
        ['2026-03-09', 1],
        ['2026-03-27', 1],
      ]);
      expect(res.body.totals).toMatchObject({ alertsOpened: 4, openAtStart: 1, distinctEnrollments: 4 });
      // Flagged: Q1, Q2, Q4, Q5 (all mature by June 15); churned within 30 days of the first flag: Q1, Q4, Q5.
      // Churned in March: Q3 (Mar 5), Q4 (Mar 20), Q5 (Mar 4); flagged before churning: Q4, Q5. Median lead (11 5/12 + 3.5) / 2.
      expect(res.body.quality).toEqual({
        asOf: '2026-06-15T00:00:00.000Z',
        alertedEnrolments: 4,
        precisionN: 4,
        churnedWithin30: 3,
        precision: 0.75,
        recallN: 3,
        alertedBeforeChurn: 2,
        recall: 0.666667,
        medianLeadDays: 7.458333,
      });

      // A rule that flags nobody: precision has no sample (null), recall is 0 of 3.
      const none = await backtest({ rule: { kind: 'complaints' }, from: '2026-03-01', to: '2026-03-31', courseId: q });
      expect(none.body.quality).toMatchObject({
        alertedEnrolments: 0,
        precisionN: 0,
        precision: null,
        recallN: 3,
        alertedBeforeChurn: 0,
        recall: 0,
        medianLeadDays: null,
      });
      // A period before anyone enrolled: no alerts and no churn, every rate null.
      const empty = await backtest({ rule: { kind: 'inactive_days' }, from: '2026-01-01', to: '2026-01-31', courseId: q });
      expect(empty.body.quality).toMatchObject({ alertedEnrolments: 0, precisionN: 0, precision: null, recallN: 0, recall: null, medianLeadDays: null });
      // Mar 10–15: all four alerts are already open (dated Mar 10 00:00); Q5 churned before that (a miss), nobody churns within.
      const short = await backtest({ rule: { kind: 'inactive_days' }, from: '2026-03-10', to: '2026-03-15', courseId: q });
      expect(short.body.totals).toMatchObject({ alertsOpened: 0, openAtStart: 4 });
      expect(short.body.quality).toMatchObject({
        alertedEnrolments: 4,
        precisionN: 4,
        churnedWithin30: 2,
        precision: 0.5,
        recallN: 0,
        recall: null,
        medianLeadDays: null,
      });
    } finally {
      app.setNow(undefined);
    }
  });

  it('low_completion: several lessons a day, lessons on the first day and mid-week, behind pace despite lessons (exact days)', async () => {
    // 100 lessons over 100 days, ratio 0.2, enrolled at midnight: c completed lessons fire from day max(6, 5c) after enrolling.
    const c = (await data.course({ totalLessons: 100, durationDays: 100 })).id;
    // Z, enrolled Mar 1: 4 lessons before April (fires from Mar 21), 3 on Apr 3 (7: from Apr 5), 1 on Apr 10 (8: from Apr 10),
    // 5 on Apr 20 (13: from May 5). Fires Mar 31–Apr 2 and Apr 5–19.
    const z = await data.enrollment({ courseId: c, enrolledAt: '2026-02-28T16:00:00Z' });
    await data.daily(z.id, [
      ...['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'].map((day) => ({ day, lessonsCompleted: 1 })),
      { day: '2026-04-03', lessonsCompleted: 3 },
      { day: '2026-04-10', lessonsCompleted: 1 },
      { day: '2026-04-20', lessonsCompleted: 5 },
    ]);
    // Enrolled Jan 1, far behind all April whatever they do. X: a lesson on Apr 1, the first day — its alert counts as opened
    // that day, not as open at the start (the day before the period is carried only by a segment reaching into it);
    // Y: a lesson on Apr 2 (open at the start); W: lessons on Apr 8 and 9.
    const jan1 = '2025-12-31T16:00:00Z';
    const x = await data.enrollment({ courseId: c, enrolledAt: jan1 });
    await data.daily(x.id, [{ day: '2026-04-01', lessonsCompleted: 1 }]);
    const y = await data.enrollment({ courseId: c, enrolledAt: jan1 });
    await data.daily(y.id, [{ day: '2026-04-02', lessonsCompleted: 1 }]);
    const w = await data.enrollment({ courseId: c, enrolledAt: jan1 });
    await data.daily(w.id, [
      { day: '2026-04-08', lessonsCompleted: 1 },
      { day: '2026-04-09', lessonsCompleted: 1 },
    ]);

    const res = await backtest({ rule: { kind: 'low_completion' }, from: '2026-04-01', to: '2026-04-30', courseId: c });
    expect(res.status).toBe(200);
    expect(res.body.days.map((d: any) => d.firing)).toEqual([4, 4, 3, 3, ...Array(15).fill(4), ...Array(11).fill(3)]);
    expect(res.body.days.filter((d: any) => d.opened).map((d: any) => [d.day, d.opened])).toEqual([
      ['2026-04-01', 1],
      ['2026-04-05', 1],
    ]);
    expect(res.body.days.filter((d: any) => d.cleared).map((d: any) => [d.day, d.cleared])).toEqual([
      ['2026-04-03', 1],
      ['2026-04-20', 1],
    ]);
    expect(res.body.totals).toMatchObject({ alertsOpened: 2, openAtStart: 3, distinctEnrollments: 4 });
  });

  it('study_time_drop: a period from a Monday to a Sunday, one drop or two, a week without minutes counting as 0', async () => {
    const c = (await data.course()).id;
    const s1 = await data.enrollment({ courseId: c, enrolledAt: '2026-02-20T02:00:00Z' });
    // 100, 40, 40, 10, then nothing.
    await data.studyWeeks(s1.id, [
      { weekStart: '2026-03-02', minutes: 100 },
      { weekStart: '2026-03-09', minutes: 40 },
      { weekStart: '2026-03-16', minutes: 40 },
      { weekStart: '2026-03-23', minutes: 10 },
    ]);
    const firingDays = (body: any) => body.days.filter((d: any) => d.firing).map((d: any) => d.day);
    // One drop: the weeks after 100 → 40, 40 → 10 and 10 → 0.
    const one = await backtest({ rule: { kind: 'study_time_drop', params: { weeks: 1 } }, from: '2026-03-16', to: '2026-04-12', courseId: c });
    expect(firingDays(one.body)).toEqual([
      ...Array.from({ length: 7 }, (_, i) => `2026-03-${16 + i}`),
      ...['2026-03-30', '2026-03-31'],
      ...Array.from({ length: 12 }, (_, i) => `2026-04-${String(1 + i).padStart(2, '0')}`),
    ]);
    expect(one.body.totals).toMatchObject({ alertsOpened: 2, openAtStart: 0 });
    // Two drops in a row: only after 40 → 10 → 0 (the week of Apr 6; the next one is after the period).
    const two = await backtest({ rule: { kind: 'study_time_drop', params: { weeks: 2 } }, from: '2026-03-16', to: '2026-04-12', courseId: c });
    expect(firingDays(two.body)).toEqual(Array.from({ length: 7 }, (_, i) => `2026-04-${String(6 + i).padStart(2, '0')}`));
    expect(two.body.totals).toMatchObject({ alertsOpened: 1, openAtStart: 0 });
  });

  it('rejects bad input with field errors and advisors with 403', async () => {
    const bad = await backtest({ rule: { kind: 'inactive_days', params: { days: 0 } }, from: '2026-02-20', to: '2026-02-10' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: any) => d.field).sort()).toEqual(['rule.params.days', 'to']);
    expect((await backtest({ rule: { kind: 'nope' }, from: '2026-02-10', to: '2026-02-20' })).body.details[0].field).toBe('rule.kind');
    expect((await backtest({ from: '2026-02-10', to: '2026-02-20' })).status).toBe(400);
    expect((await backtest({ rule: { kind: 'complaints' }, from: '2024-01-01', to: '2026-02-20' })).body.details[0].field).toBe('to');
    const advisor = await app.staff.create('advisor');
    expect(
      (
        await app
          .http()
          .post('/api/v1/rules/backtest')
          .set(advisor.auth)
          .send({ rule: { kind: 'complaints' }, from: '2026-02-10', to: '2026-02-20' })
      ).status,
    ).toBe(403);
  });
});
