import { Link } from 'react-router';
import { Empty } from '../../../components/ErrorState';
import { QueryTable } from '../../../components/QueryTable';
import { useI18n } from '../../../i18n/i18n';
import { useRules, useUpdateRule, type RuleView } from '../api/rules';
import { RuleWords } from './RuleWords';

/** Admin: the warning rules, each with its thresholds in words, what it asks advisors to do, and on or off. */
export function RulesPage() {
  const { t } = useI18n();
  const rules = useRules();
  return (
    <section className="page" aria-labelledby="rules-title">
      <div className="page-head">
        <div>
          <h1 id="rules-title">{t('rules.title')}</h1>
          <p className="muted">{t('rules.subtitle')}</p>
        </div>
      </div>
      <QueryTable
        query={rules}
        empty={<Empty title={t('rules.none')} />}
        label="Warning rules"
        head={[t('rules.rule'), t('rules.fires'), t('rules.action'), t('rules.state')]}
      >
        {(items) => items.map((r) => <RuleRow key={r.key} rule={r} />)}
      </QueryTable>
    </section>
  );
}

function RuleRow({ rule }: { rule: RuleView }) {
  const { t, a11y } = useI18n();
  const update = useUpdateRule(rule.key);
  const toggle = () => {
    const reason = window.prompt(rule.enabled ? t('rules.disable.why', { name: rule.name }) : t('rules.enable.why', { name: rule.name }));
    if (reason === null) return;
    update.mutate({ enabled: !rule.enabled, ...(reason.trim() ? { reason: reason.trim() } : {}) });
  };
  return (
    <tr data-rule={rule.key} className={rule.enabled ? undefined : 'is-closed'}>
      <td>
        <Link to={`/admin/rules/${rule.key}`}>{rule.name}</Link>
        <span className={`tag tag-severity-${rule.severity}`}>{t(`severity.${rule.severity}` as 'severity.high')}</span>
      </td>
      <td>
        <RuleWords kind={rule.kind} params={rule.params} />
        {rule.cohortThreshold !== null && (
          <span className="muted small-text block">{t('rules.cohort', { share: Math.round(rule.cohortThreshold * 1000) / 10 })}</span>
        )}
      </td>
      <td>{t('rules.actionWords', { task: t(`task.kind.${rule.action.taskKind}` as 'task.kind.care_call'), hours: rule.action.dueWithinHours })}</td>
      <td>
        {rule.enabled ? t('rules.on') : t('rules.off')}
        {update.isError && (
          <span className="field-error block" role="alert">
            {t('rules.toggle.failed')}
          </span>
        )}
      </td>
      <td className="cell-actions">
        <Link className="button-link small" to={`/admin/rules/${rule.key}`} aria-label={a11y(t('rules.edit'), `Edit ${rule.name}`)}>
          {t('rules.edit')}
        </Link>{' '}
        <button
          type="button"
          className="small"
          disabled={update.isPending}
          onClick={toggle}
          aria-label={a11y(rule.enabled ? t('rules.disable') : t('rules.enable'), `${rule.enabled ? 'Disable' : 'Enable'} ${rule.name}`)}
        >
          {rule.enabled ? t('rules.disable') : t('rules.enable')}
        </button>
      </td>
    </tr>
  );
}
