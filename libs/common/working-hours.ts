/** Weekly hours as the API carries them: {mon: [["09:00","17:30"]], ...}. Shared by staff and calendars. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type WeeklyHours = Partial<Record<Weekday, Array<[string, string]>>>;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
/** The default working week (staff without their own hours, and school-time due dates): Monday to Friday, 09:00–17:30. */
export const DEFAULT_WORKING_HOURS: WeeklyHours = {
  mon: [['09:00', '17:30']],
  tue: [['09:00', '17:30']],
  wed: [['09:00', '17:30']],
  thu: [['09:00', '17:30']],
  fri: [['09:00', '17:30']],
};

/** Split shifts, yes; a thousand one-minute slivers, no (every schedule computation walks these lists). */
export const MAX_INTERVALS_PER_DAY = 8;

export function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Returns field errors (prefixed with `field`) for a malformed weekly-hours object. */
export function validateWeeklyHours(value: unknown, field: string): Array<{ field: string; message: string }> {
  const errors: Array<{ field: string; message: string }> = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ field, message: 'must be an object keyed by mon..sun' }];
  }
  for (const [day, intervals] of Object.entries(value as Record<string, unknown>)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) {
      errors.push({ field: `${field}.${day}`, message: 'is not a weekday (use mon, tue, wed, thu, fri, sat, sun)' });
      continue;
    }
    if (!Array.isArray(intervals)) {
      errors.push({ field: `${field}.${day}`, message: 'must be a list of ["HH:MM","HH:MM"] intervals' });
      continue;
    }
    if (intervals.length > MAX_INTERVALS_PER_DAY) {
      errors.push({ field: `${field}.${day}`, message: `must have at most ${MAX_INTERVALS_PER_DAY} intervals` });
      continue;
    }
    let lastEnd = -1;
    intervals.forEach((iv, i) => {
      const f = `${field}.${day}.${i}`;
      if (!Array.isArray(iv) || iv.length !== 2 || !iv.every((t) => typeof t === 'string' && HHMM.test(t))) {
        errors.push({ field: f, message: 'must be ["HH:MM","HH:MM"]' });
        return;
      }
      const [s, e] = [toMinutes(iv[0]), toMinutes(iv[1])];
      if (e <= s) errors.push({ field: f, message: 'must end after it starts' });
      else if (s < lastEnd) errors.push({ field: f, message: 'overlaps or precedes the previous interval' });
      lastEnd = e;
    });
  }
  return errors;
}
