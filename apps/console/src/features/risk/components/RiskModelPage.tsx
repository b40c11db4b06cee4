import { useMemo } from 'react';
import type { Schemas } from '../../../api/client';
import { useSession } from '../../../app/auth';
import { Chart } from '../../../components/Chart';
import { ErrorState, Loading } from '../../../components/ErrorState';
import { useI18n, type MessageKey } from '../../../i18n/i18n';
import { isInFlight, useRiskModel, useTrainRisk, type RiskModel, type RiskReport } from '../api/risk';

/**
 * The learned risk model (admins and supervisors): how it does on held-out recent learners against the warning
 * rules at the same number of alerts, its calibration and what it weighs, or why there is none yet. Admins train it.
 */
export function RiskModelPage() {
  const { t, a11y } = useI18n();
  const current = useSession();
  const report = useRiskModel();
  const train = useTrainRisk();
  const isAdmin = current?.staff.role === 'admin';
  const busy = isInFlight(report.data) || train.isPending;
  return (
    <section className="page" aria-labelledby="risk-title">
      <div className="page-head">
        <div>
          <h1 id="risk-title">{t('risk.title')}</h1>
          <p className="muted">{t('risk.intro')}</p>
        </div>
        {isAdmin && (
          <div className="head-actions">
            <button
              type="button"
              className="primary"
              disabled={busy}
              aria-label={busy ? a11y(t('risk.training'), 'Training…') : a11y(t('risk.train'), 'Train now')}
              onClick={() => train.mutate()}
            >
              {busy ? t('risk.training') : t('risk.train')}
            </button>
          </div>
        )}
      </div>
      {train.isError && <ErrorState error={train.error} />}
      {report.isPending && <Loading />}
      {report.isError && <ErrorState error={report.error} retry={() => report.refetch()} />}
      {report.data && <RiskBody report={report.data} isAdmin={isAdmin} />}
    </section>
  );
}

function RiskBody({ report, isAdmin }: { report: RiskReport; isAdmin: boolean }) {
  const { t } = useI18n();
  const latest = report.latest;
  const notice = (() => {
    if (isInFlight(report))
      return (
        <p className="notice" role="status">
          {t('risk.status.training')}
        </p>
      );
    if (latest?.status === 'insufficient')
      return (
        <p className="notice notice-warn" role="status">
          {shortfallText(t, latest.shortfall)}
        </p>
      );
    if (latest?.status === 'failed')
      return (
        <p className="notice notice-warn" role="status">
          {t('risk.status.failed')}
        </p>
      );
    return null;
  })();
  if (!report.model)
    return (
      <>
        {notice}
        {!latest && (
          <div className="empty">
            <p className="empty-title">{t('risk.none')}</p>
            <p className="muted">{isAdmin ? t('risk.none.admin') : t('risk.none.other')}</p>
          </div>
        )}
      </>
    );
  return (
    <>
      {notice && latest && latest.version !== report.model.version && (
        <>
          {notice}
          <p className="muted small-text">{t('risk.stillActive', { version: report.model.version })}</p>
        </>
      )}
      {notice && (!latest || latest.version === report.model.version) && notice}
      <ModelFigures model={report.model} />
    </>
  );
}

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

function shortfallText(t: T, s: Schemas['RiskShortfallDto'] | null | undefined): string {
  if (!s) return t('risk.status.insufficient');
  if (s.code === 'history') return t('risk.shortfall.history', { minDays: s.minDays ?? 84 });
  if (s.code === 'training')
    return t('risk.shortfall.training', {
      enrollments: s.enrollments ?? 0,
      churned: s.churned ?? 0,
      minEnrollments: s.minEnrollments ?? 200,
      minChurned: s.minChurned ?? 20,
    });
  return t('risk.shortfall.test', { rows: s.rows ?? 0, churned: s.churned ?? 0, minRows: s.minRows ?? 50, minChurned: s.minChurned ?? 5 });
}

function verdictText(t: T, e: RiskModel['evaluation']): string {
  const v = e.verdict;
  const vars = { modelHits: e.model.hits, ruleHits: e.rules.hits, budget: e.budget };
  if (v.kind === 'model_better') {
    if (v.moreFound === null || v.moreFound >= 1) {
      if (!e.rules.hits) return t('risk.verdict.model_better_none', vars);
      const times = e.model.hits / e.rules.hits;
      return t('risk.verdict.model_better_times', { ...vars, times: times >= 10 ? Math.round(times) : Math.round(times * 10) / 10 });
    }
    return t('risk.verdict.model_better', { ...vars, more: `${Math.round(v.moreFound * 100)}%` });
  }
  if (v.kind === 'rules_better') return t('risk.verdict.rules_better', vars);
  if (v.kind === 'no_rule_alerts') return t('risk.verdict.no_rule_alerts', vars);
  return t('risk.verdict.rules_as_good', vars);
}

function ModelFigures({ model }: { model: RiskModel }) {
  const { t, fmt } = useI18n();
  const e = model.evaluation;
  const rate = (x: number | null | undefined) =>
    x === null || x === undefined ? '—' : fmt.number(x, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const auc = (x: number | null | undefined) => (x === null || x === undefined ? '—' : fmt.number(x, { minimumFractionDigits: 3, maximumFractionDigits: 3 }));
  const calibration = useMemo(
    () => ({
      deciles: e.calibration.map((b) => b.decile),
      predicted: e.calibration.map((b) => Math.round(b.predicted * 1000) / 10),
      observed: e.calibration.map((b) => Math.round(b.observed * 1000) / 10),
    }),
    [e.calibration],
  );
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', name: t('risk.calibration.decile'), nameLocation: 'middle', nameGap: 28, data: calibration.deciles },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        { type: 'bar', name: t('risk.calibration.predicted'), data: calibration.predicted },
        { type: 'line', name: t('risk.calibration.observed'), data: calibration.observed, symbolSize: 8 },
      ],
    }),
    [calibration, t],
  );
  const features = [...model.features].sort((a, b) => Math.abs(b.coefficient) - Math.abs(a.coefficient));
  return (
    <>
      <section className="card" aria-labelledby="risk-verdict">
        <h2 id="risk-verdict">{t('risk.verdict.title')}</h2>
        <p className="verdict" data-verdict={e.verdict.kind}>
          {verdictText(t, e)}
        </p>
        <p className="muted small-text">
          {t('risk.version', { version: model.version, at: fmt.dateTime(model.trainedAt) })} ·{' '}
          {t('risk.test', {
            rows: fmt.number(e.rows),
            from: model.testPeriod.from,
            to: model.testPeriod.to,
            churned: fmt.number(e.churned),
            rate: rate(e.baseRate),
          })}{' '}
          ·{' '}
          {t('risk.trainedOn', {
            rows: fmt.number(model.training.rows),
            enrollments: fmt.number(model.training.enrollments),
            from: model.trainingWindow.from,
            to: model.trainingWindow.to,
          })}
        </p>
        <div className="table-scroll">
          <table className="plain-table numbers" aria-label={t('risk.compare.title')} data-testid="risk-compare">
            <thead>
              <tr>
                <th scope="col">{t('risk.compare.measure')}</th>
                <th scope="col">{t('risk.compare.model')}</th>
                <th scope="col">{t('risk.compare.rules')}</th>
              </tr>
            </thead>
            <tbody>
              <tr data-row="alerts">
                <th scope="row">{t('risk.compare.alerts')}</th>
                <td>{fmt.number(e.model.flagged)}</td>
                <td>{fmt.number(e.rules.flagged)}</td>
              </tr>
              <tr data-row="hits">
                <th scope="row">{t('risk.compare.hits')}</th>
                <td>{fmt.number(e.model.hits)}</td>
                <td>{fmt.number(e.rules.hits)}</td>
              </tr>
              <tr data-row="precision">
                <th scope="row">{t('risk.compare.precision')}</th>
                <td>{rate(e.model.precision)}</td>
                <td>{rate(e.rules.precision)}</td>
              </tr>
              <tr data-row="recall">
                <th scope="row">{t('risk.compare.recall')}</th>
                <td>{rate(e.model.recall)}</td>
                <td>{rate(e.rules.recall)}</td>
              </tr>
              <tr data-row="auc">
                <th scope="row">{t('risk.compare.auc')}</th>
                <td>{auc(e.model.auc)}</td>
                <td>{auc(e.rules.auc)}</td>
              </tr>
            </tbody>
          </table>
        </div>
        <p className="muted small-text">{t('risk.compare.definitions', { rules: e.rules.ruleKeys.join(', ') })}</p>
      </section>
      <section className="card" aria-labelledby="risk-calibration">
        <h2 id="risk-calibration">{t('risk.calibration.title')}</h2>
        <Chart option={option} label={t('risk.calibration.title')} description={t('risk.calibration.describe')} figures={calibration} />
        <div className="table-scroll">
          <table className="plain-table numbers" aria-label={t('risk.calibration.title')}>
            <thead>
              <tr>
                <th scope="col">{t('risk.calibration.decile')}</th>
                <th scope="col">{t('risk.calibration.n')}</th>
                <th scope="col">{t('risk.calibration.predicted')}</th>
                <th scope="col">{t('risk.calibration.observed')}</th>
              </tr>
            </thead>
            <tbody>
              {e.calibration.map((b) => (
                <tr key={b.decile}>
                  <th scope="row">{b.decile}</th>
                  <td>{fmt.number(b.n)}</td>
                  <td>{rate(b.predicted)}</td>
                  <td>{rate(b.observed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section className="card" aria-labelledby="risk-features">
        <h2 id="risk-features">{t('risk.features.title')}</h2>
        <div className="table-scroll">
          <table className="plain-table numbers" aria-label={t('risk.features.title')}>
            <thead>
              <tr>
                <th scope="col">{t('risk.features.feature')}</th>
                <th scope="col">{t('risk.features.weight')}</th>
                <th scope="col">{t('risk.features.effect')}</th>
                <th scope="col">{t('risk.features.mean')}</th>
              </tr>
            </thead>
            <tbody>
              {features.map((f) => (
                <tr key={f.key} data-feature={f.key}>
                  <th scope="row">{t(`risk.feature.${f.key}` as MessageKey)}</th>
                  <td>{fmt.number(f.coefficient, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: 'exceptZero' })}</td>
                  <td>{f.coefficient > 0.05 ? t('risk.features.raises') : f.coefficient < -0.05 ? t('risk.features.lowers') : t('risk.features.little')}</td>
                  <td>{fmt.number(f.mean, { maximumFractionDigits: 2 })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
