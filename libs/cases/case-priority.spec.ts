import { casePriority, lifecycleStage } from './case-priority.js';

describe('casePriority', () => {
  it('grows with severity, number of open alerts and stage', () => {
    expect(casePriority({ severities: ['low'], stages: ['active'], complaint: false })).toEqual({ score: 10, priority: 'low' });
    expect(casePriority({ severities: ['medium'], stages: ['active'], complaint: false }).priority).toBe('medium');
    expect(casePriority({ severities: ['medium', 'low'], stages: ['active'], complaint: false }).score).toBe(25);
    expect(casePriority({ severities: ['medium'], stages: ['new'], complaint: false })).toEqual({ score: 30, priority: 'high' });
    expect(casePriority({ severities: ['high', 'medium', 'low'], stages: ['near_expiry'], complaint: false })).toEqual({ score: 50, priority: 'urgent' });
  });

  it('keeps complaints at high or above, and caps the alert-count bonus', () => {
    expect(casePriority({ severities: ['low'], stages: ['active'], complaint: true }).priority).toBe('high');
    expect(casePriority({ severities: Array(10).fill('low'), stages: [], complaint: false }).score).toBe(30);
  });
});

describe('lifecycleStage', () => {
  const now = new Date('2026-11-25T00:00:00Z');
  it('reads new, near_expiry, active and paused', () => {
    expect(lifecycleStage({ status: 'active', enrolledAt: new Date('2026-11-22T00:00:00Z'), expiresAt: null }, now)).toBe('new');
    expect(lifecycleStage({ status: 'active', enrolledAt: new Date('2026-01-01T00:00:00Z'), expiresAt: new Date('2026-12-10T00:00:00Z') }, now)).toBe(
      'near_expiry',
    );
    expect(lifecycleStage({ status: 'active', enrolledAt: new Date('2026-01-01T00:00:00Z'), expiresAt: new Date('2027-06-01T00:00:00Z') }, now)).toBe('active');
    expect(lifecycleStage({ status: 'paused', enrolledAt: new Date('2026-11-22T00:00:00Z'), expiresAt: null }, now)).toBe('paused');
  });
});
