import { useI18n } from '../../../i18n/i18n';

/** A rule's thresholds in words, in the viewer's language (the API's own description is English). */
export function RuleWords({ kind, params }: { kind: string; params: Record<string, number> }) {
  const { t } = useI18n();
  const p = params;
  switch (kind) {
    case 'inactive_days':
      return <span>{t('rules.words.inactive_days', { days: p.days })}</span>;
    case 'low_completion':
      return <span>{t('rules.words.low_completion', { ratio: Math.round(p.ratio * 1000) / 10, graceDays: p.graceDays })}</span>;
    case 'late_assignments':
      return <span>{t('rules.words.late_assignments', { count: p.count, lateDays: p.lateDays })}</span>;
    case 'complaints':
      return <span>{t('rules.words.complaints', { count: p.count })}</span>;
    case 'study_time_drop':
      return <span>{t('rules.words.study_time_drop', { dropRatio: Math.round(p.dropRatio * 1000) / 10, weeks: p.weeks })}</span>;
    case 'risk_score':
      return <span>{t('rules.words.risk_score', { pct: Math.round(p.threshold * 1000) / 10 })}</span>;
    default:
      return <span>{kind}</span>;
  }
}
