import { useMemo } from 'react';
import { Chart } from '../../../components/Chart';
import { useI18n } from '../../../i18n/i18n';
import { useFilters, useRetention, type RetentionReport } from '../api/analytics';
import { cohortChurn, MIN_CURVE_ENROLMENTS, retentionCurves } from '../api/figures';
import { AnalyticsFrame, ReportBody, ReportState, Stat, useFigureFormat } from './parts';

/** Retention: churn at 30/60/90 days and renewal per enrolment cohort (week or month), the curves, per course. */
export function RetentionPage() {
  const { t, a11y } = useI18n();
  const { filters, set } = useFilters(['cohort']);
  const cohort = filters.cohort === 'week' ? 'week' : 'month';
  const query = { from: filters.from, to: filters.to, courseId: filters.courseId, teamId: filters.teamId, cohort } as const;
  const report = useRetention(query);
  const controls = (
    <label className="filter">
      <span>{t('analytics.cohortBy')}</span>
      <select
        value={cohort}
        onChange={(e) => set({ cohort: e.target.value === 'week' ? 'week' : undefined })}
        aria-label={a11y(t('analytics.cohortBy'), 'Cohort by')}
      >
        <option value="month">{t('analytics.cohort.month')}</option>
        <option value="week">{t('analytics.cohort.week')}</option>
      </select>
    </label>
  );
  return (
    <AnalyticsFrame report="retention" title={t('analytics.retention.title')} intro={t('analytics.retention.intro')} csvQuery={query} controls={controls}>
      <ReportBody query={report}>{(r) => <Retention report={r} />}</ReportBody>
    </AnalyticsFrame>
  );
}

function Retention({ report }: { report: RetentionReport }) {
  const { t } = useI18n();
  const f = useFigureFormat();
  const curves = useMemo(() => retentionCurves(report), [report]);
  const churn = useMemo(() => cohortChurn(report), [report]);
  const curveOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 76 },
      xAxis: { type: 'value', name: t('analytics.week'), nameLocation: 'middle', nameGap: 26, min: 0, minInterval: 1 },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: curves.map((c) => ({ type: 'line', name: c.cohort, data: c.points, showSymbol: false, connectNulls: false })),
    }),
    [curves, t],
  );
  const churnOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '—' : `${v}%`) },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: churn.cohorts },
      yAxis: { type: 'value', min: 0, axisLabel: { formatter: '{value}%' } },
      series: [
        { type: 'bar', name: t('analytics.churnAt', { d: 30 }), data: churn.churn[30] },
        { type: 'bar', name: t('analytics.churnAt', { d: 60 }), data: churn.churn[60] },
        { type: 'bar', name: t('analytics.churnAt', { d: 90 }), data: churn.churn[90] },
        { type: 'line', name: t('analytics.renewal'), data: churn.renewal, connectNulls: false },
      ],
    }),
    [churn, t],
  );
  const total = report.total;
  if (!report.asOf) return <p className="state muted">{t('analytics.noOutcomes')}</p>;
  return (
    <>
      <div className="stats">
        <Stat label={t('analytics.enrolments')} value={f.count(total.enrolments)} />
        <Stat label={t('analytics.churn30')} value={f.rate(total.churnRate30)} detail={f.ofN(total.churned30, total.mature30)} />
        <Stat label={t('analytics.churn90')} value={f.rate(total.churnRate90)} detail={f.ofN(total.churned90, total.mature90)} />
        <Stat label={t('analytics.renewal')} value={f.rate(total.renewalRate)} detail={f.ofN(total.renewed, total.renewalDue)} />
      </div>
      <ReportState empty={report.cohorts.length === 0} emptyText={t('analytics.empty')} />
      {report.cohorts.length > 0 && (
        <>
          <div className="chart-grid">
            <section className="card" aria-labelledby="curves-title">
              <h2 id="curves-title">{t('analytics.curves')}</h2>
              <Chart option={curveOption} label={t('analytics.curves')} description={t('analytics.curves.describe', { n: curves.length })} figures={curves} />
              <p className="muted small-text">{t('analytics.curves.minN', { n: MIN_CURVE_ENROLMENTS })}</p>
            </section>
            <section className="card" aria-labelledby="cohort-churn-title">
              <h2 id="cohort-churn-title">{t('analytics.cohortChurn')}</h2>
              <Chart
                option={churnOption}
                label={t('analytics.cohortChurn')}
                description={t('analytics.cohortChurn.describe', { n: churn.cohorts.length })}
                figures={churn}
              />
            </section>
          </div>
          <section className="card" aria-labelledby="cohort-table-title">
            <h2 id="cohort-table-title">{t('analytics.byCohort')}</h2>
            <div className="table-scroll">
              <table className="plain-table numbers" aria-label="Cohorts">
                <RetentionHead first={t('analytics.cohort')} />
                <tbody>
                  {[...report.cohorts, total].map((c) => (
                    <tr key={c.cohort} data-cohort={c.cohort} className={c.cohort === 'total' ? 'total-row' : undefined}>
                      <th scope="row">{c.cohort === 'total' ? t('analytics.total') : c.cohort}</th>
                      <RetentionCells figures={c} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
      {report.byCourse.length > 0 && (
        <section className="card" aria-labelledby="course-table-title">
          <h2 id="course-table-title">{t('analytics.byCourse')}</h2>
          <div className="table-scroll">
            <table className="plain-table numbers" aria-label="Courses">
              <RetentionHead first={t('analytics.course')} />
              <tbody>
                {report.byCourse.map((c) => (
                  <tr key={c.courseId} data-course={c.courseId}>
                    <th scope="row">{c.courseTitle}</th>
                    <RetentionCells figures={c} />
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

type RetentionFigures = RetentionReport['total'] | RetentionReport['byCourse'][number];

function RetentionHead({ first }: { first: string }) {
  const { t } = useI18n();
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        <th scope="col">{t('analytics.enrolments')}</th>
        <th scope="col">{t('analytics.churn30')}</th>
        <th scope="col">{t('analytics.churn60')}</th>
        <th scope="col">{t('analytics.churn90')}</th>
        <th scope="col">{t('analytics.renewal')}</th>
      </tr>
    </thead>
  );
}

/** Enrolments, churn at 30/60/90 days and renewal, each rate with its "k of n" on hover. */
function RetentionCells({ figures: c }: { figures: RetentionFigures }) {
  const f = useFigureFormat();
  return (
    <>
      <td>{f.count(c.enrolments)}</td>
      <td title={f.ofN(c.churned30, c.mature30)}>{f.rate(c.churnRate30)}</td>
      <td title={f.ofN(c.churned60, c.mature60)}>{f.rate(c.churnRate60)}</td>
      <td title={f.ofN(c.churned90, c.mature90)}>{f.rate(c.churnRate90)}</td>
      <td title={f.ofN(c.renewed, c.renewalDue)}>{f.rate(c.renewalRate)}</td>
    </>
  );
}
