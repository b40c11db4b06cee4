import { useMemo } from 'react';
import { Chart } from '../../../components/Chart';
import { useI18n } from '../../../i18n/i18n';
import { useAdvisorsReport, useFilters, type AdvisorsReport } from '../api/analytics';
import { advisorLoad } from '../api/figures';
import { AnalyticsFrame, ReportBody, useFigureFormat } from './parts';

/** Advisors: open cases, calls done and overdue, time to first contact and case outcomes, per advisor. */
export function AdvisorsReportPage() {
  const { t } = useI18n();
  const { filters } = useFilters();
  const query = { from: filters.from, to: filters.to, teamId: filters.teamId };
  const report = useAdvisorsReport(query);
  return (
    <AnalyticsFrame report="advisors" title={t('analytics.advisors.title')} intro={t('analytics.advisors.intro')} csvQuery={query} courseFilter={false}>
      <ReportBody query={report}>{(r) => <Advisors report={r} />}</ReportBody>
    </AnalyticsFrame>
  );
}

function Advisors({ report }: { report: AdvisorsReport }) {
  const { t } = useI18n();
  const f = useFigureFormat();
  const load = useMemo(() => advisorLoad(report), [report]);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0 },
      grid: { left: 120, right: 24, top: 8, bottom: 48 },
      yAxis: { type: 'category', inverse: true, data: load.advisors },
      xAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', stack: 'calls', name: t('analytics.tasksDone'), data: load.done },
        { type: 'bar', stack: 'calls', name: t('analytics.tasksOverdue'), data: load.overdue, itemStyle: { color: '#be123c' } },
      ],
    }),
    [load, t],
  );
  if (report.advisors.length === 0) return <p className="state muted">{t('analytics.empty')}</p>;
  return (
    <section className="card" aria-labelledby="adv-title">
      <h2 id="adv-title">{t('analytics.advisors.chart')}</h2>
      <Chart
        option={option}
        label={t('analytics.advisors.chart')}
        description={t('analytics.advisors.describe', { n: load.advisors.length })}
        figures={load}
        height={Math.max(220, 28 * load.advisors.length + 70)}
      />
      <div className="table-scroll">
        <table className="plain-table numbers" aria-label="Advisors">
          <thead>
            <tr>
              <th scope="col">{t('analytics.advisor')}</th>
              <th scope="col">{t('analytics.openCases')}</th>
              <th scope="col">{t('analytics.tasksDone')}</th>
              <th scope="col">{t('analytics.tasksOverdue')}</th>
              <th scope="col">{t('analytics.reached')}</th>
              <th scope="col">{t('analytics.firstContact')}</th>
              <th scope="col">{t('analytics.outcomes')}</th>
            </tr>
          </thead>
          <tbody>
            {report.advisors.map((a) => (
              <tr key={a.advisorId} data-advisor={a.advisorId}>
                <th scope="row">
                  {a.name}
                  {a.status !== 'active' && <span className="tag">{t(`staff.status.${a.status}` as 'staff.status.away')}</span>}
                </th>
                <td>{f.count(a.openCases)}</td>
                <td>{f.count(a.tasksDone)}</td>
                <td className={a.tasksOverdue ? 'is-bad' : undefined}>{f.count(a.tasksOverdue)}</td>
                <td>{f.count(a.callsReached)}</td>
                <td title={t('analytics.firstContact.n', { n: a.firstContactN })}>{f.hours(a.medianFirstContactMinutes)}</td>
                <td>
                  {t('analytics.outcomes.counts', {
                    retained: a.outcomes.retained,
                    churned: a.outcomes.churned,
                    unreachable: a.outcomes.unreachable,
                    notAtRisk: a.outcomes.not_at_risk,
                  })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
