import { DateTime } from 'luxon';
import { toMinutes, WEEKDAYS, type WeeklyHours } from '../common/working-hours.js';

/**
 * `start` plus `hours` of working time in `week` (a person's weekly hours, read in `zone`). Time outside the
 * intervals does not count: 4 working hours from Friday 16:00 with 09:00–17:30 hours end Monday 11:30.
 * A week with no hours at all falls back to plain clock hours, so a misconfigured profile never blocks a case.
 */
export function addWorkingHours(start: Date, hours: number, week: WeeklyHours, zone: string): Date {
  let remaining = Math.round(hours * 60 * 60_000);
  const hasHours = WEEKDAYS.some((d) => (week[d] ?? []).length > 0);
  if (!hasHours || remaining <= 0) return new Date(start.getTime() + Math.max(remaining, 0));
  let cursor = start.getTime();
  let day = DateTime.fromMillis(cursor, { zone }).startOf('day');
  // Two years of days is far beyond any sane due window; it only guards against pathological input.
  for (let i = 0; i < 730; i++) {
    const intervals = week[WEEKDAYS[day.weekday - 1]] ?? [];
    for (const [from, to] of intervals) {
      const open = at(day, from);
      const close = at(day, to);
      const begin = Math.max(open, cursor);
      if (begin >= close) continue;
      const available = close - begin;
      if (remaining <= available) return new Date(begin + remaining);
      remaining -= available;
      cursor = close;
    }
    day = day.plus({ days: 1 }).startOf('day');
  }
  return new Date(cursor + remaining);
}

function at(day: DateTime, hhmm: string): number {
  const m = toMinutes(hhmm);
  if (m >= 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(m / 60), minute: m % 60, second: 0, millisecond: 0 }).toMillis();
}
