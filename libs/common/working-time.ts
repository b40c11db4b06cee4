import { addBusinessMinutes } from './business-time.js';
import { WEEKDAYS, type WeeklyHours } from './working-hours.js';

/**
 * `start` plus `hours` of working time in `week` (a person's weekly hours, read in `zone`), by the same calendar
 * arithmetic as the support desk's business time (business-time.ts: a person's week is a calendar without
 * holidays). Time outside the intervals does not count: 4 working hours from Friday 16:00 with 09:00–17:30 hours
 * end Monday 11:30. A week with no hours at all falls back to plain clock hours, so a misconfigured profile never
 * blocks a case.
 */
export function addWorkingHours(start: Date, hours: number, week: WeeklyHours, zone: string): Date {
  const ms = Math.round(hours * 60 * 60_000);
  const hasHours = WEEKDAYS.some((d) => (week[d] ?? []).length > 0);
  if (!hasHours || ms <= 0) return new Date(start.getTime() + Math.max(ms, 0));
  return addBusinessMinutes({ timezone: zone, hours: week, holidays: [], workdays: [] }, start, ms / 60_000);
}
