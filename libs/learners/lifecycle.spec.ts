import { lifecycleStage, progress, type StageInput } from './lifecycle.js';

const now = new Date('2026-06-15T12:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000);
const base: StageInput = { status: 'active', enrolledAt: days(-60), expiresAt: days(120), lastLoginAt: days(-1) };

describe('lifecycleStage', () => {
  it('is new in the first 7 days', () => {
    expect(lifecycleStage({ ...base, enrolledAt: days(-3), lastLoginAt: null }, now, 30)).toBe('new');
    expect(lifecycleStage({ ...base, enrolledAt: days(-7) }, now, 30)).toBe('active');
  });
  it('is near_expiry within 30 days of expiry', () => {
    expect(lifecycleStage({ ...base, expiresAt: days(20) }, now, 30)).toBe('near_expiry');
    expect(lifecycleStage({ ...base, expiresAt: days(30) }, now, 30)).toBe('near_expiry');
    expect(lifecycleStage({ ...base, expiresAt: days(31) }, now, 30)).toBe('active');
  });
  it('keeps paused and completed whatever the dates', () => {
    expect(lifecycleStage({ ...base, status: 'paused', lastLoginAt: days(-100) }, now, 30)).toBe('paused');
    expect(lifecycleStage({ ...base, status: 'completed', expiresAt: days(-5) }, now, 30)).toBe('completed');
  });
  it('is churned when cancelled, expired, past expiry, or inactive for churnInactiveDays', () => {
    expect(lifecycleStage({ ...base, status: 'cancelled' }, now, 30)).toBe('churned');
    expect(lifecycleStage({ ...base, status: 'expired' }, now, 30)).toBe('churned');
    expect(lifecycleStage({ ...base, expiresAt: days(-1) }, now, 30)).toBe('churned');
    expect(lifecycleStage({ ...base, lastLoginAt: days(-30) }, now, 30)).toBe('churned');
    expect(lifecycleStage({ ...base, lastLoginAt: days(-29) }, now, 30)).toBe('active');
    // Never logged in: counted from the enrolment.
    expect(lifecycleStage({ ...base, enrolledAt: days(-40), lastLoginAt: null }, now, 30)).toBe('churned');
    expect(lifecycleStage({ ...base, lastLoginAt: days(-10) }, now, 7)).toBe('churned');
  });
});

describe('progress', () => {
  it('compares done with the even pace expected by now', () => {
    expect(progress({ completedLessons: 3, totalLessons: 40, durationDays: 100, enrolledAt: days(-20) }, now)).toEqual({
      completedLessons: 3,
      totalLessons: 40,
      percent: 7.5,
      expectedPercent: 20,
    });
  });
  it('caps at 100 and survives an empty course', () => {
    expect(progress({ completedLessons: 50, totalLessons: 40, durationDays: 10, enrolledAt: days(-20) }, now)).toMatchObject({
      percent: 100,
      expectedPercent: 100,
    });
    expect(progress({ completedLessons: 0, totalLessons: 0, durationDays: 10, enrolledAt: days(1) }, now)).toMatchObject({ percent: 0, expectedPercent: 0 });
  });
});
