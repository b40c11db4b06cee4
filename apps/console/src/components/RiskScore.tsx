import { useI18n } from '../i18n/i18n';
import { riskLevel, riskReasonText, type RiskReason } from './risk-words';

export interface RiskScoreValue {
  score: number;
  reasons: RiskReason[];
  modelVersion: number;
}

/**
 * A learned churn risk: the chance of churning within 30 days as a percentage, with its (at most three) reasons in
 * the reader's language. `compact` (queue rows): the percentage and the strongest reason; otherwise all of them.
 * Nothing is scored without an active model: a quiet dash.
 */
export function RiskScore({ risk, compact = false }: { risk: RiskScoreValue | null | undefined; compact?: boolean }) {
  const { t, fmt } = useI18n();
  if (!risk) return <span className="muted">—</span>;
  const pct = fmt.percent(risk.score);
  const reasons = risk.reasons.map((r) => riskReasonText(t, r, fmt.percent));
  const level = riskLevel(risk.score);
  return (
    <span className={`risk risk-${level}`} data-risk={risk.score}>
      <span className={`chip chip-${level === 'high' ? 'high' : level === 'medium' ? 'medium' : 'low'}`} aria-label={t('risk.badge.label', { pct })}>
        {pct}
      </span>
      {reasons.length > 0 &&
        (compact ? (
          <span className="risk-reasons small-text muted" title={reasons.join('; ')}>
            {reasons[0]}
          </span>
        ) : (
          <ul className="risk-reasons" aria-label={t('risk.reasons')}>
            {reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        ))}
    </span>
  );
}
