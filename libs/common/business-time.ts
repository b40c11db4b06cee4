import { DateTime } from 'luxon';
import { toMinutes, validateWeeklyHours, WEEKDAYS, type Weekday, type WeeklyHours } from './working-hours.js';
import { isValidTimeZone } from './time-zone.js';

/**
 * Business-time math for SLA clocks: a calendar is weekly hours (several intervals a day for split shifts)
 * in a time zone, minus holidays, plus make-up working days (a weekend date worked with the hours of
 * `makeUpHoursFrom`, as Chinese calendars need). Pure: no clock, no database.
 */
export interface BusinessCalendar {
  timezone: string;
  hours: WeeklyHours;
  /** Local dates (YYYY-MM-DD) with no business hours. */
  holidays: string[];
  /** Local dates (YYYY-MM-DD) worked with the hours of `makeUpHoursFrom`. */
  workdays: string[];
  makeUpHoursFrom?: Weekday;
}

/** How far ahead we search for business time before deciding a calendar has none (ten years). */
const MAX_DAYS = 3660;
const MINUTE = 60_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class NoBusinessTimeError extends Error {
  constructor() {
    super('the calendar has no business hours in the next ten years');
  }
}

interface Interval {
  start: number;
  end: number;
}

/** Precomputed lookups, so long walks do not re-scan the holiday lists for every day. */
class CompiledCalendar {
  readonly holidays: Set<string>;
  readonly workdays: Set<string>;
  readonly makeUp: Weekday;
  private readonly cache = new Map<string, Interval[]>();

  constructor(readonly cal: BusinessCalendar) {
    this.holidays = new Set(cal.holidays);
    this.workdays = new Set(cal.workdays);
    this.makeUp = cal.makeUpHoursFrom ?? 'mon';
  }

  /** The day's business intervals as UTC epoch milliseconds, in order. */
  intervalsOn(day: DateTime): Interval[] {
    const key = day.toISODate()!;
    let hit = this.cache.get(key);
    if (hit) return hit;
    let spec: Array<[string, string]>;
    if (this.holidays.has(key)) spec = [];
    else if (this.workdays.has(key)) spec = this.cal.hours[this.makeUp] ?? [];
    else spec = this.cal.hours[WEEKDAYS[day.weekday - 1]] ?? [];
    hit = spec.map(([s, e]) => ({ start: atMinute(day, toMinutes(s)), end: atMinute(day, toMinutes(e)) })).filter((iv) => iv.end > iv.start);
    if (this.cache.size > 4000) this.cache.clear();
    this.cache.set(key, hit);
    return hit;
  }
}

/** Wall-clock minute of a local day as epoch ms (24:00 is the next day's midnight); DST gaps resolve forward. */
function atMinute(day: DateTime, minute: number): number {
  if (minute >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 }).toMillis();
}

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>();
function compile(cal: BusinessCalendar): CompiledCalendar {
  let c = compiled.get(cal);
  if (!c) {
    c = new CompiledCalendar(cal);
    compiled.set(cal, c);
  }
  return c;
}

/**
 * A local date's business intervals as epoch milliseconds, in order: the one place a calendar day turns into
 * instants (the support desk's SLA clocks, people's working hours, the first-week planner's slots build on it).
 */
export function intervalsOnDate(cal: BusinessCalendar, isoDate: string): Array<{ start: number; end: number }> {
  return compile(cal).intervalsOn(DateTime.fromISO(isoDate, { zone: cal.timezone }));
}

function localDay(cal: BusinessCalendar, at: number): DateTime {
  return DateTime.fromMillis(at, { zone: cal.timezone }).startOf('day');
}

/**
 * The instant `minutes` business minutes after `start`. Zero minutes gives `start` itself; a start outside
 * business hours begins counting at the next opening. A target that ends exactly at a closing time is due then.
 */
export function addBusinessMinutes(cal: BusinessCalendar, start: Date, minutes: number): Date {
  if (!(minutes > 0)) return new Date(start);
  const c = compile(cal);
  let remaining = minutes * MINUTE;
  const from = start.getTime();
  let day = localDay(cal, from);
  for (let i = 0; i < MAX_DAYS; i++, day = day.plus({ days: 1 })) {
    for (const iv of c.intervalsOn(day)) {
      const s = Math.max(iv.start, from);
      if (s >= iv.end) continue;
      const available = iv.end - s;
      if (remaining <= available) return new Date(s + remaining);
      remaining -= available;
    }
  }
  throw new NoBusinessTimeError();
}

/** Business minutes between two instants (negative when `b` is before `a`), to the millisecond as a fraction. */
export function businessMinutesBetween(cal: BusinessCalendar, a: Date, b: Date): number {
  const [from, to] = [a.getTime(), b.getTime()];
  if (to < from) return -businessMinutesBetween(cal, b, a);
  const c = compile(cal);
  let total = 0;
  let day = localDay(cal, from);
  const last = localDay(cal, to);
  for (let i = 0; i <= MAX_DAYS && day <= last; i++, day = day.plus({ days: 1 })) {
    for (const iv of c.intervalsOn(day)) {
      const s = Math.max(iv.start, from);
      const e = Math.min(iv.end, to);
      if (e > s) total += e - s;
    }
  }
  return total / MINUTE;
}

/** True when `at` falls inside business hours. */
export function isBusinessTime(cal: BusinessCalendar, at: Date): boolean {
  const t = at.getTime();
  return compile(cal)
    .intervalsOn(localDay(cal, t))
    .some((iv) => t >= iv.start && t < iv.end);
}

/** Field errors for a calendar as the API receives it (prefixes match the request body). */
export function validateCalendar(input: Partial<BusinessCalendar>): Array<{ field: string; message: string }> {
  const errors: Array<{ field: string; message: string }> = [];
  if (input.timezone !== undefined && !isValidTimeZone(input.timezone))
    errors.push({ field: 'timezone', message: 'must be an IANA time zone such as Asia/Shanghai' });
  if (input.hours !== undefined) {
    const hourErrors = validateWeeklyHours(input.hours, 'hours');
    errors.push(...hourErrors);
    if (!hourErrors.length && !Object.values(input.hours).some((ivs) => ivs && ivs.length > 0)) {
      errors.push({ field: 'hours', message: 'must have business hours on at least one weekday' });
    }
  }
  for (const field of ['holidays', 'workdays'] as const) {
    const list = input[field];
    if (list === undefined) continue;
    list.forEach((d, i) => {
      if (typeof d !== 'string' || !DATE.test(d) || !DateTime.fromISO(d).isValid) errors.push({ field: `${field}.${i}`, message: 'must be a date YYYY-MM-DD' });
    });
  }
  if (input.holidays && input.workdays) {
    const holidays = new Set(input.holidays);
    input.workdays.forEach((d, i) => {
      if (holidays.has(d)) errors.push({ field: `workdays.${i}`, message: 'is also listed as a holiday' });
    });
  }
  if (input.makeUpHoursFrom !== undefined && !(WEEKDAYS as readonly string[]).includes(input.makeUpHoursFrom)) {
    errors.push({ field: 'makeUpHoursFrom', message: `must be one of ${WEEKDAYS.join(', ')}` });
  } else if (input.makeUpHoursFrom !== undefined && input.hours && !input.hours[input.makeUpHoursFrom]?.length) {
    errors.push({ field: 'makeUpHoursFrom', message: 'has no business hours to lend to make-up days' });
  }
  return errors;
}
