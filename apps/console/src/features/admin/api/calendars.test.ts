import { describe, expect, it } from 'vitest';
import { dayKind, intervalsText, monthDays, parseIntervals, shiftMonth } from './calendars';

describe('calendar helpers', () => {
  it('reads split shifts as text and back', () => {
    expect(parseIntervals('09:00-12:00, 13:30-17:30')).toEqual([
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ]);
    expect(parseIntervals('9:00–12:00，13:30~17:30')).toEqual([
      ['09:00', '12:00'],
      ['13:30', '17:30'],
    ]);
    expect(parseIntervals('')).toEqual([]);
    expect(parseIntervals('morning')).toBeUndefined();
    expect(
      intervalsText([
        ['09:00', '12:00'],
        ['13:30', '17:30'],
      ]),
    ).toBe('09:00-12:00, 13:30-17:30');
  });

  it('says what a date is: holiday, make-up working day, working day, day off', () => {
    const cal = { holidays: ['2026-10-01'], workdays: ['2026-10-10'], hours: { mon: [['09:00', '18:00']], fri: [['09:00', '18:00']] } };
    expect(dayKind(cal, '2026-10-01')).toBe('holiday');
    expect(dayKind(cal, '2026-10-10')).toBe('makeup'); // a Saturday
    expect(dayKind(cal, '2026-10-09')).toBe('working'); // a Friday
    expect(dayKind(cal, '2026-10-11')).toBe('off'); // a Sunday
  });

  it('lays out a month from its first weekday', () => {
    const oct = monthDays('2026-10');
    expect(oct.days).toHaveLength(31);
    expect(oct.firstWeekday).toBe(3); // 1 October 2026 is a Thursday
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
  });
});
