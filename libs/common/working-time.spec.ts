import { addWorkingHours } from './working-time.js';

const WEEK = { mon: [['09:00', '17:30']], tue: [['09:00', '17:30']], wed: [['09:00', '17:30']], thu: [['09:00', '17:30']], fri: [['09:00', '17:30']] } as const;
const week = WEEK as unknown as Parameters<typeof addWorkingHours>[2];

describe('addWorkingHours', () => {
  it('adds inside one working day', () => {
    // 2026-11-23 is a Monday; 10:00 Shanghai = 02:00Z.
    expect(addWorkingHours(new Date('2026-11-23T02:00:00Z'), 4, week, 'Asia/Shanghai').toISOString()).toBe('2026-11-23T06:00:00.000Z');
  });

  it('carries over the weekend: Friday 16:00 + 4h = Monday 11:30', () => {
    expect(addWorkingHours(new Date('2026-11-27T08:00:00Z'), 4, week, 'Asia/Shanghai').toISOString()).toBe('2026-11-30T03:30:00.000Z');
  });

  it('starts counting at the next opening when created out of hours', () => {
    // Saturday 22:00 Shanghai → Monday 09:00 + 2h = 11:00.
    expect(addWorkingHours(new Date('2026-11-28T14:00:00Z'), 2, week, 'Asia/Shanghai').toISOString()).toBe('2026-11-30T03:00:00.000Z');
  });

  it("uses split intervals and the person's own zone", () => {
    const split = {
      mon: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
    } as unknown as Parameters<typeof addWorkingHours>[2];
    // Monday 11:00 New York (EST, UTC-5) + 2h → 12:00 then 13:00–14:00 → 14:00 EST = 19:00Z.
    expect(addWorkingHours(new Date('2026-11-23T16:00:00Z'), 2, split, 'America/New_York').toISOString()).toBe('2026-11-23T19:00:00.000Z');
    // 8 hours: 1h + 4h on Monday, the last 3h next Monday 09:00–12:00 EST.
    expect(addWorkingHours(new Date('2026-11-23T16:00:00Z'), 8, split, 'America/New_York').toISOString()).toBe('2026-11-30T17:00:00.000Z');
  });

  it('falls back to clock hours for an empty week', () => {
    expect(addWorkingHours(new Date('2026-11-28T14:00:00Z'), 3, {}, 'UTC').toISOString()).toBe('2026-11-28T17:00:00.000Z');
  });
});
