import { useCallback, useMemo } from 'react';
import { Chart, CHART_COLORS } from '../../../components/Chart';
import { useI18n } from '../../../i18n/i18n';
import { useFilters, useFirstWeek, type FirstWeekReport } from '../api/analytics';
import { churnAt, GROUPS, groupChurn, HORIZONS, upliftPoints, verdictZh, type Horizon } from '../api/figures';
import { AnalyticsFrame, ReportBody, Stat, useFigureFormat } from './parts';

/**
 * Does the first week work? Churn of learners whose first-week calls reached them (covered), of those they did not
 * reach (not covered) and of the random holdout, at 30/60/90 days; the holdout uplift with its 95% interval, drawn
 * as an interval, and the API's verdict in words; coverage of the program.
 */
export function FirstWeekPage() {
  const { t, a11y } = useI18n();
  const { filters, set } = useFilters(['horizonDays']);
  const horizon = (HORIZONS as number[]).includes(Number(filters.horizonDays)) ? (Number(filters.horizonDays) as Horizon) : 30;
  const query = { from: filters.from, to: filters.to, courseId: filters.courseId, teamId: filters.teamId, horizonDays: horizon };
  const report = useFirstWeek(query);
  const controls = (
    <label className="filter">
      <span>{t('analytics.horizon')}</span>
      <select
        value={horizon}
        onChange={(e) => set({ horizonDays: e.target.value === '30' ? undefined : e.target.value })}
        aria-label={a11y(t('analytics.horizon'), 'Horizon')}
      >
        {HORIZONS.map((h) => (
          <option key={h} value={h}>
            {t('analytics.horizon.days', { d: h })}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <AnalyticsFrame report="first-week" title={t('analytics.firstWeek.title')} intro={t('analytics.firstWeek.intro')} csvQuery={query} controls={controls}>
      <ReportBody query={report}>{(r) => <FirstWeek report={r} />}</ReportBody>
    </AnalyticsFrame>
  );
}

function FirstWeek({ report }: { report: FirstWeekReport }) {
  const { t, locale } = useI18n();
  const f = useFigureFormat();
  const churn = useMemo(() => groupChurn(report), [report]);
  const uplift = useMemo(() => upliftPoints(report), [report]);
  const groupName = useCallback((g: (typeof GROUPS)[number]) => t(`analytics.group.${g}`), [t]);
  const churnOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '—' : `${v}%`) },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: HORIZONS.map((h) => t('analytics.horizon.days', { d: h })) },
      yAxis: { type: 'value', min: 0, axisLabel: { formatter: '{value}%' } },
      series: GROUPS.map((g) => ({
        type: 'bar',
        name: groupName(g),
        data: churn[g],
        label: { show: true, position: 'top', formatter: (p: { value: number | null }) => (p.value === null ? '' : `${p.value}%`) },
      })),
    }),
    [churn, groupName, t],
  );
  const upliftOption = useMemo(() => {
    if (!uplift) return null;
    const lo = Math.min(uplift.low, 0) - 2;
    const hi = Math.max(uplift.high, 0) + 2;
    return {
      grid: { left: 24, right: 24, top: 24, bottom: 40 },
      xAxis: {
        type: 'value',
        min: Math.floor(lo),
        max: Math.ceil(hi),
        axisLabel: { formatter: (v: number) => t('analytics.pt', { p: v }) },
        name: t('analytics.uplift.axis'),
        nameLocation: 'middle',
        nameGap: 26,
      },
      yAxis: { type: 'category', data: [''], axisLine: { show: false }, axisTick: { show: false } },
      tooltip: { show: false },
      series: [
        {
          type: 'custom',
          name: t('analytics.uplift.interval'),
          renderItem: (_: unknown, api: { coord: (v: [number, number]) => [number, number]; style: (s: object) => object }) => {
            const [x0, y] = api.coord([uplift.low, 0]);
            const [x1] = api.coord([uplift.high, 0]);
            const line = { stroke: CHART_COLORS[0], lineWidth: 3 };
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: x0, y1: y, x2: x1, y2: y }, style: line },
                { type: 'line', shape: { x1: x0, y1: y - 10, x2: x0, y2: y + 10 }, style: line },
                { type: 'line', shape: { x1: x1, y1: y - 10, x2: x1, y2: y + 10 }, style: line },
              ],
            };
          },
          data: [[uplift.low, 0]],
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { color: '#475569', type: 'dashed' },
            label: { formatter: t('analytics.uplift.none') },
            data: [{ xAxis: 0 }],
          },
        },
        {
          type: 'scatter',
          name: t('analytics.uplift.difference'),
          data: [[uplift.difference, 0]],
          symbolSize: 14,
          itemStyle: { color: CHART_COLORS[1] },
          label: { show: true, position: 'top', formatter: t('analytics.pt', { p: uplift.difference }) },
        },
      ],
    };
  }, [uplift, t]);
  if (!report.asOf) return <p className="state muted">{t('analytics.noOutcomes')}</p>;
  const u = report.uplift;
  const h = report.horizonDays as Horizon;
  return (
    <>
      <div className="stats">
        <Stat label={t('analytics.coverage')} value={f.rate(report.coverage.share)} detail={f.ofN(report.coverage.covered, report.coverage.eligible)} />
        <Stat label={t('analytics.inFirstWeek')} value={f.count(report.inFirstWeek)} />
        <Stat label={t('analytics.holdoutChurn', { d: h })} value={f.rate(u.holdoutChurn)} detail={f.ofN(u.holdoutChurned, u.holdoutN)} />
        <Stat label={t('analytics.treatedChurn', { d: h })} value={f.rate(u.treatedChurn)} detail={f.ofN(u.treatedChurned, u.treatedN)} />
      </div>
      <section className={`card verdict ${u.conclusive ? 'verdict-conclusive' : 'verdict-open'}`} aria-labelledby="verdict-title">
        <h2 id="verdict-title">{t('analytics.verdict')}</h2>
        {/* The API's verdict is English; in Chinese the same figures are said in Chinese. */}
        <p className="verdict-text" data-verdict={u.verdict}>
          {locale === 'en' ? u.verdict : verdictZh(u)}
        </p>
        {uplift && upliftOption ? (
          <Chart
            option={upliftOption}
            label={t('analytics.uplift')}
            description={t('analytics.uplift.describe', { d: uplift.difference, lo: uplift.low, hi: uplift.high })}
            figures={uplift}
            height={120}
          />
        ) : (
          <p className="muted">{t('analytics.uplift.notYet')}</p>
        )}
      </section>
      <section className="card" aria-labelledby="groups-title">
        <h2 id="groups-title">{t('analytics.groups')}</h2>
        <Chart option={churnOption} label={t('analytics.groups')} description={t('analytics.groups.describe')} figures={churn} />
        <div className="table-scroll">
          <table className="plain-table numbers" aria-label="Groups">
            <thead>
              <tr>
                <th scope="col">{t('analytics.group')}</th>
                <th scope="col">{t('analytics.enrolments')}</th>
                {HORIZONS.map((d) => (
                  <th key={d} scope="col">
                    {t('analytics.churnAt', { d })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {GROUPS.map((g) => (
                <tr key={g} data-group={g}>
                  <th scope="row">{groupName(g)}</th>
                  <td>{f.count(report.groups[g].enrolments)}</td>
                  {HORIZONS.map((d) => {
                    const c = churnAt(report.groups[g], d);
                    return (
                      <td key={d} title={f.ofN(c.churned, c.mature)}>
                        {f.rate(c.rate)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {report.byCourse.length > 0 && (
        <section className="card" aria-labelledby="fw-course-title">
          <h2 id="fw-course-title">{t('analytics.byCourse')}</h2>
          <div className="table-scroll">
            <table className="plain-table numbers" aria-label="Courses">
              <thead>
                <tr>
                  <th scope="col">{t('analytics.course')}</th>
                  <th scope="col">{t('analytics.coverage')}</th>
                  <th scope="col">{t('analytics.holdoutChurn', { d: h })}</th>
                  <th scope="col">{t('analytics.treatedChurn', { d: h })}</th>
                  <th scope="col">{t('analytics.uplift')}</th>
                </tr>
              </thead>
              <tbody>
                {report.byCourse.map((c) => (
                  <tr key={c.courseId} data-course={c.courseId}>
                    <th scope="row">{c.courseTitle}</th>
                    <td>{f.rate(c.coverage.share)}</td>
                    <td>{f.rate(c.uplift.holdoutChurn)}</td>
                    <td>{f.rate(c.uplift.treatedChurn)}</td>
                    <td>{c.uplift.difference === null ? '—' : t('analytics.points', { p: (Math.round(c.uplift.difference * 1000) / 10).toFixed(1) })}</td>
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
