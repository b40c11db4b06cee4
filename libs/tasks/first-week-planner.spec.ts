import { DateTime } from 'luxon';
import { learnerDayWindow, planFirstWeek, SlotBook, workingSlots, type PlannerAdvisor, type PlannerEnrollment } from './first-week-planner.js';

const EVERY_DAY = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
  sat: [['09:00', '17:00']],
  sun: [['09:00', '17:00']],
} as PlannerAdvisor['workingHours'];
const WEEKDAYS_ONLY = {
  mon: [['09:00', '17:00']],
  tue: [['09:00', '17:00']],
  wed: [['09:00', '17:00']],
  thu: [['09:00', '17:00']],
  fri: [['09:00', '17:00']],
} as PlannerAdvisor['workingHours'];

function advisor(id: string, over: Partial<PlannerAdvisor> = {}): PlannerAdvisor {
  return { id, teamId: 't1', timezone: 'Europe/London', workingHours: EVERY_DAY, active: true, ...over };
}
function enrollment(over: Partial<PlannerEnrollment> = {}): PlannerEnrollment {
  // Monday 30 November 2026, 08:00 in London (UTC+0).
  return { enrollmentId: 'e1', learnerId: 'l1', enrolledAt: new Date('2026-11-30T08:00:00Z'), timezone: 'Europe/London', ownerId: 'a1', teamId: 't1', ...over };
}
const iso = (d: Date) => d.toISOString();

describe('first-week planner', () => {
  const now = new Date('2026-11-30T07:00:00Z');

  it("places seven 15-minute calls, one per day, at the owner's first free slot from the learner's preferred hour", () => {
    const plan = planFirstWeek([enrollment()], new SlotBook([advisor('a1')]), now);
    expect(plan.map((p) => p.dayIndex)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // From 10:00 learner time when free (earlier slots stay open for learners with narrow windows).
    expect(plan.map((p) => iso(p.dueAt))).toEqual([30, 1, 2, 3, 4, 5, 6].map((d, i) => (i === 0 ? '2026-11-30T10:00:00.000Z' : `2026-12-0${d}T10:00:00.000Z`)));
    expect(plan.every((p) => p.assigneeId === 'a1' && p.placement === 'owner')).toBe(true);
    expect(plan.every((p) => p.windowEndAt.getTime() - p.dueAt.getTime() === 15 * 60_000)).toBe(true);
  });

  it('uses the learner time zone for the day and the advisor time zone for the hours', () => {
    // Learner in New York enrolled Monday 10:00 local; advisor in Shanghai 09:00–17:00 every day.
    const e = enrollment({ enrolledAt: new Date('2026-11-30T15:00:00Z'), timezone: 'America/New_York' });
    const plan = planFirstWeek([e], new SlotBook([advisor('a1', { timezone: 'Asia/Shanghai' })]), new Date('2026-11-30T15:00:00Z'));
    // Day 1's contact window (Monday 08:00–21:00 in New York) ends 02:00Z Tuesday; 09:00 in Shanghai is 01:00Z.
    expect(iso(plan[0].dueAt)).toBe('2026-12-01T01:00:00.000Z');
    for (const p of plan) {
      const w = learnerDayWindow(e.enrolledAt, e.timezone, p.dayIndex);
      expect(p.dueAt.getTime()).toBeGreaterThanOrEqual(w.start);
      expect(p.dueAt.getTime()).toBeLessThan(w.end);
      const learnerLocal = DateTime.fromJSDate(p.dueAt, { zone: 'America/New_York' });
      expect(learnerLocal.hour).toBeGreaterThanOrEqual(8);
      expect(learnerLocal.hour).toBeLessThan(21);
      const local = DateTime.fromJSDate(p.dueAt, { zone: 'Asia/Shanghai' });
      expect(local.hour).toBeGreaterThanOrEqual(9);
      expect(local.hour).toBeLessThan(17);
    }
  });

  it('gives a day the owner does not work to a teammate who does', () => {
    const book = new SlotBook([advisor('a1', { workingHours: WEEKDAYS_ONLY }), advisor('a2')]);
    const plan = planFirstWeek([enrollment()], book, now);
    // 30 Nov 2026 is a Monday: days 6 and 7 are Saturday and Sunday.
    expect(plan.map((p) => p.assigneeId)).toEqual(['a1', 'a1', 'a1', 'a1', 'a1', 'a2', 'a2']);
    expect(plan[5].placement).toBe('cover');
  });

  it("falls back to the owner's next working slot when nobody works that day", () => {
    const book = new SlotBook([advisor('a1', { workingHours: WEEKDAYS_ONLY })]);
    const plan = planFirstWeek([enrollment()], book, now);
    expect(plan).toHaveLength(7);
    expect(plan[5]).toMatchObject({ dayIndex: 6, assigneeId: 'a1', placement: 'next_slot' });
    // Saturday and Sunday both move to Monday 7 December, one after the other.
    expect(iso(plan[5].dueAt)).toBe('2026-12-07T09:00:00.000Z');
    expect(iso(plan[6].dueAt)).toBe('2026-12-07T09:15:00.000Z');
  });

  it('never books more calls in an advisor-day than fit the hours, counting existing tasks', () => {
    const hour = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['09:00', '10:00']]]));
    const short = advisor('a1', { workingHours: hour as PlannerAdvisor['workingHours'] });
    const existing = [
      { assigneeId: 'a1', dueAt: new Date('2026-11-30T09:00:00Z') },
      { assigneeId: 'a1', dueAt: new Date('2026-11-30T12:00:00Z') },
    ];
    const many = Array.from({ length: 4 }, (_, i) => enrollment({ enrollmentId: `e${i}`, learnerId: `l${i}` }));
    const plan = planFirstWeek(many, new SlotBook([short], existing), now);
    const dayOne = plan.filter((p) => p.dayIndex === 1);
    // 4 slots on Monday, 2 already taken (one outside the grid still counts): 2 more fit.
    expect(dayOne.filter((p) => iso(p.dueAt).startsWith('2026-11-30')).map((p) => iso(p.dueAt))).toEqual([
      '2026-11-30T09:15:00.000Z',
      '2026-11-30T09:30:00.000Z',
    ]);
    expect(dayOne.filter((p) => p.placement === 'next_slot')).toHaveLength(2);
    const perDay = new Map<string, number>([['2026-11-30', 2]]);
    for (const p of plan) if (p.assigneeId) perDay.set(iso(p.dueAt).slice(0, 10), (perDay.get(iso(p.dueAt).slice(0, 10)) ?? 0) + 1);
    expect(Math.max(...perDay.values())).toBeLessThanOrEqual(4);
    expect(new Set(plan.filter((p) => p.assigneeId).map((p) => iso(p.dueAt))).size).toBe(plan.filter((p) => p.assigneeId).length);
  });

  it('plans only the days still ahead for an enrolment synced late, and skips days that exist', () => {
    const lateNow = new Date('2026-12-03T12:00:00Z'); // Thursday noon: day 4
    const plan = planFirstWeek([enrollment({ existingDays: [6] })], new SlotBook([advisor('a1')]), lateNow);
    expect(plan.map((p) => p.dayIndex)).toEqual([4, 5, 7]);
    expect(iso(plan[0].dueAt)).toBe('2026-12-03T12:00:00.000Z');
    expect(plan.every((p) => p.dueAt >= lateNow)).toBe(true);
  });

  it("moves day 1 of an enrolment that arrives after the learner's contact hours to the next working slot", () => {
    const evening = new Date('2026-11-30T21:30:00Z');
    const plan = planFirstWeek([enrollment({ enrolledAt: evening })], new SlotBook([advisor('a1')]), evening);
    expect(plan).toHaveLength(7);
    expect(plan[0]).toMatchObject({ dayIndex: 1, assigneeId: 'a1', placement: 'next_slot' });
    expect(iso(plan[0].dueAt)).toBe('2026-12-01T09:00:00.000Z');
    expect(iso(plan[1].dueAt)).toBe('2026-12-01T10:00:00.000Z');
  });

  it('skips advisors who are away and leaves calls unassigned when nobody can take them', () => {
    const plan = planFirstWeek([enrollment()], new SlotBook([advisor('a1', { active: false })]), now);
    expect(plan).toHaveLength(7);
    expect(plan.every((p) => p.assigneeId === null && p.placement === 'unassigned')).toBe(true);
  });

  it('cuts working hours into 15-minute slots', () => {
    const slots = workingSlots(
      {
        timezone: 'UTC',
        workingHours: {
          mon: [
            ['09:00', '09:40'],
            ['13:00', '13:30'],
          ],
        },
      },
      '2026-11-30',
    );
    expect(slots.map((s) => new Date(s).toISOString().slice(11, 16))).toEqual(['09:00', '09:15', '13:00', '13:15']);
  });
});
