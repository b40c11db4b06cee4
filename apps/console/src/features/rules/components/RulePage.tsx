import { useMemo, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { Chart } from '../../../components/Chart';
import { ErrorState, Loading } from '../../../components/ErrorState';
import { Field } from '../../../components/Field';
import { useFieldErrors } from '../../../components/form-errors';
import { useI18n, type MessageKey } from '../../../i18n/i18n';
import {
  backtest,
  checkParams,
  parseParams,
  RULE_TASK_KINDS,
  sameParams,
  SEVERITIES,
  useRule,
  useRuleKinds,
  useUpdateRule,
  workloadSeries,
  type BacktestResult,
  type ParamSpec,
  type RuleView,
} from '../api/rules';
import { RuleWords } from './RuleWords';

/** Admin: one warning rule. Change its thresholds, backtest the draft next to the current rule, then save. */
export function RulePage() {
  const { ruleKey = '' } = useParams();
  const { t } = useI18n();
  const rule = useRule(ruleKey);
  const kinds = useRuleKinds();
  const specs = kinds.data?.find((k) => k.kind === rule.data?.kind)?.params;
  return (
    <section className="page" aria-labelledby="rule-title">
      <p>
        <Link to="/admin/rules">← {t('rules.back')}</Link>
      </p>
      {(rule.isPending || kinds.isPending) && <Loading />}
      {rule.isError && <ErrorState error={rule.error} retry={() => rule.refetch()} />}
      {kinds.isError && <ErrorState error={kinds.error} retry={() => kinds.refetch()} />}
      {rule.data && specs && <RuleEditor key={rule.data.key} rule={rule.data} specs={specs} />}
    </section>
  );
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysAgo = (n: number) => isoDay(new Date(Date.now() - n * 86_400_000));

function RuleEditor({ rule, specs }: { rule: RuleView; specs: ParamSpec[] }) {
  const { t, a11y } = useI18n();
  const update = useUpdateRule(rule.key);
  const [name, setName] = useState(rule.name);
  const [params, setParams] = useState<Record<string, string>>(() => Object.fromEntries(specs.map((s) => [s.name, String(rule.params[s.name] ?? s.default)])));
  const [severity, setSeverity] = useState(rule.severity);
  const [taskKind, setTaskKind] = useState(rule.action.taskKind);
  const [dueHours, setDueHours] = useState(String(rule.action.dueWithinHours));
  const [cohort, setCohort] = useState(rule.cohortThreshold === null ? '' : String(Math.round(rule.cohortThreshold * 1000) / 10));
  const [enabled, setEnabled] = useState(rule.enabled);
  const [reason, setReason] = useState('');
  const [saved, setSaved] = useState(false);
  const [tested, setTested] = useState<{ params: Record<string, number>; current: BacktestResult; draft: BacktestResult } | null>(null);
  const [period, setPeriod] = useState({ from: daysAgo(60), to: daysAgo(1) });
  const [testing, setTesting] = useState<{ error?: unknown; busy: boolean }>({ busy: false });

  const paramErrors = checkParams(specs, params);
  const draftParams = parseParams(specs, params);
  const paramsChanged = !draftParams || !sameParams(draftParams, rule.params);
  const testedThisDraft = !!tested && !!draftParams && sameParams(tested.params, draftParams);
  const local: Record<string, string> = {};
  for (const [field, e] of Object.entries(paramErrors)) local[`params.${field}`] = t(e.key, e.vars);
  const hours = Number(dueHours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 720) local['action.dueWithinHours'] = t('rules.dueHours.range');
  const cohortShare = cohort.trim() === '' ? null : Number(cohort) / 100;
  if (cohortShare !== null && (!Number.isFinite(cohortShare) || cohortShare < 0 || cohortShare > 1)) local.cohortThreshold = t('rules.cohort.range');
  if (!name.trim()) local.name = t('rules.name.required');
  const { fieldError, apiError, fieldsNamed } = useFieldErrors(update.error, local);

  const runBacktest = async () => {
    if (!draftParams) return;
    if (period.from > period.to) {
      setTesting({ busy: false, error: new Error(t('analytics.badPeriod')) });
      return;
    }
    setTesting({ busy: true });
    try {
      const q = { kind: rule.kind, from: period.from, to: period.to };
      // One after the other: careloop runs few backtests at once.
      const c = await backtest({ ...q, params: rule.params });
      const d = sameParams(draftParams, rule.params) ? c : await backtest({ ...q, params: draftParams });
      setTested({ params: draftParams, current: c, draft: d });
      setTesting({ busy: false });
    } catch (error) {
      setTesting({ busy: false, error });
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    if (Object.keys(local).length || !draftParams) return;
    if (paramsChanged && !testedThisDraft) return;
    update.mutate(
      {
        name: name.trim(),
        params: draftParams,
        severity: severity as 'high',
        action: { taskKind: taskKind as (typeof RULE_TASK_KINDS)[number], dueWithinHours: hours },
        cohortThreshold: cohortShare,
        enabled,
        ...(reason.trim() ? { reason: reason.trim() } : {}),
      },
      { onSuccess: () => (setSaved(true), setReason('')) },
    );
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1 id="rule-title">{rule.name}</h1>
          <p className="muted">
            <RuleWords kind={rule.kind} params={rule.params} />
          </p>
        </div>
      </div>
      <form className="card form-grid" onSubmit={submit} noValidate aria-label={a11y(t('rules.editor'), 'Rule') ?? t('rules.editor')}>
        <Field label={t('rules.name')} accessibleName="Name" error={fieldError('name')}>
          <input type="text" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('rules.severity')} accessibleName="Severity" error={fieldError('severity')}>
          <select value={severity} onChange={(e) => setSeverity(e.target.value as RuleView['severity'])}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`severity.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="param-set">
          <legend>{t('rules.thresholds')}</legend>
          {specs.map((s) => (
            <Field
              key={s.name}
              label={t(`rules.param.${s.name}` as MessageKey)}
              accessibleName={PARAM_NAMES[s.name] ?? s.name}
              error={fieldError(`params.${s.name}`)}
              hint={rangeHint(t, s)}
            >
              <input
                type="number"
                inputMode={s.integer ? 'numeric' : 'decimal'}
                step={s.integer ? 1 : 0.01}
                min={s.min}
                max={s.max}
                value={params[s.name] ?? ''}
                onChange={(e) => setParams((cur) => ({ ...cur, [s.name]: e.target.value }))}
              />
            </Field>
          ))}
          {draftParams && (
            <p className="muted small-text">
              {t('rules.draftWords')} <RuleWords kind={rule.kind} params={draftParams} />
            </p>
          )}
        </fieldset>
        <Field label={t('rules.taskKind')} accessibleName="Task" error={fieldError('action.taskKind')}>
          <select value={taskKind} onChange={(e) => setTaskKind(e.target.value as RuleView['action']['taskKind'])}>
            {RULE_TASK_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`task.kind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('rules.dueHours')} accessibleName="Due within hours" error={fieldError('action.dueWithinHours')}>
          <input type="number" min={1} max={720} step={1} value={dueHours} onChange={(e) => setDueHours(e.target.value)} />
        </Field>
        <Field label={t('rules.cohortThreshold')} accessibleName="Cohort alert at" error={fieldError('cohortThreshold')} hint={t('rules.cohortThreshold.hint')}>
          <input type="number" min={0} max={100} step={0.1} value={cohort} onChange={(e) => setCohort(e.target.value)} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> {t('rules.enabled')}
        </label>
        <Field label={t('rules.reason')} accessibleName="Reason" error={fieldError('reason')} hint={t('rules.reason.hint')}>
          <textarea rows={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>

        <Backtest
          rule={rule}
          period={period}
          setPeriod={setPeriod}
          run={runBacktest}
          busy={testing.busy}
          error={testing.error}
          tested={testedThisDraft ? tested : null}
          stale={!!tested && !testedThisDraft}
          canRun={!!draftParams}
        />

        <div className="dialog-actions">
          {paramsChanged && !testedThisDraft && draftParams && <span className="muted">{t('rules.save.needsBacktest')}</span>}
          {apiError && !fieldsNamed && (
            <span className="form-error" role="alert">
              {apiError.message}
            </span>
          )}
          {saved && (
            <span role="status" className="muted">
              {t('rules.saved')}
            </span>
          )}
          <button
            type="submit"
            className="primary"
            disabled={update.isPending || (paramsChanged && !testedThisDraft)}
            aria-label={a11y(t('rules.save'), 'Save rule') ?? t('rules.save')}
          >
            {update.isPending ? t('state.saving') : t('rules.save')}
          </button>
        </div>
      </form>
    </>
  );
}

/** Stable English names of the parameter inputs (tests and assistive tech find them by these). */
const PARAM_NAMES: Record<string, string> = {
  days: 'Days without a login',
  ratio: 'Share of the expected pace',
  graceDays: 'Grace days',
  lateDays: 'Days late',
  count: 'How many',
  dropRatio: 'Share of the week before',
  weeks: 'Weeks running',
  threshold: 'Risk threshold',
};

function rangeHint(t: ReturnType<typeof useI18n>['t'], s: ParamSpec): string {
  if (s.minExclusive) return t('rules.param.hint.above', { min: s.min, max: s.max, default: s.default });
  return t(s.integer ? 'rules.param.hint.whole' : 'rules.param.hint.range', { min: s.min, max: s.max, default: s.default });
}

function Backtest({
  rule,
  period,
  setPeriod,
  run,
  busy,
  error,
  tested,
  stale,
  canRun,
}: {
  rule: RuleView;
  period: { from: string; to: string };
  setPeriod: (p: { from: string; to: string }) => void;
  run: () => void;
  busy: boolean;
  error: unknown;
  tested: { params: Record<string, number>; current: BacktestResult; draft: BacktestResult } | null;
  stale: boolean;
  canRun: boolean;
}) {
  const { t, a11y, fmt } = useI18n();
  const series = useMemo(() => (tested ? workloadSeries(tested.current, tested.draft) : null), [tested]);
  const option = useMemo(
    () =>
      series && {
        tooltip: { trigger: 'axis' },
        legend: { bottom: 0 },
        grid: { left: 40, right: 16, top: 16, bottom: 56 },
        xAxis: { type: 'category', data: series.days, axisLabel: { formatter: (d: string) => d.slice(5) } },
        yAxis: { type: 'value', minInterval: 1, name: t('rules.bt.perDay'), nameLocation: 'middle', nameGap: 28 },
        series: [
          { type: 'line', name: t('rules.bt.current'), data: series.current, showSymbol: false, lineStyle: { type: 'dashed' } },
          { type: 'bar', name: t('rules.bt.draft'), data: series.draft, barMaxWidth: 10 },
        ],
      },
    [series, t],
  );
  const rate = (x: number | null) => (x === null ? '—' : fmt.number(x, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }));
  const rows: Array<{ key: string; label: string; value: (r: BacktestResult) => string }> = [
    { key: 'alertsOpened', label: t('rules.bt.alertsOpened'), value: (r) => fmt.number(r.totals.alertsOpened) },
    { key: 'learners', label: t('rules.bt.learners'), value: (r) => fmt.number(r.totals.distinctLearners) },
    { key: 'avgDaily', label: t('rules.bt.avgDaily'), value: (r) => fmt.number(r.totals.avgDailyWorkload, { maximumFractionDigits: 1 }) },
    { key: 'maxDaily', label: t('rules.bt.maxDaily'), value: (r) => fmt.number(r.totals.maxDailyWorkload) },
    { key: 'precision', label: t('analytics.precision'), value: (r) => rate(r.quality.precision) },
    { key: 'recall', label: t('analytics.recall'), value: (r) => rate(r.quality.recall) },
    {
      key: 'lead',
      label: t('analytics.leadTime'),
      value: (r) => (r.quality.medianLeadDays === null ? '—' : t('analytics.days', { d: fmt.number(r.quality.medianLeadDays, { maximumFractionDigits: 1 }) })),
    },
  ];
  return (
    <section className="backtest" aria-labelledby="bt-title">
      <h2 id="bt-title">{t('rules.bt.title')}</h2>
      <p className="muted small-text">{t('rules.bt.intro')}</p>
      <div className="filters">
        <label className="filter">
          <span>{t('analytics.from')}</span>
          <input
            type="date"
            value={period.from}
            max={period.to}
            onChange={(e) => setPeriod({ ...period, from: e.target.value })}
            aria-label={a11y(t('analytics.from'), 'Backtest from')}
          />
        </label>
        <label className="filter">
          <span>{t('analytics.to')}</span>
          <input
            type="date"
            value={period.to}
            min={period.from}
            onChange={(e) => setPeriod({ ...period, to: e.target.value })}
            aria-label={a11y(t('analytics.to'), 'Backtest to')}
          />
        </label>
        <button type="button" onClick={run} disabled={busy || !canRun} aria-label={a11y(t('rules.bt.run'), 'Run backtest') ?? t('rules.bt.run')}>
          {busy ? t('rules.bt.running') : t('rules.bt.run')}
        </button>
      </div>
      {error !== undefined && <ErrorState error={error} retry={run} />}
      {stale && <p className="notice notice-warn">{t('rules.bt.stale')}</p>}
      {tested && series && option && (
        <>
          <Chart option={option} label={t('rules.bt.chart')} description={t('rules.bt.describe', { days: series.days.length })} figures={series} height={260} />
          <table className="plain-table numbers" aria-label="Backtest">
            <thead>
              <tr>
                <th scope="col">{t('rules.bt.measure')}</th>
                <th scope="col">{t('rules.bt.current')}</th>
                <th scope="col">{t('rules.bt.draft')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} data-measure={r.key}>
                  <th scope="row">{r.label}</th>
                  <td>{r.value(tested.current)}</td>
                  <td>{r.value(tested.draft)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="muted small-text">
            {t('rules.bt.footnote', { from: tested.draft.from, to: tested.draft.to, zone: tested.draft.timezone })}{' '}
            <RuleWords kind={rule.kind} params={tested.params} />
          </p>
        </>
      )}
    </section>
  );
}
