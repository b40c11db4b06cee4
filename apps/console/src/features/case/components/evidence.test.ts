import { describe, expect, it } from 'vitest';
import en from '../../../i18n/en.json';
import zhCN from '../../../i18n/zh-CN.json';
import { makeFormatters, translate, type MessageKey } from '../../../i18n/i18n';
import { describeEvidence } from './evidence';

const tEn = (k: MessageKey, v?: Record<string, string | number>) => translate(en, 'en', k, v);
const tZh = (k: MessageKey, v?: Record<string, string | number>) => translate(zhCN, 'zh-CN', k, v);
const fEn = makeFormatters('en', 'Asia/Shanghai');
const fZh = makeFormatters('zh-CN', 'Asia/Shanghai');

describe('alert evidence in words', () => {
  it('inactivity: days and since when', () => {
    const e = { inactiveDays: 9, thresholdDays: 7, lastLoginAt: '2026-11-24T02:00:00Z' };
    expect(describeEvidence(tEn, fEn, e)).toBe('No login for 9 days, since Nov 24, 2026');
    expect(describeEvidence(tZh, fZh, e)).toBe('已 9 天未登录（自 2026年11月24日 起）');
    expect(describeEvidence(tEn, fEn, { inactiveDays: 1, lastLoginAt: '2026-11-24T02:00:00Z' })).toBe('No login for 1 day, since Nov 24, 2026');
    expect(describeEvidence(tEn, fEn, { inactiveDays: 8, lastLoginAt: null, enrolledAt: '2026-11-20T02:00:00Z' })).toBe(
      'Never logged in since enrolling on Nov 20, 2026 (8 days)',
    );
  });
  it('learned risk: the score, the threshold and the reasons in words', () => {
    const e = {
      score: 0.72,
      threshold: 0.6,
      modelVersion: 3,
      reasons: [
        { feature: 'days_since_login', value: 12 },
        { feature: 'complaints_30d', value: 1 },
      ],
    };
    expect(describeEvidence(tEn, fEn, e)).toBe('Learned churn risk 72% (alert at 60% or more): no login for 12 days; 1 complaint in 30 days');
    expect(describeEvidence(tZh, fZh, e)).toMatch(/^模型预测流失风险 72%（达到 60% 即预警）：12 天未登录；/);
  });
  it('pace: lessons done against expected', () => {
    const e = { completedLessons: 2, expectedLessons: 12.5, elapsedDays: 25, durationDays: 60, paceRatio: 0.16, thresholdRatio: 0.2 };
    expect(describeEvidence(tEn, fEn, e)).toBe('2 of 12.5 lessons expected by day 25 of 60: 16% of the pace (alert below 20%)');
  });
  it('late and missing assignments, complaints and study time', () => {
    expect(describeEvidence(tEn, fEn, { lateAssignments: 1, missingAssignments: 1, lateDays: 3, thresholdCount: 2 })).toBe(
      '2 assignments more than 3 days past due: 1 submitted late, 1 still missing',
    );
    expect(describeEvidence(tEn, fEn, { complaints: 2, month: '2026-11', thresholdCount: 2 })).toBe('2 complaints in 2026-11');
    expect(
      describeEvidence(tEn, fEn, {
        weeks: [
          { weekStart: '2026-11-09', minutes: 300 },
          { weekStart: '2026-11-16', minutes: 140 },
          { weekStart: '2026-11-23', minutes: 60 },
        ],
        dropRatio: 0.5,
      }),
    ).toBe('Weekly study minutes fell 300 → 140 → 60 (weeks from Nov 9, 2026)');
  });
  it('an unknown shape lists its numbers rather than nothing', () => {
    expect(describeEvidence(tEn, fEn, { score: 0.8, window: { from: 'x' } })).toBe('score: 0.8');
  });
});
