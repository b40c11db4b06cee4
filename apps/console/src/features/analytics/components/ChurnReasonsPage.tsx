import { useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../../api/client';
import { Chart } from '../../../components/Chart';
import { ErrorState, Loading } from '../../../components/ErrorState';
import { useI18n } from '../../../i18n/i18n';
import { report, useChurnReasons, useCourses, useFilters, type ChurnReasonsReport } from '../api/analytics';
import { reasonCounts } from '../api/figures';
import { AnalyticsFrame, ReportBody, Stat, useFigureFormat } from './parts';

/** Churn reasons (the five causes and "other") as recorded with resolved cases and call outcomes, by course. */
export function ChurnReasonsPage() {
  const { t } = useI18n();
  const { filters } = useFilters();
  const query = { from: filters.from, to: filters.to, courseId: filters.courseId, teamId: filters.teamId };
  const report = useChurnReasons(query);
  return (
    <AnalyticsFrame report="churn-reasons" title={t('analytics.reasons.title')} intro={t('analytics.reasons.intro')} csvQuery={query}>
      <ReportBody query={report}>{(r) => <Reasons report={r} />}</ReportBody>
      {report.data && !filters.courseId && <ReasonsByCourse query={query} />}
    </AnalyticsFrame>
  );
}

function Reasons({ report }: { report: ChurnReasonsReport }) {
  const { t } = useI18n();
  const f = useFigureFormat();
  const c = useMemo(() => reasonCounts(report), [report]);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { bottom: 0 },
      grid: { left: 150, right: 24, top: 8, bottom: 48 },
      yAxis: { type: 'category', inverse: true, data: c.reasons.map((r) => t(`churn.${r}` as 'churn.other')) },
      xAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', stack: 'n', name: t('analytics.fromCases'), data: c.fromCases },
        { type: 'bar', stack: 'n', name: t('analytics.fromCalls'), data: c.fromCalls },
      ],
    }),
    [c, t],
  );
  return (
    <>
      <div className="stats">
        <Stat label={t('analytics.reasons.total')} value={f.count(report.total)} />
      </div>
      {report.total === 0 ? (
        <p className="state muted">{t('analytics.reasons.none')}</p>
      ) : (
        <section className="card" aria-labelledby="reasons-title">
          <h2 id="reasons-title">{t('analytics.reasons.chart')}</h2>
          <Chart
            option={option}
            label={t('analytics.reasons.chart')}
            description={t('analytics.reasons.describe', { n: report.total })}
            figures={c}
            height={260}
          />
          <table className="plain-table numbers" aria-label="Churn reasons">
            <thead>
              <tr>
                <th scope="col">{t('analytics.reason')}</th>
                <th scope="col">{t('analytics.count')}</th>
                <th scope="col">{t('analytics.share')}</th>
                <th scope="col">{t('analytics.fromCases')}</th>
                <th scope="col">{t('analytics.fromCalls')}</th>
              </tr>
            </thead>
            <tbody>
              {report.reasons.map((r) => (
                <tr key={r.reason} data-reason={r.reason}>
                  <th scope="row">{t(`churn.${r.reason}` as 'churn.other')}</th>
                  <td>{f.count(r.count)}</td>
                  <td>{f.rate(r.share)}</td>
                  <td>{f.count(r.fromCases)}</td>
                  <td>{f.count(r.fromCalls)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}

/** The same distribution for each course in scope, side by side (one report per course). */
function ReasonsByCourse({ query }: { query: { from?: string; to?: string; teamId?: string } }) {
  const { t } = useI18n();
  const f = useFigureFormat();
  const courses = useCourses();
  const reports = useQueries({
    queries: (courses.data ?? []).map((c) => ({
      queryKey: ['analytics', 'churn-reasons', { ...query, courseId: c.id }],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        report<ChurnReasonsReport>(api.GET('/api/v1/analytics/churn-reasons', { params: { query: { ...query, courseId: c.id } }, signal })),
      staleTime: 60_000,
    })),
  });
  if (!courses.data?.length) return null;
  const reasons = reports.find((r) => r.data)?.data?.reasons.map((r) => r.reason) ?? [];
  return (
    <section className="card" aria-labelledby="reasons-course-title">
      <h2 id="reasons-course-title">{t('analytics.byCourse')}</h2>
      <div className="table-scroll">
        <table className="plain-table numbers" aria-label="Churn reasons by course">
          <thead>
            <tr>
              <th scope="col">{t('analytics.course')}</th>
              <th scope="col">{t('analytics.count')}</th>
              {reasons.map((r) => (
                <th key={r} scope="col">
                  {t(`churn.${r}` as 'churn.other')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {courses.data.map((c, i) => {
              const r = reports[i];
              return (
                <tr key={c.id} data-course={c.id}>
                  <th scope="row">{c.title}</th>
                  {r.data ? (
                    <>
                      <td>{f.count(r.data.total)}</td>
                      {reasons.map((reason) => {
                        const x = r.data.reasons.find((y) => y.reason === reason);
                        return <td key={reason}>{x ? f.count(x.count) : '—'}</td>;
                      })}
                    </>
                  ) : (
                    <td colSpan={reasons.length + 1}>{r.isError ? <ErrorState error={r.error} retry={() => r.refetch()} /> : <Loading />}</td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
