import { DateTime } from 'luxon';
import { intervalsOnDate } from '../common/business-time.js';
import type { WeeklyHours } from '../common/working-hours.js';

/**
 * Pure slot planning for the first-week program (docs/design.md §4.2): seven 15-minute check-ins, one on each of the
 * enrolment's first seven days in the learner's time zone, inside an advisor's working hours. Works in memory
 * per advisor-day so the bulk path plans thousands of enrolments without a query per slot.
 */
export const CHECKIN_MINUTES = 15;
export const FIRST_WEEK_DAYS = 7;
/** How far past a day the "next working slot" search looks before giving up (then the call is unassigned). */
export const NEXT_SLOT_HORIZON_DAYS = 14;

export interface PlannerAdvisor {
  id: string;
  teamId: string | null;
  timezone: string;
  workingHours: WeeklyHours;
  /** Active advisors take calls; away/inactive ones are skipped (their calls go to cover). */
  active: boolean;
}

export interface PlannerEnrollment {
  enrollmentId: string;
  learnerId: string;
  enrolledAt: Date;
  /** The learner's IANA zone (already defaulted to the school zone). */
  timezone: string;
  ownerId: string | null;
  teamId: string | null;
  /** Day indexes that already have a check-in (replay, resume). */
  existingDays?: Iterable<number>;
}

export type Placement = 'owner' | 'cover' | 'next_slot' | 'unassigned';

export interface PlannedCheckin {
  enrollmentId: string;
  learnerId: string;
  dayIndex: number;
  assigneeId: string | null;
  dueAt: Date;
  windowEndAt: Date;
  placement: Placement;
}

export interface ExistingTask {
  assigneeId: string;
  dueAt: Date;
}

interface AdvisorDay {
  /** Slot start instants (epoch ms), in order. */
  slots: number[];
  used: Set<number>;
  /** Scheduled tasks that day, including ones outside the slot grid: the day's capacity is slots.length. */
  count: number;
  /** Start of the next local day (epoch ms), to walk day by day without date arithmetic. */
  next: number;
}

const DAY_MS = 24 * 3600 * 1000;
const SLOT_MS = CHECKIN_MINUTES * 60 * 1000;
/** Every UTC offset in use is a multiple of 15 minutes, so an instant's local date is constant per quarter hour. */
const QUARTER_MS = 15 * 60 * 1000;

/**
 * Books 15-minute slots per advisor-day; seeded with the advisors' existing scheduled tasks. Time-zone math
 * (luxon) runs once per advisor-day and once per zone-quarter-hour; the scans themselves are plain arithmetic.
 */
export class SlotBook {
  private readonly advisors = new Map<string, PlannerAdvisor>();
  private readonly teams = new Map<string, PlannerAdvisor[]>();
  /** advisor id → local date → day. */
  private readonly days = new Map<string, Map<string, AdvisorDay>>();
  /** zone → quarter-hour index → local date. */
  private readonly localDates = new Map<string, Map<number, string>>();
  private readonly signatures = new Map<string, string>();
  private readonly grids = new Map<string, { slots: number[]; next: number }>();

  constructor(advisors: PlannerAdvisor[], existing: ExistingTask[] = []) {
    for (const a of advisors) {
      this.advisors.set(a.id, a);
      if (a.active && a.teamId !== null) this.teams.set(a.teamId, [...(this.teams.get(a.teamId) ?? []), a]);
    }
    for (const t of existing) {
      const a = this.advisors.get(t.assigneeId);
      if (!a) continue;
      const at = t.dueAt.getTime();
      const day = this.dayAt(a, at);
      day.count++;
      const i = day.slots.findIndex((s) => at >= s && at < s + SLOT_MS);
      if (i >= 0) day.used.add(i);
    }
  }

  advisor(id: string | null): PlannerAdvisor | undefined {
    return id ? this.advisors.get(id) : undefined;
  }

  teamOf(teamId: string | null): PlannerAdvisor[] {
    return teamId === null ? [] : (this.teams.get(teamId) ?? []);
  }

  /** Scheduled tasks of this advisor on the advisor-local date containing `at`. */
  load(a: PlannerAdvisor, at: number): number {
    return this.dayAt(a, at).count;
  }

  /** Earliest free slot of `a` starting in [from, to) and after `notBefore`, booked if found. */
  take(a: PlannerAdvisor, from: number, to: number, notBefore: number): number | undefined {
    return this.scan(a, from, to, notBefore, true);
  }

  /** Earliest free slot of `a` starting in [from, to) and after `notBefore`, without booking it. */
  peek(a: PlannerAdvisor, from: number, to: number, notBefore: number): number | undefined {
    return this.scan(a, from, to, notBefore, false);
  }

  /** The advisor's slot starts on the local date containing `at` (no booking). */
  slotsOn(a: PlannerAdvisor, at: number): number[] {
    return this.dayAt(a, at).slots;
  }

  private scan(a: PlannerAdvisor, from: number, to: number, notBefore: number, book: boolean): number | undefined {
    if (!a.active) return undefined;
    const start = Math.max(from, notBefore);
    for (let cursor = start; cursor < to;) {
      const day = this.dayAt(a, cursor);
      if (day.count < day.slots.length) {
        for (let i = 0; i < day.slots.length; i++) {
          const s = day.slots[i];
          if (s >= to) break;
          if (s < start || day.used.has(i)) continue;
          if (book) {
            day.used.add(i);
            day.count++;
          }
          return s;
        }
      }
      cursor = day.next;
    }
    return undefined;
  }

  private dayAt(a: PlannerAdvisor, at: number): AdvisorDay {
    let dates = this.localDates.get(a.timezone);
    if (!dates) this.localDates.set(a.timezone, (dates = new Map()));
    const q = Math.floor(at / QUARTER_MS);
    let date = dates.get(q);
    if (date === undefined) {
      date = DateTime.fromMillis(at, { zone: a.timezone }).toISODate()!;
      dates.set(q, date);
    }
    let days = this.days.get(a.id);
    if (!days) this.days.set(a.id, (days = new Map()));
    let day = days.get(date);
    if (!day) {
      // Advisors mostly share a few weekly patterns: compute each (zone, hours, date) grid once.
      let signature = this.signatures.get(a.id);
      if (signature === undefined) this.signatures.set(a.id, (signature = `${a.timezone}|${JSON.stringify(a.workingHours)}`));
      const gridKey = `${signature}|${date}`;
      let grid = this.grids.get(gridKey);
      if (!grid) {
        grid = { slots: workingSlots(a, date), next: DateTime.fromISO(date, { zone: a.timezone }).plus({ days: 1 }).toMillis() };
        this.grids.set(gridKey, grid);
      }
      day = { slots: grid.slots, used: new Set(), count: 0, next: grid.next };
      days.set(date, day);
    }
    return day;
  }
}

/** 15-minute slot starts (epoch ms) inside the advisor's working intervals on a local date. */
export function workingSlots(a: Pick<PlannerAdvisor, 'timezone' | 'workingHours'>, isoDate: string): number[] {
  const out: number[] = [];
  for (const { start, end } of intervalsOnDate({ timezone: a.timezone, hours: a.workingHours, holidays: [], workdays: [] }, isoDate)) {
    for (let s = start; s + SLOT_MS <= end; s += SLOT_MS) out.push(s);
  }
  return out;
}

/**
 * Learners are called at civil hours of their own day (local time), whatever the advisor's zone: from
 * `preferred` on when possible (keeping the early slots for learners whose window is narrow, e.g. far-away
 * zones), else from `from`.
 */
export const LEARNER_CONTACT_HOURS = { from: 8, preferred: 10, to: 21 } as const;

/**
 * [start, end) of the contact window on the enrolment's day `dayIndex` (1 = the enrolment day) in the
 * learner's zone: that local date between LEARNER_CONTACT_HOURS.from and .to.
 */
export function learnerDayWindow(enrolledAt: Date, timezone: string, dayIndex: number): DayWindow {
  const day = DateTime.fromMillis(enrolledAt.getTime(), { zone: timezone })
    .startOf('day')
    .plus({ days: dayIndex - 1 });
  return {
    start: day.set({ hour: LEARNER_CONTACT_HOURS.from }).toMillis(),
    preferred: day.set({ hour: LEARNER_CONTACT_HOURS.preferred }).toMillis(),
    end: day.set({ hour: LEARNER_CONTACT_HOURS.to }).toMillis(),
    dayEnd: day.plus({ days: 1 }).toMillis(),
  };
}

/**
 * Plans the missing check-ins of each enrolment, booking slots in `book` as it goes (so enrolments planned
 * together share capacity). Per day, inside the learner's contact hours: the owner if they work then and have room → an active teammate who does
 * (least loaded that day) → the owner's (or team's) next working slot → unassigned. Nothing before `now`.
 */
export function planFirstWeek(enrollments: PlannerEnrollment[], book: SlotBook, now: Date): PlannedCheckin[] {
  const out: PlannedCheckin[] = [];
  const nowMs = now.getTime();
  const windows = new WindowCache();
  for (const e of enrollments) {
    const have = e.existingDays ? new Set(e.existingDays) : undefined;
    const owner = book.advisor(e.ownerId);
    const team = book.teamOf(e.teamId ?? owner?.teamId ?? null);
    const notBefore = Math.max(nowMs, e.enrolledAt.getTime());
    const week = windows.week(e);
    for (let dayIndex = 1; dayIndex <= FIRST_WEEK_DAYS; dayIndex++) {
      if (have?.has(dayIndex)) continue;
      const w = week[dayIndex - 1];
      // Synced late: only the days still ahead. A day whose contact hours are over but which has not ended
      // (enrolled late in the evening) goes to the next working slot like any day without a free slot.
      if (w.dayEnd <= nowMs) continue;
      let assigneeId: string | null = null;
      let dueAt: number | undefined;
      let placement: Placement = 'owner';
      if (owner) {
        dueAt = takeInWindow(book, owner, w, notBefore);
        if (dueAt !== undefined) assigneeId = owner.id;
      }
      if (dueAt === undefined && team.length) {
        placement = 'cover';
        const at = Math.max(w.start, notBefore);
        const cover = team.filter((a) => a !== owner).sort((x, y) => book.load(x, at) - book.load(y, at) || (x.id < y.id ? -1 : 1));
        for (const a of cover) {
          dueAt = takeInWindow(book, a, w, notBefore);
          if (dueAt !== undefined) {
            assigneeId = a.id;
            break;
          }
        }
      }
      if (dueAt === undefined) {
        placement = 'next_slot';
        const horizon = w.end + NEXT_SLOT_HORIZON_DAYS * DAY_MS;
        let best: PlannerAdvisor | undefined;
        for (const a of owner?.active ? [owner] : team) {
          // Peek without booking, then book only the earliest candidate.
          const s = book.peek(a, w.end, horizon, notBefore);
          if (s !== undefined && (dueAt === undefined || s < dueAt)) [best, dueAt] = [a, s];
        }
        if (best && dueAt !== undefined) {
          book.take(best, dueAt, dueAt + 1, notBefore);
          assigneeId = best.id;
        }
      }
      if (dueAt === undefined) {
        placement = 'unassigned';
        dueAt = Math.max(DateTime.fromMillis(w.start, { zone: e.timezone }).set({ hour: 12 }).toMillis(), nowMs);
      }
      out.push({
        enrollmentId: e.enrollmentId,
        learnerId: e.learnerId,
        dayIndex,
        assigneeId,
        dueAt: new Date(dueAt),
        windowEndAt: new Date(dueAt + SLOT_MS),
        placement,
      });
    }
  }
  return out;
}

/** A learner's contact window on one day of their first week, and the end of that calendar day. */
export type DayWindow = { start: number; preferred: number; end: number; dayEnd: number };

/** From the learner's preferred hour when free, else from the start of their contact window. */
function takeInWindow(book: SlotBook, a: PlannerAdvisor, w: DayWindow, notBefore: number): number | undefined {
  return book.take(a, w.preferred, w.end, notBefore) ?? book.take(a, w.start, w.preferred, notBefore);
}

/** Enrolments of the same zone and quarter hour share their local dates: each week of windows is computed once. */
class WindowCache {
  private readonly byZone = new Map<string, Map<number, DayWindow[]>>();

  week(e: PlannerEnrollment): DayWindow[] {
    let byQuarter = this.byZone.get(e.timezone);
    if (!byQuarter) this.byZone.set(e.timezone, (byQuarter = new Map()));
    const q = Math.floor(e.enrolledAt.getTime() / QUARTER_MS);
    let week = byQuarter.get(q);
    if (!week) {
      week = Array.from({ length: FIRST_WEEK_DAYS }, (_, i) => learnerDayWindow(e.enrolledAt, e.timezone, i + 1));
      byQuarter.set(q, week);
    }
    return week;
  }
}
