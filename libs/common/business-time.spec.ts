import fc from 'fast-check';
import { addBusinessMinutes, businessMinutesBetween, isBusinessTime, validateCalendar, type BusinessCalendar } from './business-time.js';

const SPLIT: Array<[string, string]> = [
  ['09:00', '12:00'],
  ['13:30', '17:30'],
];
const shanghai = (over: Partial<BusinessCalendar> = {}): BusinessCalendar => ({
  timezone: 'Asia/Shanghai',
  hours: { mon: SPLIT, tue: SPLIT, wed: SPLIT, thu: SPLIT, fri: SPLIT },
  holidays: [],
  workdays: [],
  ...over,
});
// 2026-11-27 is a Friday; Shanghai is UTC+8 all year.
const local = (s: string) => new Date(`${s}+08:00`);

describe('addBusinessMinutes', () => {
  it('Friday 17:00 + 4 business hours on a split-shift week is Monday 14:00', () => {
    expect(addBusinessMinutes(shanghai(), local('2026-11-27T17:00:00'), 240)).toEqual(local('2026-11-30T14:00:00'));
  });

  it('skips a Monday holiday: Tuesday 14:00', () => {
    expect(addBusinessMinutes(shanghai({ holidays: ['2026-11-30'] }), local('2026-11-27T17:00:00'), 240)).toEqual(local('2026-12-01T14:00:00'));
  });

  it('works a make-up Saturday with the hours of makeUpHoursFrom', () => {
    const cal = shanghai({ workdays: ['2026-11-28'], hours: { mon: [['10:00', '11:00']], fri: SPLIT } });
    // 30 min Friday, then Saturday 10:00-11:00 (Monday's hours) gives 60 more; 90 min total ends Saturday 11:00.
    expect(addBusinessMinutes(cal, local('2026-11-27T17:00:00'), 90)).toEqual(local('2026-11-28T11:00:00'));
    const fromFri = shanghai({ workdays: ['2026-11-28'], makeUpHoursFrom: 'fri' });
    expect(addBusinessMinutes(fromFri, local('2026-11-27T17:00:00'), 240)).toEqual(local('2026-11-28T14:00:00'));
  });

  it('starts counting at the next opening when started outside hours, and lunch is not business time', () => {
    expect(addBusinessMinutes(shanghai(), local('2026-11-28T08:00:00'), 60)).toEqual(local('2026-11-30T10:00:00'));
    expect(addBusinessMinutes(shanghai(), local('2026-11-30T11:30:00'), 60)).toEqual(local('2026-11-30T14:00:00'));
    expect(addBusinessMinutes(shanghai(), local('2026-11-30T12:30:00'), 0)).toEqual(local('2026-11-30T12:30:00'));
  });

  it('a target ending at closing time is due at the close, not the next opening', () => {
    expect(addBusinessMinutes(shanghai(), local('2026-11-30T09:00:00'), 180)).toEqual(local('2026-11-30T12:00:00'));
  });

  it('respects the time zone, including daylight saving changes', () => {
    const ny: BusinessCalendar = {
      timezone: 'America/New_York',
      hours: { sat: [['09:00', '17:00']], sun: [['09:00', '17:00']], mon: [['09:00', '17:00']] },
      holidays: [],
      workdays: [],
    };
    // DST ended 2026-11-01 (Sunday) at 02:00: Saturday is UTC-4, Sunday UTC-5.
    expect(addBusinessMinutes(ny, new Date('2026-10-31T20:00:00Z'), 120)).toEqual(new Date('2026-11-01T15:00:00Z'));
  });

  it('supports an interval ending at 24:00', () => {
    const cal = shanghai({ hours: { mon: [['22:00', '24:00']], tue: [['00:00', '01:00']] } });
    expect(addBusinessMinutes(cal, local('2026-11-30T23:00:00'), 90)).toEqual(local('2026-12-01T00:30:00'));
  });

  it('throws rather than looping forever on a calendar without hours', () => {
    expect(() => addBusinessMinutes(shanghai({ hours: {} }), local('2026-11-27T17:00:00'), 10)).toThrow(/no business hours/);
  });
});

describe('businessMinutesBetween', () => {
  it('counts only open intervals', () => {
    expect(businessMinutesBetween(shanghai(), local('2026-11-27T17:00:00'), local('2026-11-30T14:00:00'))).toBe(240);
    expect(businessMinutesBetween(shanghai(), local('2026-11-30T12:00:00'), local('2026-11-30T13:30:00'))).toBe(0);
    expect(businessMinutesBetween(shanghai(), local('2026-11-30T14:00:00'), local('2026-11-27T17:00:00'))).toBe(-240);
  });

  it('is the inverse of addBusinessMinutes (property)', () => {
    const cal = shanghai({ holidays: ['2026-12-02', '2026-12-25'], workdays: ['2026-12-05'] });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 * 24 * 40 }), fc.integer({ min: 1, max: 20_000 }), (offsetMin, minutes) => {
        const start = new Date(local('2026-11-20T00:00:00').getTime() + offsetMin * 60_000);
        const due = addBusinessMinutes(cal, start, minutes);
        expect(businessMinutesBetween(cal, start, due)).toBeCloseTo(minutes, 6);
        // The due instant is inside (or at the end of) business time, never before the start.
        expect(due.getTime()).toBeGreaterThan(start.getTime());
        expect(isBusinessTime(cal, new Date(due.getTime() - 1))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('validateCalendar', () => {
  it('names the bad fields', () => {
    const errors = validateCalendar({
      timezone: 'Mars/Base',
      hours: { mon: [['12:00', '09:00']] },
      holidays: ['2026-13-01'],
      workdays: ['x'],
      makeUpHoursFrom: 'xyz' as never,
    });
    expect(errors.map((e) => e.field).sort()).toEqual(['holidays.0', 'hours.mon.0', 'makeUpHoursFrom', 'timezone', 'workdays.0']);
  });
  it('refuses a week without hours and a date that is both holiday and workday', () => {
    expect(validateCalendar({ hours: { sat: [] } }).map((e) => e.field)).toEqual(['hours']);
    expect(validateCalendar({ holidays: ['2026-10-10'], workdays: ['2026-10-10'] }).map((e) => e.field)).toEqual(['workdays.0']);
  });
  it('accepts a valid calendar', () => {
    expect(validateCalendar({ ...shanghai(), makeUpHoursFrom: 'mon' })).toEqual([]);
  });
});
