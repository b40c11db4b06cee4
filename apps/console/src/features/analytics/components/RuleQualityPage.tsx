import { useMemo } from 'react';
import { Chart } from '../../../components/Chart';
import { useI18n } from '../../../i18n/i18n';
import { useFilters, useRuleQuality, type RulesReport } from '../api/analytics';
import { ruleQuality } from '../api/figures';
import { AnalyticsFrame, ReportBody, Stat, useFigureFormat } from './parts';

/** Rule quality: per warning rule, alerts, precision, recall, median lead time and the advisors' feedback. */
export function RuleQualityPage() {
  const { t } = useI18n();
  const { filters } = useFilters();
  const query = { from: filters.from, to: filters.to, courseId: filters.courseId, teamId: filters.teamId };
  const report = useRuleQuality(query);
  return (
    <AnalyticsFrame report="rules" title={t('analytics.rules.title')} intro={t('analytics.rules.intro')} csvQuery={query}>
      <ReportBody query={report}>{(r) => <RuleQuality report={r} />}</ReportBody>
    </AnalyticsFrame>
  );
}

function RuleQuality({ report }: { report: RulesReport }) {
  const { t } = useI18n();
  const f = useFigureFormat();
  const q = useMemo(() => ruleQuality(report), [report]);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '—' : `${v}%`) },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: q.names, axisLabel: { interval: 0, width: 120, overflow: 'truncate' } },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        { type: 'bar', name: t('analytics.precision'), data: q.precision },
        { type: 'bar', name: t('analytics.recall'), data: q.recall },
      ],
    }),
    [q, t],
  );
  if (!report.asOf) return <p className="state muted">{t('analytics.noOutcomes')}</p>;
  return (
    <>
      <div className="stats">
        <Stat label={t('analytics.rules.count')} value={f.count(report.rules.length)} />
        <Stat label={t('analytics.churnedEnrolments')} value={f.count(report.churnedEnrolments)} />
      </div>
      {report.rules.length === 0 ? (
        <p className="state muted">{t('analytics.empty')}</p>
      ) : (
        <section className="card" aria-labelledby="rq-title">
          <h2 id="rq-title">{t('analytics.rules.chart')}</h2>
          {![...q.precision, ...q.recall].some((v) => v !== null) && <p className="notice">{t('analytics.rules.noQuality')}</p>}
          <Chart option={option} label={t('analytics.rules.chart')} description={t('analytics.rules.describe', { n: q.rules.length })} figures={q} />
          <div className="table-scroll">
            <table className="plain-table numbers" aria-label="Rule quality">
              <thead>
                <tr>
                  <th scope="col">{t('analytics.rule')}</th>
                  <th scope="col">{t('analytics.alerts')}</th>
                  <th scope="col">{t('analytics.precision')}</th>
                  <th scope="col">{t('analytics.recall')}</th>
                  <th scope="col">{t('analytics.leadTime')}</th>
                  <th scope="col">{t('analytics.feedback')}</th>
                </tr>
              </thead>
              <tbody>
                {report.rules.map((r) => (
                  <tr key={r.ruleKey} data-rule={r.ruleKey} className={r.enabled ? undefined : 'is-closed'}>
                    <th scope="row">
                      {r.name}
                      {!r.enabled && <span className="tag">{t('rules.off')}</span>}
                    </th>
                    <td>{f.count(r.alerts)}</td>
                    <td title={f.ofN(r.churnedWithin30, r.precisionN)}>{f.rate(r.precision)}</td>
                    <td title={f.ofN(r.alertedBeforeChurn, r.recallN)}>{f.rate(r.recall)}</td>
                    <td>{f.days(r.medianLeadDays)}</td>
                    <td>{t('analytics.feedback.counts', { useful: r.feedback.useful, notUseful: r.feedback.not_useful, incorrect: r.feedback.incorrect })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small-text">{t('analytics.rules.definitions')}</p>
        </section>
      )}
    </>
  );
}
