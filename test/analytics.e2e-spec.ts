import { randomUUID } from 'node:crypto';
import { AnalyticsService } from '../libs/analytics/analytics.service.js';
import { parseCsv } from '../libs/analytics/csv.js';
import { eventually, TestApp, type TestStaff } from '../libs/testing/index.js';

/**
 * A small school with known outcomes, seeded straight into the shared tables, measured "as of" 2026-07-01.
 * Every expected figure below is counted by hand from the seed (CHURN_INACTIVE_DAYS = 30, school time zone
 * Asia/Shanghai). The database is shared with other test files, so assertions go through course filters or
 * a supervisor whose teams are created here.
 */
const AS_OF = '2026-07-01T00:00:00.000Z';
const DAY = 86_400_000;
const at = (base: string, days: number, minutes = 0) => new Date(Date.parse(base) + days * DAY + minutes * 60_000).toISOString();
const E = '2026-03-02T04:00:00.000Z'; // March cohort (C1)
const F = '2026-05-15T04:00:00.000Z'; // May cohort (C1)
const G = '2026-06-10T04:00:00.000Z'; // June cohort (C2, team B)
const H = '2026-04-06T04:00:00.000Z'; // first-week cohort (C3)

describe('analytics (hand-counted school)', () => {
  let app: TestApp;
  let admin: TestStaff;
  let supA: TestStaff;
  let teamB: string;
  let supB: TestStaff;
  let advA1: TestStaff;
  let advA2: TestStaff;
  let advA3: TestStaff;
  let advB1: TestStaff;
  const sfx = randomUUID().slice(0, 8);
  const course: Record<string, string> = {};
  const enr: Record<string, { id: string; learnerId: string }> = {};
  const rule1 = `inactive_${sfx}`;
  const rule2 = `lowcomp_${sfx}`;

  async function sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return app.db.query(text, params);
  }

  async function addCourse(key: string, teamId: string) {
    const [r] = await sql<{ id: string }>(
      `insert into courses (external_id, title, total_lessons, duration_days, team_id) values ($1, $2, 20, 120, $3) returning id`,
      [`${key}-${sfx}`, `Course ${key} ${sfx}`, teamId],
    );
    course[key] = r.id;
  }

  async function addEnrolment(
    key: string,
    c: string,
    o: { enrolledAt: string; status?: string; statusChangedAt?: string; expiresAt?: string | null; lastLoginAt?: string | null; holdout?: boolean },
  ) {
    const [l] = await sql<{ id: string }>(`insert into learners (external_id, name, last_login_at) values ($1, $2, $3) returning id`, [
      `L-${key}-${sfx}`,
      `Learner ${key}`,
      o.lastLoginAt ?? null,
    ]);
    const [e] = await sql<{ id: string }>(
      `insert into enrollments (external_id, learner_id, course_id, enrolled_at, expires_at, status, status_changed_at, holdout, last_login_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id`,
      [
        `E-${key}-${sfx}`,
        l.id,
        course[c],
        o.enrolledAt,
        o.expiresAt ?? null,
        o.status ?? 'active',
        o.statusChangedAt ?? o.enrolledAt,
        o.holdout ?? false,
        o.lastLoginAt ?? null,
      ],
    );
    enr[key] = { id: e.id, learnerId: l.id };
  }

  /** First-week check-ins: `reached` reached calls, then `missed` no-answer calls, all done by advisor A3. */
  async function checkins(key: string, reached: number, missed: number) {
    for (let d = 1; d <= reached + missed; d++) {
      await sql(
        `insert into tasks (kind, day_index, assignee_id, learner_id, enrollment_id, due_at, status, result, completed_at)
         values ('first_week_checkin', $1, $2, $3, $4, $5, 'done', $6, $5)`,
        [d, advA3.id, enr[key].learnerId, enr[key].id, at(H, d - 1, 120), d <= reached ? 'reached' : 'no_answer'],
      );
    }
  }

  async function alert(ruleKey: string, key: string, openedAt: string, status = 'open') {
    const [a] = await sql<{ id: string }>(
      `insert into alerts (rule_key, learner_id, enrollment_id, status, severity, evidence, opened_at, refreshed_at, cleared_at)
       values ($1, $2, $3, $4, 'medium', '{}', $5, $5, $6) returning id`,
      [ruleKey, enr[key].learnerId, enr[key].id, status, openedAt, status === 'cleared' ? at(openedAt, 3) : null],
    );
    return a.id;
  }

  async function kase(
    key: string,
    o: {
      advisor: TestStaff;
      teamId: string;
      status: string;
      openedAt: string;
      firstContactMinutes?: number;
      outcome?: string;
      reason?: string;
      resolvedAt?: string;
    },
  ) {
    await sql(
      `insert into cases (learner_id, team_id, advisor_id, status, priority, opened_at, first_contact_at, outcome, churn_reason, resolved_at)
       values ($1, $2, $3, $4, 'medium', $5, $6, $7, $8, $9)`,
      [
        enr[key].learnerId,
        o.teamId,
        o.advisor.id,
        o.status,
        o.openedAt,
        o.firstContactMinutes === undefined ? null : at(o.openedAt, 0, o.firstContactMinutes),
        o.outcome ?? null,
        o.reason ?? null,
        o.resolvedAt ?? null,
      ],
    );
  }

  beforeAll(async () => {
    app = await TestApp.start();
    app.setNow(AS_OF);
    admin = await app.staff.create('admin');
    const a = await app.staff.teamWithPeople(3);
    const b = await app.staff.teamWithPeople(1);
    [supA, supB] = [a.supervisor, b.supervisor];
    teamB = b.team.id;
    [advA1, advA2, advA3] = a.advisors;
    [advB1] = b.advisors;
    await addCourse('C1', a.team.id);
    await addCourse('C2', b.team.id);
    await addCourse('C3', a.team.id);

    // March cohort, C1: 8 enrolments, all observed ≥ 90 days.
    await addEnrolment('m1', 'C1', { enrolledAt: E, status: 'cancelled', statusChangedAt: at(E, 10) }); // churn day 10
    await addEnrolment('m2', 'C1', { enrolledAt: E, lastLoginAt: at(E, 40) }); // inactive: churn day 70
    await addEnrolment('m3', 'C1', { enrolledAt: E, lastLoginAt: '2026-06-25T01:00:00Z' }); // fine
    await addEnrolment('m4', 'C1', { enrolledAt: E, status: 'expired', expiresAt: at(E, 50), statusChangedAt: at(E, 51), lastLoginAt: at(E, 49) }); // churn day 50
    await addEnrolment('m5', 'C1', { enrolledAt: E, expiresAt: at(E, 200), lastLoginAt: '2026-06-28T01:00:00Z' }); // renewed
    await addEnrolment('m6', 'C1', { enrolledAt: E, status: 'completed', statusChangedAt: at(E, 80), lastLoginAt: at(E, 80) });
    await addEnrolment('m7', 'C1', { enrolledAt: E }); // never logged in: churn day 30
    await addEnrolment('m8', 'C1', { enrolledAt: E, status: 'paused', statusChangedAt: at(E, 6), lastLoginAt: at(E, 5) }); // paused is not churn
    await sql(`insert into activity_events (event_id, learner_id, course_id, enrollment_id, type, occurred_at) values ($1, $2, $3, $4, 'renewal', $5)`, [
      `renew-${sfx}`,
      enr.m5.learnerId,
      course.C1,
      enr.m5.id,
      at(E, 45),
    ]);
    // May cohort, C1: 3 enrolments, observed 46 days.
    await addEnrolment('y1', 'C1', { enrolledAt: F, status: 'cancelled', statusChangedAt: at(F, 3) });
    await addEnrolment('y2', 'C1', { enrolledAt: F, lastLoginAt: '2026-06-29T01:00:00Z' });
    await addEnrolment('y3', 'C1', { enrolledAt: F }); // churn day 30 (2026-06-14)
    // June cohort, C2 (team B): not observed 30 days yet.
    await addEnrolment('j1', 'C2', { enrolledAt: G, lastLoginAt: '2026-06-30T01:00:00Z' });
    await addEnrolment('j2', 'C2', { enrolledAt: G, status: 'cancelled', statusChangedAt: at(G, 1) });

    // First-week program, C3 (enrolled 2026-04-06, observed 85 days: mature at 30 and 60, not 90).
    await addEnrolment('c1', 'C3', { enrolledAt: H, status: 'cancelled', statusChangedAt: at(H, 20) });
    await addEnrolment('c2', 'C3', { enrolledAt: H, lastLoginAt: '2026-06-29T01:00:00Z' });
    await addEnrolment('c3', 'C3', { enrolledAt: H, lastLoginAt: '2026-06-29T01:00:00Z' });
    await addEnrolment('c4', 'C3', { enrolledAt: H, lastLoginAt: '2026-06-29T01:00:00Z' });
    await addEnrolment('n1', 'C3', { enrolledAt: H }); // inactive churn day 30
    await addEnrolment('n2', 'C3', { enrolledAt: H, status: 'cancelled', statusChangedAt: at(H, 45) });
    await addEnrolment('n3', 'C3', { enrolledAt: H, lastLoginAt: '2026-06-29T01:00:00Z' });
    await addEnrolment('h1', 'C3', { enrolledAt: H, holdout: true, status: 'cancelled', statusChangedAt: at(H, 5) });
    await addEnrolment('h2', 'C3', { enrolledAt: H, holdout: true });
    await addEnrolment('h3', 'C3', { enrolledAt: H, holdout: true, lastLoginAt: '2026-06-29T01:00:00Z' });
    await addEnrolment('w1', 'C3', { enrolledAt: '2026-06-28T04:00:00Z', lastLoginAt: '2026-06-30T01:00:00Z' }); // still in first week
    await checkins('c1', 5, 0);
    await checkins('c2', 6, 0);
    await checkins('c3', 7, 0);
    await checkins('c4', 5, 2); // exactly 5 of 7: covered
    await checkins('n1', 4, 3); // 4 of 7: not covered
    await checkins('n3', 2, 0);

    // Rules and alerts on C1.
    for (const [key, kind] of [
      [rule1, 'inactive_days'],
      [rule2, 'low_completion'],
    ]) {
      await sql(`insert into rules (key, name, kind, params, severity, action) values ($1, $2, $3, '{}', 'medium', '{}')`, [key, `Rule ${key}`, kind]);
    }
    const a1 = await alert(rule1, 'm2', at(E, 47), 'cleared'); // m2 churns day 70: hit, lead 23
    const a2 = await alert(rule1, 'm3', at(E, 60)); // m3 never churns: miss
    const a3 = await alert(rule1, 'm7', at(E, 10), 'cleared'); // m7 churns day 30: hit, lead 20
    await alert(rule1, 'y2', '2026-06-20T04:00:00Z'); // under 30 days old: not yet judged
    await alert(rule1, 'm2', at(E, 60)); // second alert for m2: counted as an alert, not a new enrolment
    await alert(rule2, 'y1', at(F, 5)); // after y1 already cancelled: neither precision nor recall
    await sql(`insert into alert_feedback (alert_id, staff_id, verdict) values ($1, $2, 'useful'), ($3, $4, 'useful'), ($5, $4, 'incorrect')`, [
      a1,
      supA.id,
      a3,
      advA1.id,
      a2,
    ]);

    // Cases and calls.
    await kase('m1', {
      advisor: advA1,
      teamId: a.team.id,
      status: 'resolved',
      openedAt: '2026-03-12T02:00:00Z',
      firstContactMinutes: 60,
      outcome: 'churned',
      reason: 'expectation_gap',
      resolvedAt: '2026-03-15T02:00:00Z',
    });
    await kase('m4', {
      advisor: advA2,
      teamId: a.team.id,
      status: 'resolved',
      openedAt: '2026-04-20T02:00:00Z',
      firstContactMinutes: 120,
      outcome: 'churned',
      reason: 'slow_service',
      resolvedAt: '2026-04-25T02:00:00Z',
    });
    await kase('y1', {
      advisor: advA1,
      teamId: a.team.id,
      status: 'resolved',
      openedAt: '2026-05-18T02:00:00Z',
      outcome: 'churned',
      reason: 'expectation_gap',
      resolvedAt: '2026-05-20T02:00:00Z',
    });
    await kase('m2', { advisor: advA1, teamId: a.team.id, status: 'open', openedAt: '2026-04-10T02:00:00Z', firstContactMinutes: 90 });
    await kase('y2', { advisor: advA1, teamId: a.team.id, status: 'in_progress', openedAt: '2026-06-20T02:00:00Z', firstContactMinutes: 30 });
    await kase('m3', {
      advisor: advA2,
      teamId: a.team.id,
      status: 'resolved',
      openedAt: '2026-05-01T02:00:00Z',
      firstContactMinutes: 10,
      outcome: 'retained',
      resolvedAt: '2026-05-03T02:00:00Z',
    });
    await kase('j2', {
      advisor: advB1,
      teamId: b.team.id,
      status: 'resolved',
      openedAt: '2026-06-11T02:00:00Z',
      outcome: 'churned',
      reason: 'content_mismatch',
      resolvedAt: '2026-06-12T02:00:00Z',
    });
    const task = (key: string, who: TestStaff, status: string, dueAt: string, extra: { result?: string; reason?: string } = {}) =>
      sql(
        `insert into tasks (kind, assignee_id, learner_id, enrollment_id, due_at, status, result, churn_reason, completed_at)
         values ('care_call', $1, $2, $3, $4, $5, $6, $7, case when $5 = 'done' then $4::timestamptz end)`,
        [who.id, enr[key].learnerId, enr[key].id, dueAt, status, extra.result ?? null, extra.reason ?? null],
      );
    await task('m7', advA1, 'done', '2026-04-02T03:00:00Z', { result: 'reached', reason: 'lack_of_support' });
    await task('y3', advA2, 'done', '2026-06-15T03:00:00Z', { result: 'reached', reason: 'life_circumstances' });
    await task('m2', advA1, 'scheduled', '2026-06-30T03:00:00Z'); // overdue
    await task('m3', advA1, 'scheduled', '2026-07-02T03:00:00Z'); // not yet due

    // Support tickets of team A on a split-shift calendar (Mon–Fri 09:00–12:00, 13:00–18:00, Shanghai = UTC+8).
    const [cal] = await sql<{ id: string }>(`insert into calendars (name, timezone, hours) values ($1, 'Asia/Shanghai', $2) returning id`, [
      `cal-${sfx}`,
      JSON.stringify(
        Object.fromEntries(
          ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [
            d,
            [
              ['09:00', '12:00'],
              ['13:00', '18:00'],
            ],
          ]),
        ),
      ),
    ]);
    const ticket = (
      teamId: string,
      category: string,
      priority: string,
      status: string,
      t: { created: string; frDue: string; fr?: string; resDue: string; resolved?: string; paused?: number },
    ) =>
      sql(
        `insert into tickets (learner_id, category, priority, subject, body, status, team_id, created_by_type, calendar_id,
                              first_response_due_at, first_responded_at, resolution_due_at, resolved_at, paused_minutes, created_at)
         values ($1, $2, $3, 'help', 'please', $4, $5, 'system', $6, $7, $8, $9, $10, $11, $12)`,
        [enr.m3.learnerId, category, priority, status, teamId, cal.id, t.frDue, t.fr ?? null, t.resDue, t.resolved ?? null, t.paused ?? 0, t.created],
      );
    // T1: answered in 30 business minutes, resolved in 240 (09:00–12:00 + 13:00–14:00): both met.
    await ticket(a.team.id, 'technical', 'high', 'resolved', {
      created: '2026-06-01T01:00:00Z',
      frDue: '2026-06-01T02:00:00Z',
      fr: '2026-06-01T01:30:00Z',
      resDue: '2026-06-01T10:00:00Z',
      resolved: '2026-06-01T06:00:00Z',
    });
    // T2: 11:30 → 13:30 is 60 business minutes (lunch excluded), late; resolved Tue 10:30: 30 + 300 + 90 = 420, late.
    await ticket(a.team.id, 'technical', 'medium', 'resolved', {
      created: '2026-06-01T03:30:00Z',
      frDue: '2026-06-01T03:50:00Z',
      fr: '2026-06-01T05:30:00Z',
      resDue: '2026-06-02T01:00:00Z',
      resolved: '2026-06-02T02:30:00Z',
    });
    // T3: Friday 17:00 → Monday 09:20 is 80 business minutes (met); still open past its resolution target (breached).
    await ticket(a.team.id, 'billing', 'low', 'open', {
      created: '2026-06-05T09:00:00Z',
      frDue: '2026-06-08T02:00:00Z',
      fr: '2026-06-08T01:20:00Z',
      resDue: '2026-06-09T10:00:00Z',
    });
    // T4: created the evening before AS_OF: nothing due yet.
    await ticket(a.team.id, 'billing', 'low', 'new', { created: '2026-06-30T09:00:00Z', frDue: '2026-07-01T02:00:00Z', resDue: '2026-07-03T10:00:00Z' });
    // T5: 60 minutes to answer; resolved Wed 09:00 after 960 business minutes, 120 of them paused: 840, met.
    await ticket(a.team.id, 'learning', 'medium', 'resolved', {
      created: '2026-06-01T01:00:00Z',
      frDue: '2026-06-01T02:00:00Z',
      fr: '2026-06-01T02:00:00Z',
      resDue: '2026-06-03T04:00:00Z',
      resolved: '2026-06-03T01:00:00Z',
      paused: 120,
    });
    // Team B's ticket is not supervisor A's business.
    await ticket(b.team.id, 'technical', 'urgent', 'resolved', {
      created: '2026-06-01T01:00:00Z',
      frDue: '2026-06-01T01:10:00Z',
      fr: '2026-06-01T08:00:00Z',
      resDue: '2026-06-01T05:00:00Z',
      resolved: '2026-06-05T01:00:00Z',
    });

    // On-demand refresh goes through the outbox to the worker.
    const res = await app.http().post('/api/v1/analytics/refresh').set(admin.auth);
    expect(res.status).toBe(202);
    await eventually(async () => {
      const s = await app.http().get('/api/v1/analytics/status').set(admin.auth);
      return s.body.pending === false && s.body.asOf === AS_OF;
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('computes churn at 30/60/90 days per monthly cohort, counting only enrolments old enough', async () => {
    const res = await app.http().get('/api/v1/analytics/retention').query({ cohort: 'month', courseId: course.C1 }).set(admin.auth);
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(AS_OF);
    const [march, may] = res.body.cohorts;
    expect(res.body.cohorts).toHaveLength(2);
    expect(march).toMatchObject({
      cohort: '2026-03',
      enrolments: 8,
      mature30: 8,
      churned30: 2,
      churnRate30: 0.25, // m1 (day 10), m7 (day 30)
      mature60: 8,
      churned60: 3,
      churnRate60: 0.375, // + m4 (expired day 50)
      mature90: 8,
      churned90: 4,
      churnRate90: 0.5, // + m2 (inactive from day 40: churn day 70)
      churnedToDate: 4,
      renewed: 1,
      renewalDue: 2,
      renewalRate: 0.5, // m5 renewed, m4 expired without renewal
    });
    expect(may).toMatchObject({ cohort: '2026-05', enrolments: 3, mature30: 3, churned30: 2, mature60: 0, churned60: 0, churnRate60: null, churnRate90: null });
    expect(may.churnRate30).toBeCloseTo(2 / 3, 6);
    // Curve: share still active after w weeks (March: churn weeks 1, 4, 7, 10; observed 17 weeks).
    expect(march.curve).toHaveLength(17);
    const share = (w: number) => march.curve.find((p: { week: number }) => p.week === w).activeShare;
    expect([share(1), share(2), share(5), share(8), share(11), share(17)]).toEqual([1, 0.875, 0.75, 0.625, 0.5, 0.5]);
    expect(res.body.total).toMatchObject({ cohort: 'total', enrolments: 11, mature30: 11, churned30: 4, mature60: 8, churned60: 3 });
    expect(res.body.byCourse).toEqual([expect.objectContaining({ courseId: course.C1, enrolments: 11, churned30: 4, renewed: 1, renewalRate: 0.5 })]);
    const bySupA = await app.http().get('/api/v1/analytics/retention').set(supA.auth);
    expect(bySupA.body.byCourse.map((c: { courseId: string; enrolments: number }) => [c.courseId, c.enrolments]).sort()).toEqual(
      [
        [course.C1, 11],
        [course.C3, 11],
      ].sort(),
    );
  });

  it('groups by week and filters by enrolment date', async () => {
    const res = await app
      .http()
      .get('/api/v1/analytics/retention')
      .query({ cohort: 'week', courseId: course.C1, from: '2026-05-01', to: '2026-05-31' })
      .set(admin.auth);
    expect(res.status).toBe(200);
    expect(res.body.cohorts).toEqual([expect.objectContaining({ cohort: '2026-05-11', enrolments: 3, churned30: 2 })]);
  });

  it('does not count young cohorts as churn-free: rates are null until observed', async () => {
    const res = await app.http().get('/api/v1/analytics/retention').query({ courseId: course.C2 }).set(supB.auth);
    expect(res.status).toBe(200);
    expect(res.body.cohorts).toEqual([
      expect.objectContaining({ cohort: '2026-06', enrolments: 2, mature30: 0, churned30: 0, churnRate30: null, churnedToDate: 1 }),
    ]);
  });

  it('compares covered, not covered and holdout, with the uplift and its interval', async () => {
    const res = await app.http().get('/api/v1/analytics/first-week').query({ courseId: course.C3 }).set(supA.auth);
    expect(res.status).toBe(200);
    const { groups, coverage, uplift } = res.body;
    expect(coverage).toEqual({ eligible: 7, covered: 4, share: Math.round((4 / 7) * 1e6) / 1e6 });
    expect(res.body.inFirstWeek).toBe(1);
    expect(groups.covered).toMatchObject({
      enrolments: 4,
      mature30: 4,
      churned30: 1,
      churnRate30: 0.25,
      mature60: 4,
      churned60: 1,
      mature90: 0,
      churnRate90: null,
    });
    expect(groups.notCovered).toMatchObject({ enrolments: 3, mature30: 3, churned30: 1, mature60: 3, churned60: 2 });
    expect(groups.holdout).toMatchObject({ enrolments: 3, mature30: 3, churned30: 2 });
    // Hand computation: holdout 2/3, treated 2/7 (c1, n1 of 7), Newcombe's hybrid score interval from the
    // two Wilson intervals, z = 1.96: Wilson(2/3) = (0.2077, 0.9385), Wilson(2/7) = (0.0822, 0.6411);
    // low = 8/21 − sqrt((2/3 − 0.2077)² + (0.6411 − 2/7)²) = −0.1995,
    // high = 8/21 + sqrt((0.9385 − 2/3)² + (2/7 − 0.0822)²) = 0.7205.
    expect(uplift.holdoutN).toBe(3);
    expect(uplift.treatedN).toBe(7);
    expect(uplift.difference).toBeCloseTo(8 / 21, 5);
    expect(uplift.ciLow).toBeCloseTo(-0.1995, 4);
    expect(uplift.ciHigh).toBeCloseTo(0.7205, 4);
    expect(uplift.conclusive).toBe(false);
    expect(uplift.verdict).toMatch(/too small/i);
    expect(res.body.byCourse).toEqual([expect.objectContaining({ courseId: course.C3, uplift: expect.objectContaining({ holdoutN: 3, treatedN: 7 }) })]);

    const at60 = await app.http().get('/api/v1/analytics/first-week').query({ courseId: course.C3, horizonDays: 60 }).set(supA.auth);
    expect(at60.body.uplift).toMatchObject({ horizonDays: 60, holdoutN: 3, treatedN: 7, holdoutChurned: 2, treatedChurned: 3 });
  });

  it('measures each rule: alerts, precision, recall, lead time and feedback', async () => {
    const res = await app.http().get('/api/v1/analytics/rules').query({ courseId: course.C1 }).set(supA.auth);
    expect(res.status).toBe(200);
    // Churned in C1: m1, m7, m4, m2, y1, y3.
    expect(res.body.churnedEnrolments).toBe(6);
    const r1 = res.body.rules.find((r: { ruleKey: string }) => r.ruleKey === rule1);
    expect(r1).toMatchObject({
      alerts: 5,
      alertedEnrolments: 4,
      precisionN: 3, // y2's alert is not 30 days old
      churnedWithin30: 2, // m2, m7
      recallN: 6,
      alertedBeforeChurn: 2,
      medianLeadDays: 21.5, // (23 + 20) / 2
      feedback: { useful: 2, not_useful: 0, incorrect: 1 },
    });
    expect(r1.precision).toBeCloseTo(2 / 3, 6);
    expect(r1.recall).toBeCloseTo(1 / 3, 6);
    const r2 = res.body.rules.find((r: { ruleKey: string }) => r.ruleKey === rule2);
    expect(r2).toMatchObject({ alerts: 1, precisionN: 1, churnedWithin30: 0, precision: 0, alertedBeforeChurn: 0, recall: 0, medianLeadDays: null });
  });

  it('gives the backtest the same precision and recall for a list of alerts', async () => {
    const svc = app.get(AnalyticsService);
    const q = await svc.alertQuality(
      [
        { enrollmentId: enr.m2.id, openedAt: at(E, 47) },
        { enrollmentId: enr.m3.id, openedAt: at(E, 60) },
        { enrollmentId: enr.m7.id, openedAt: at(E, 10) },
      ],
      new Date('2026-03-01T00:00:00Z'),
      new Date('2026-04-15T00:00:00Z'),
    );
    // Churned in [Mar 1, Apr 15): m1 (Mar 12), m7 (Apr 1) + anything other tests churned then; m7 was alerted before.
    expect(q).toMatchObject({ alertedEnrolments: 3, precisionN: 3, churnedWithin30: 2, alertedBeforeChurn: 1, medianLeadDays: 20 });
    expect(q.precision).toBeCloseTo(2 / 3, 6);
  });

  it('distributes recorded churn reasons over the six causes, by course and period', async () => {
    const res = await app.http().get('/api/v1/analytics/churn-reasons').query({ courseId: course.C1 }).set(supA.auth);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(5);
    const by = Object.fromEntries(res.body.reasons.map((r: { reason: string }) => [r.reason, r]));
    expect(res.body.reasons.map((r: { reason: string }) => r.reason)).toEqual([
      'expectation_gap',
      'lack_of_support',
      'content_mismatch',
      'slow_service',
      'life_circumstances',
      'other',
    ]);
    expect(by.expectation_gap).toMatchObject({ count: 2, share: 0.4, fromCases: 2, fromCalls: 0 });
    expect(by.lack_of_support).toMatchObject({ count: 1, share: 0.2, fromCalls: 1 });
    expect(by.slow_service).toMatchObject({ count: 1, share: 0.2 });
    expect(by.life_circumstances).toMatchObject({ count: 1, share: 0.2 });
    expect(by.content_mismatch).toMatchObject({ count: 0, share: 0 });

    const may = await app.http().get('/api/v1/analytics/churn-reasons').query({ courseId: course.C1, from: '2026-05-01', to: '2026-06-30' }).set(supA.auth);
    expect(may.body.total).toBe(2);
    expect(may.body.reasons.filter((r: { count: number }) => r.count > 0)).toEqual([
      { reason: 'expectation_gap', count: 1, share: 0.5, fromCases: 1, fromCalls: 0 },
      { reason: 'life_circumstances', count: 1, share: 0.5, fromCases: 0, fromCalls: 1 },
    ]);
    const c2 = await app.http().get('/api/v1/analytics/churn-reasons').query({ courseId: course.C2 }).set(admin.auth);
    expect(c2.body).toMatchObject({
      total: 1,
      reasons: expect.arrayContaining([{ reason: 'content_mismatch', count: 1, share: 1, fromCases: 1, fromCalls: 0 }]),
    });
  });

  it("reports each advisor of the supervisor's team", async () => {
    const res = await app.http().get('/api/v1/analytics/advisors').query({ from: '2026-01-01', to: '2026-07-01' }).set(supA.auth);
    expect(res.status).toBe(200);
    const by = Object.fromEntries(res.body.advisors.map((a: { advisorId: string }) => [a.advisorId, a]));
    expect(Object.keys(by).sort()).toEqual([advA1.id, advA2.id, advA3.id].sort());
    expect(by[advA1.id]).toMatchObject({
      openCases: 2,
      tasksDone: 1,
      tasksOverdue: 1,
      callsReached: 1,
      medianFirstContactMinutes: 60,
      firstContactN: 3,
      outcomes: { retained: 0, churned: 2, unreachable: 0, not_at_risk: 0 },
    });
    expect(by[advA2.id]).toMatchObject({
      openCases: 0,
      tasksDone: 1,
      tasksOverdue: 0,
      medianFirstContactMinutes: 65,
      firstContactN: 2,
      outcomes: { retained: 1, churned: 1, unreachable: 0, not_at_risk: 0 },
    });
    expect(by[advA3.id]).toMatchObject({ openCases: 0, tasksDone: 34, callsReached: 29, medianFirstContactMinutes: null, firstContactN: 0 });
  });

  it('reports ticket response and resolution times in business minutes, and SLA compliance', async () => {
    const res = await app.http().get('/api/v1/analytics/tickets').set(supA.auth);
    expect(res.status).toBe(200);
    expect(res.body.staleDurations).toBe(0);
    expect(res.body.overall).toEqual({
      tickets: 5,
      // 30, 60, 60, 80 → p50 60, p90 60 + 0.7 × 20
      firstResponse: { measured: 4, p50Minutes: 60, p90Minutes: 74, met: 3, breached: 1, open: 1, compliance: 0.75 },
      // 240, 420, 840 → p50 420, p90 420 + 0.8 × 420
      resolution: { measured: 3, p50Minutes: 420, p90Minutes: 756, met: 2, breached: 2, open: 1, compliance: 0.5 },
    });
    const technical = res.body.byCategory.find((c: { category: string }) => c.category === 'technical');
    expect(technical).toMatchObject({ tickets: 2, firstResponse: { met: 1, breached: 1, compliance: 0.5, p50Minutes: 45 } });
    expect(res.body.byPriority.map((p: { priority: string }) => p.priority).sort()).toEqual(['high', 'low', 'medium']);

    const june1 = await app.http().get('/api/v1/analytics/tickets').query({ from: '2026-06-01', to: '2026-06-01', category: 'technical' }).set(supA.auth);
    expect(june1.body.overall).toMatchObject({ tickets: 2, resolution: { measured: 2, p50Minutes: 330 } });

    const csv = parseCsv((await app.http().get('/api/v1/analytics/tickets').set(supA.auth).set('Accept', 'text/csv')).text);
    expect(csv[0]).toMatchObject({
      scope: 'overall',
      tickets: '5',
      firstResponse_p90Minutes: '74',
      firstResponse_compliance: '0.75',
      resolution_p50Minutes: '420',
      resolution_breached: '2',
    });
  });

  it('answers Accept: text/csv with the same numbers as the JSON', async () => {
    const q = { cohort: 'month', courseId: course.C1 };
    const json = (await app.http().get('/api/v1/analytics/retention').query(q).set(admin.auth)).body;
    const csv = await app.http().get('/api/v1/analytics/retention').query(q).set(admin.auth).set('Accept', 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = parseCsv(csv.text);
    expect(rows.map((r) => r.cohort)).toEqual(['2026-03', '2026-05', 'total']);
    for (const [i, c] of [...json.cohorts, json.total].entries()) {
      for (const k of [
        'enrolments',
        'mature30',
        'churned30',
        'churnRate30',
        'mature60',
        'churned60',
        'churnRate60',
        'mature90',
        'churned90',
        'churnRate90',
        'renewed',
        'renewalDue',
        'renewalRate',
      ]) {
        expect([k, rows[i][k]]).toEqual([k, c[k] === null ? '' : String(c[k])]);
      }
      for (const p of c.curve) expect(rows[i][`week_${p.week}`]).toBe(p.activeShare === null ? '' : String(p.activeShare));
    }

    const fwJson = (await app.http().get('/api/v1/analytics/first-week').query({ courseId: course.C3 }).set(supA.auth)).body;
    const fwRows = parseCsv(
      (await app.http().get('/api/v1/analytics/first-week').query({ courseId: course.C3 }).set(supA.auth).set('Accept', 'text/csv')).text,
    );
    const overall = (row: string) => fwRows.find((r) => r.scope === 'overall' && r.row === row)!;
    for (const g of ['covered', 'notCovered', 'holdout']) {
      for (const k of ['enrolments', 'mature30', 'churned30', 'churnRate30', 'churned60']) expect(overall(g)[k]).toBe(String(fwJson.groups[g][k] ?? ''));
    }
    for (const k of ['difference', 'ciLow', 'ciHigh', 'holdoutN', 'treatedN', 'verdict']) expect(overall('uplift')[k]).toBe(String(fwJson.uplift[k]));

    const rulesJson = (await app.http().get('/api/v1/analytics/rules').query({ courseId: course.C1 }).set(supA.auth)).body;
    const rulesRows = parseCsv((await app.http().get('/api/v1/analytics/rules').query({ courseId: course.C1 }).set(supA.auth).set('Accept', 'text/csv')).text);
    const jr = rulesJson.rules.find((r: { ruleKey: string }) => r.ruleKey === rule1);
    const cr = rulesRows.find((r) => r.ruleKey === rule1)!;
    for (const k of ['alerts', 'precision', 'recall', 'medianLeadDays']) expect(cr[k]).toBe(String(jr[k]));
    expect(cr.feedback_useful).toBe('2');

    const reasonsRows = parseCsv(
      (await app.http().get('/api/v1/analytics/churn-reasons').query({ courseId: course.C1 }).set(supA.auth).set('Accept', 'text/csv')).text,
    );
    expect(reasonsRows.find((r) => r.reason === 'expectation_gap')).toMatchObject({ count: '2', share: '0.4' });
    expect(reasonsRows.find((r) => r.reason === 'total')).toMatchObject({ count: '5' });

    const advRows = parseCsv(
      (await app.http().get('/api/v1/analytics/advisors').query({ from: '2026-01-01', to: '2026-07-01' }).set(supA.auth).set('Accept', 'text/csv')).text,
    );
    expect(advRows.find((r) => r.advisorId === advA1.id)).toMatchObject({
      openCases: '2',
      tasksOverdue: '1',
      medianFirstContactMinutes: '60',
      outcome_churned: '2',
    });
  });

  it('keeps supervisors to their teams, refuses advisors, and lets read keys in', async () => {
    expect((await app.http().get('/api/v1/analytics/retention').set(advA1.auth)).status).toBe(403);
    expect((await app.http().get('/api/v1/analytics/rules').set(advA1.auth)).status).toBe(403);
    expect((await app.http().post('/api/v1/analytics/refresh').set(advA1.auth)).status).toBe(403);
    expect((await app.http().get('/api/v1/analytics/retention').query({ courseId: course.C1 }).set(supB.auth)).status).toBe(404);
    expect((await app.http().get('/api/v1/analytics/first-week').query({ courseId: course.C1 }).set(supB.auth)).status).toBe(404);
    const other = await app.http().get('/api/v1/analytics/churn-reasons').query({ courseId: course.C2 }).set(supA.auth);
    expect(other.status).toBe(404);
    // Supervisor B's unfiltered view holds only course C2's enrolments.
    const b = await app.http().get('/api/v1/analytics/retention').set(supB.auth);
    expect(b.body.total).toMatchObject({ enrolments: 2 });
    const advisorsB = await app.http().get('/api/v1/analytics/advisors').set(supB.auth);
    expect(advisorsB.body.advisors.map((a: { advisorId: string }) => a.advisorId)).toEqual([advB1.id]);

    const key = await app
      .http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: `bi-${sfx}`, scopes: ['read'] });
    expect(key.status).toBe(201);
    const viaKey = await app
      .http()
      .get('/api/v1/analytics/retention')
      .query({ courseId: course.C1 })
      .set({ Authorization: `Bearer ${key.body.key}` });
    expect(viaKey.status).toBe(200);
    expect(viaKey.body.total.enrolments).toBe(11);
  });

  it("narrows every report to one team with teamId: an admin sees what that team's supervisor sees; a team outside the scope is 404", async () => {
    for (const path of ['retention', 'first-week', 'rules', 'churn-reasons', 'tickets']) {
      const asSupervisor = await app.http().get(`/api/v1/analytics/${path}`).set(supB.auth).expect(200);
      const asAdmin = await app.http().get(`/api/v1/analytics/${path}`).query({ teamId: teamB }).set(admin.auth).expect(200);
      const strip = (r: Record<string, unknown>) => ({ ...r, asOf: undefined });
      expect(strip(asAdmin.body)).toEqual(strip(asSupervisor.body));
      expect((await app.http().get(`/api/v1/analytics/${path}`).query({ teamId: teamB }).set(supA.auth)).status).toBe(404);
      expect((await app.http().get(`/api/v1/analytics/${path}`).query({ teamId: randomUUID() }).set(admin.auth)).status).toBe(404);
      const bad = await app.http().get(`/api/v1/analytics/${path}`).query({ teamId: 'nope' }).set(admin.auth);
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('teamId');
    }
    // Team B holds course C2's two enrolments only; the school as a whole holds more.
    const whole = await app.http().get('/api/v1/analytics/retention').set(admin.auth).expect(200);
    const b = await app.http().get('/api/v1/analytics/retention').query({ teamId: teamB }).set(admin.auth).expect(200);
    expect(b.body.total.enrolments).toBe(2);
    expect(whole.body.total.enrolments).toBeGreaterThan(2);
  });

  it('rejects bad filters with 400 naming the field', async () => {
    const bad = async (q: Record<string, string>, field: string) => {
      const res = await app.http().get('/api/v1/analytics/retention').query(q).set(admin.auth);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    };
    await bad({ cohort: 'year' }, 'cohort');
    await bad({ from: '2026-13-45' }, 'from');
    await bad({ from: 'yesterday' }, 'from');
    await bad({ from: '2026-06-01', to: '2026-05-01' }, 'to');
    await bad({ courseId: 'nope' }, 'courseId');
    await bad({ weeks: '0' }, 'weeks');
    const fw = await app.http().get('/api/v1/analytics/first-week').query({ horizonDays: '45' }).set(admin.auth);
    expect(fw.status).toBe(400);
    expect(fw.body.details[0].field).toBe('horizonDays');
    expect((await app.http().get('/api/v1/analytics/retention').query({ courseId: randomUUID() }).set(admin.auth)).status).toBe(404);
  });

  it('refreshing again with nothing new changes nothing; a change is picked up', async () => {
    const svc = app.get(AnalyticsService, 'worker');
    expect(await svc.refresh()).toMatchObject({ changed: 0, ticketsMeasured: 0 });
    await sql(`update enrollments set status = 'cancelled', status_changed_at = $2 where id = $1`, [enr.y2.id, '2026-06-29T00:00:00Z']);
    const r = await svc.refresh();
    expect(r.changed).toBe(1);
    const res = await app.http().get('/api/v1/analytics/retention').query({ courseId: course.C1 }).set(admin.auth);
    expect(res.body.cohorts[1]).toMatchObject({ cohort: '2026-05', churnedToDate: 3, churned30: 2 });
  });
});
