import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import zhCN from '../i18n/zh-CN.json';
import { translate, type MessageKey, type Messages } from '../i18n/i18n';
import { riskLevel, riskReasonText } from './risk-words';

const pct = (x: number) => `${Math.round(x * 100)}%`;
const tEn = (key: MessageKey, vars?: Record<string, string | number>) => translate(en as Messages, 'en', key, vars);
const tZh = (key: MessageKey, vars?: Record<string, string | number>) => translate(zhCN as Messages, 'zh-CN', key, vars);

describe('risk reasons in words', () => {
  it('words every feature in English and Chinese, with its value', () => {
    expect(riskReasonText(tEn, { feature: 'days_since_login', value: 12 }, pct)).toBe('no login for 12 days');
    expect(riskReasonText(tEn, { feature: 'days_since_login', value: 1 }, pct)).toBe('no login for 1 day');
    expect(riskReasonText(tZh, { feature: 'days_since_login', value: 12 }, pct)).toBe('12 天未登录');
    expect(riskReasonText(tEn, { feature: 'pace_ratio', value: 0.31 }, pct)).toBe('at 31% of the expected pace');
    expect(riskReasonText(tEn, { feature: 'study_change', value: -0.6 }, pct)).toBe('study time down 60% on the week before');
    expect(riskReasonText(tZh, { feature: 'study_change', value: -0.6 }, pct)).toBe('学习时长比前一周减少 60%');
    expect(riskReasonText(tEn, { feature: 'complaints_30d', value: 2 }, pct)).toBe('2 complaints in 30 days');
    for (const feature of [
      'days_since_login',
      'pace_ratio',
      'study_minutes_7d',
      'study_change',
      'late_assignments_30d',
      'complaints_30d',
      'stage_new',
      'stage_near_expiry',
      'days_enrolled',
      'days_to_expiry',
      'first_week_reached',
    ]) {
      const zh = riskReasonText(tZh, { feature, value: 3 }, pct);
      expect(zh).toMatch(/[\u4e00-\u9fff]/);
      expect(zh).not.toMatch(/risk\.reason/);
      expect(riskReasonText(tEn, { feature, value: 3 }, pct)).not.toMatch(/risk\.reason/);
    }
  });
  it('grades a score by the chance of churning', () => {
    expect([riskLevel(0.72), riskLevel(0.3), riskLevel(0.1)]).toEqual(['high', 'medium', 'low']);
  });
});
