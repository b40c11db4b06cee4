import { DateTime } from 'luxon';
import { archetypeSequence, ARCHETYPES, buildDemoSchool, DEMO_COURSES, DEMO_STAFF, type DemoLearner } from '../scripts/demo/school.js';

/**
 * The demo school generator is pure: these checks hold it to its promise that every default rule has
 * learners who trip it (measured here the way the rules measure, at their default thresholds), that the
 * data is valid sync input, and that the same seed gives the same school.
 */
const NOW = new Date('2026-11-18T06:30:00Z'); // a Wednesday, 14:30 in Shanghai
const TZ = 'Asia/Shanghai';
const DAY = 86_400_000;
const school = buildDemoSchool({ learners: 400, seed: 7, now: NOW, schoolTimezone: TZ });
const of = (a: string) => school.learners.filter((l) => l.archetype === a);
const course = (l: DemoLearner) => DEMO_COURSES.find((c) => c.externalId === l.enrollment.courseExternalId)!;
const times = (l: DemoLearner, type: string) => l.events.filter((e) => e.type === type).map((e) => Date.parse(e.occurredAt));

function inactiveDays(l: DemoLearner): number {
  const last = Math.max(Date.parse(l.enrollment.enrolledAt), ...times(l, 'login'));
  return (NOW.getTime() - last) / DAY;
}
function paceRatio(l: DemoLearner): number {
  const c = course(l);
  const elapsed = (NOW.getTime() - Date.parse(l.enrollment.enrolledAt)) / DAY;
  const expected = (c.totalLessons * Math.min(elapsed, c.durationDays)) / c.durationDays;
  return times(l, 'lesson_completed').length / expected;
}
function lateAssignments(l: DemoLearner): number {
  return l.events.filter((e) => e.type === 'assignment_submitted' && Date.parse(String(e.data!.submittedAt)) - Date.parse(String(e.data!.dueAt)) > 3 * DAY)
    .length;
}
function complaintsThisMonth(l: DemoLearner): number {
  const month = DateTime.fromJSDate(NOW, { zone: TZ }).toFormat('yyyy-MM');
  return times(l, 'complaint').filter((t) => DateTime.fromMillis(t, { zone: TZ }).toFormat('yyyy-MM') === month).length;
}
function weeklyMinutes(l: DemoLearner): number[] {
  const week0 = DateTime.fromJSDate(NOW, { zone: TZ }).startOf('week');
  return [3, 2, 1].map((w) => {
    const from = week0.minus({ weeks: w }).toMillis();
    const to = week0.minus({ weeks: w - 1 }).toMillis();
    return l.events
      .filter((e) => e.type === 'study_session' && Date.parse(e.occurredAt) >= from && Date.parse(e.occurredAt) < to)
      .reduce((s, e) => s + Number(e.data!.minutes), 0);
  });
}
const drops = (l: DemoLearner) => {
  const [w3, w2, w1] = weeklyMinutes(l);
  return w3 > 0 && w2 <= 0.5 * w3 && w1 <= 0.5 * w2;
};

describe('demo school generator', () => {
  it('gives every archetype a share, even in a small school', () => {
    const small = archetypeSequence(60);
    for (const a of ARCHETYPES) expect(small).toContain(a);
    for (const a of ARCHETYPES) expect(of(a).length).toBeGreaterThan(0);
    expect(school.learners).toHaveLength(400);
  });

  it('is the same school for the same seed and now, and another for another seed', () => {
    const again = buildDemoSchool({ learners: 400, seed: 7, now: NOW, schoolTimezone: TZ });
    expect(JSON.stringify(again.learners)).toEqual(JSON.stringify(school.learners));
    const other = buildDemoSchool({ learners: 400, seed: 8, now: NOW, schoolTimezone: TZ });
    expect(other.learners[0].learner.name + other.learners[1].learner.name).not.toEqual(school.learners[0].learner.name + school.learners[1].learner.name);
  });

  it('produces valid sync input: unique ids, events between enrolment and now, 120 days of history', () => {
    const ids = new Set<string>();
    const problems: string[] = [];
    let earliest = NOW.getTime();
    for (const l of school.learners) {
      const enrolled = Date.parse(l.enrollment.enrolledAt);
      earliest = Math.min(earliest, enrolled);
      expect(Date.parse(l.enrollment.expiresAt)).toBeGreaterThan(enrolled);
      expect(enrolled).toBeLessThan(NOW.getTime());
      for (const e of l.events) {
        if (ids.has(e.eventId)) problems.push(`${e.eventId} twice`);
        ids.add(e.eventId);
        const t = Date.parse(e.occurredAt);
        if (t < enrolled || t > NOW.getTime()) problems.push(`${e.eventId} at ${e.occurredAt} outside enrolment..now`);
      }
    }
    expect(problems).toEqual([]);
    expect(ids.size).toBe(school.eventCount);
    expect((NOW.getTime() - earliest) / DAY).toBeGreaterThan(100);
    expect((NOW.getTime() - earliest) / DAY).toBeLessThanOrEqual(121);
    expect(new Set(school.learners.map((l) => l.learner.externalId)).size).toBe(400);
  });

  it('makes each at-risk archetype trip its rule at the default thresholds', () => {
    for (const l of of('fading')) expect(inactiveDays(l)).toBeGreaterThanOrEqual(7);
    for (const l of of('slow')) expect(paceRatio(l)).toBeLessThan(0.2);
    for (const l of of('late')) expect(lateAssignments(l)).toBeGreaterThanOrEqual(2);
    for (const l of of('complainer')) expect(complaintsThisMonth(l)).toBeGreaterThanOrEqual(2);
    for (const l of of('dropping')) expect(drops(l)).toBe(true);
    for (const a of ['fading', 'slow', 'late', 'complainer', 'dropping']) for (const l of of(a)) expect(l.enrollment.status).toBe('active');
  });

  it('keeps steady learners clear of the rules, and new learners inside their first week', () => {
    const steady = of('steady').filter((l) => l.enrollment.status === 'active');
    const firing = steady.filter((l) => inactiveDays(l) >= 7 || paceRatio(l) < 0.2 || lateAssignments(l) >= 2 || complaintsThisMonth(l) >= 2 || drops(l));
    expect(firing.length).toBeLessThanOrEqual(Math.ceil(steady.length * 0.03));
    for (const l of of('new')) expect((NOW.getTime() - Date.parse(l.enrollment.enrolledAt)) / DAY).toBeLessThan(7);
    expect(of('paused').every((l) => l.enrollment.status === 'paused')).toBe(true);
    expect(of('churned').every((l) => l.enrollment.status === 'cancelled')).toBe(true);
    // Some terms ran out: renewed ones carry a renewal event, the others expired.
    expect(school.learners.some((l) => l.events.some((e) => e.type === 'renewal'))).toBe(true);
    expect(school.learners.some((l) => l.enrollment.status === 'expired')).toBe(true);
  });

  it('staffs every day of the week in both teams, with skills for every course category', () => {
    for (const team of ['north', 'south'] as const) {
      const advisors = DEMO_STAFF.filter((s) => s.role === 'advisor' && s.team === team);
      for (const day of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const) expect(advisors.some((a) => a.workingHours[day]?.length)).toBe(true);
      for (const c of DEMO_COURSES.filter((x) => x.team === team)) expect(advisors.some((a) => a.skills.includes(c.category))).toBe(true);
    }
  });
});
