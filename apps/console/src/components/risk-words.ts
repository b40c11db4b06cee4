import type { MessageKey } from '../i18n/i18n';

export interface RiskReason {
  feature: string;
  value: number;
}

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Features whose value is a count of days, minutes, assignments or calls (worded with `{count}`). */
const COUNTED = new Set([
  'days_since_login',
  'study_minutes_7d',
  'late_assignments_30d',
  'complaints_30d',
  'days_enrolled',
  'days_to_expiry',
  'first_week_reached',
]);

/** One reason of a learned risk score in the reader's language, from its feature and value (the API words it in English only). */
export function riskReasonText(t: T, r: RiskReason, percent: (fraction: number) => string): string {
  if (r.feature === 'pace_ratio') return t('risk.reason.pace_ratio', { pct: percent(r.value) });
  if (r.feature === 'study_change')
    return r.value < 0 ? t('risk.reason.study_change_down', { pct: percent(-r.value) }) : t('risk.reason.study_change_up', { pct: percent(r.value) });
  if (r.feature === 'stage_new' || r.feature === 'stage_near_expiry') return t(`risk.reason.${r.feature}` as MessageKey);
  if (COUNTED.has(r.feature)) return t(`risk.reason.${r.feature}` as MessageKey, { count: Math.round(r.value) });
  return `${r.feature} = ${r.value}`;
}

/** How strong a score is, for its colour: at least 0.6 high, at least 0.3 medium, else low. */
export function riskLevel(score: number): 'high' | 'medium' | 'low' {
  return score >= 0.6 ? 'high' : score >= 0.3 ? 'medium' : 'low';
}
