import en from '../i18n/en.json';
import type { MessageKey } from '../i18n/i18n';

/** The five causes of churn the school tracks, and "other" (the API's churnReason values). */
export const CHURN_REASONS = ['expectation_gap', 'lack_of_support', 'content_mismatch', 'slow_service', 'life_circumstances', 'other'] as const;

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** The words for one value of an API enum (`prefix.value`), or the value itself for one the catalog lacks. */
export function enumLabel(t: T, prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const key = `${prefix}.${value}`;
  return key in en ? t(key as MessageKey) : value;
}

/** "First-week check-in · day 3 of 7", "Care call", … */
export function taskKindLabel(t: T, kind: string, dayIndex: number | null): string {
  const base = enumLabel(t, 'task.kind', kind);
  return kind === 'first_week_checkin' && dayIndex ? t('task.kind.firstWeekDay', { kind: base, day: dayIndex }) : base;
}

/** A default rule by its key in words; a school's own rule by the name the API gives, else its key. */
export function ruleLabel(t: T, ruleKey: string, name?: string | null): string {
  const key = `rule.${ruleKey}`;
  return key in en ? t(key as MessageKey) : (name ?? ruleKey);
}
