import { useI18n } from '../i18n/i18n';
import { ruleLabel } from './labels';

/** The rules that flagged a learner, as chips coloured by severity where it is known. */
export function RuleChips({ alerts }: { alerts: Array<{ id?: string; ruleKey: string; severity?: string }> }) {
  const { t } = useI18n();
  return (
    <ul className="chips">
      {alerts.map((a) => (
        <li key={a.id ?? a.ruleKey} className={a.severity ? `chip chip-${a.severity}` : 'chip'}>
          {ruleLabel(t, a.ruleKey)}
        </li>
      ))}
    </ul>
  );
}
