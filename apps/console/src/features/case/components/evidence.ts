import { riskReasonText, type RiskReason } from '../../../components/risk-words';
import type { Formatters, MessageKey } from '../../../i18n/i18n';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;
type Evidence = Record<string, unknown>;

const num = (v: unknown) => (typeof v === 'number' ? v : Number(v));
const isSet = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * An alert's evidence as a sentence a person reads at a glance ("No login for 9 days, since 24 Nov"), from the
 * metric values that fired. The shape tells the rule kind, so a school's own rules of a built-in kind read the same.
 */
export function describeEvidence(t: T, fmt: Formatters, e: Evidence): string {
  if (isSet(e.inactiveDays)) {
    const days = num(e.inactiveDays);
    if (isSet(e.lastLoginAt)) return t('evidence.inactive', { count: days, days, since: fmt.date(String(e.lastLoginAt)) });
    return t('evidence.inactiveNever', { count: days, days, since: isSet(e.enrolledAt) ? fmt.date(String(e.enrolledAt)) : '—' });
  }
  if (isSet(e.completedLessons) && isSet(e.expectedLessons)) {
    return t('evidence.lowCompletion', {
      done: fmt.number(num(e.completedLessons)),
      expected: fmt.number(num(e.expectedLessons), { maximumFractionDigits: 1 }),
      day: fmt.number(num(e.elapsedDays), { maximumFractionDigits: 0 }),
      duration: fmt.number(num(e.durationDays)),
      pace: fmt.percent(num(e.paceRatio)),
      threshold: fmt.percent(num(e.thresholdRatio)),
    });
  }
  if (isSet(e.lateDays) && (isSet(e.lateAssignments) || isSet(e.missingAssignments))) {
    const late = num(e.lateAssignments ?? 0);
    const missing = num(e.missingAssignments ?? 0);
    const counted = isSet(e.countedAssignments) ? num(e.countedAssignments) : late + missing;
    return t('evidence.lateAssignments', { count: counted, counted, days: num(e.lateDays), late, missing });
  }
  if (isSet(e.complaints) && isSet(e.month)) {
    return t('evidence.complaints', { count: num(e.complaints), complaints: num(e.complaints), month: String(e.month) });
  }
  if (Array.isArray(e.weeks)) {
    const weeks = e.weeks as Array<{ weekStart: string; minutes: number }>;
    return t('evidence.studyDrop', {
      minutes: weeks.map((w) => fmt.number(w.minutes)).join(' → '),
      from: weeks[0] ? fmt.date(`${weeks[0].weekStart}T00:00:00`) : '—',
    });
  }
  if (isSet(e.score) && isSet(e.threshold) && isSet(e.modelVersion)) {
    const reasons = Array.isArray(e.reasons) ? (e.reasons as RiskReason[]).map((r) => riskReasonText(t, r, fmt.percent)) : [];
    return t('evidence.riskScore', {
      score: fmt.percent(num(e.score)),
      threshold: fmt.percent(num(e.threshold)),
      reasons: reasons.length ? reasons.join(t('evidence.riskScore.separator')) : '—',
    });
  }
  return Object.entries(e)
    .filter(([k, v]) => k !== 'window' && (typeof v === 'number' || typeof v === 'string'))
    .map(([k, v]) => `${k}: ${v}`)
    .join(' · ');
}
