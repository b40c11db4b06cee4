import { useCallback, useMemo } from 'react';
import { Chart } from '../../../components/Chart';
import { useI18n } from '../../../i18n/i18n';
import { useFilters, useTicketsReport, type SlaClockFigures, type TicketsReport } from '../api/analytics';
import { ticketTimes } from '../api/figures';
import { AnalyticsFrame, ReportBody, Stat, useFigureFormat } from './parts';

/** Tickets: first response and resolution (p50 and p90, business hours) and SLA compliance, by category and priority. */
export function TicketsReportPage() {
  const { t } = useI18n();
  const { filters } = useFilters();
  const query = { from: filters.from, to: filters.to, teamId: filters.teamId };
  const report = useTicketsReport(query);
  return (
    <AnalyticsFrame report="tickets" title={t('analytics.tickets.title')} intro={t('analytics.tickets.intro')} csvQuery={query} courseFilter={false}>
      <ReportBody query={report}>{(r) => <Tickets report={r} />}</ReportBody>
    </AnalyticsFrame>
  );
}

function Tickets({ report }: { report: TicketsReport }) {
  const { t } = useI18n();
  const f = useFigureFormat();
  const times = useMemo(() => ticketTimes(report), [report]);
  const groupName = useCallback((g: string) => (g === 'overall' ? t('analytics.overall') : t(`case.priority.${g}` as 'case.priority.high')), [t]);
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '—' : t('analytics.hours', { h: v })) },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: times.groups.map(groupName) },
      yAxis: { type: 'value', min: 0, name: t('analytics.businessHours'), nameLocation: 'middle', nameGap: 34 },
      series: [
        { type: 'bar', name: t('analytics.firstResponseP50'), data: times.firstResponseP50 },
        { type: 'bar', name: t('analytics.firstResponseP90'), data: times.firstResponseP90 },
        { type: 'bar', name: t('analytics.resolutionP50'), data: times.resolutionP50 },
        { type: 'bar', name: t('analytics.resolutionP90'), data: times.resolutionP90 },
      ],
    }),
    [times, groupName, t],
  );
  const o = report.overall;
  const rows: Array<{ key: string; name: string; g: TicketsReport['overall'] }> = [
    { key: 'overall', name: t('analytics.overall'), g: o },
    ...report.byPriority.map((p) => ({ key: `priority:${p.priority}`, name: groupName(p.priority), g: p })),
    ...report.byCategory.map((c) => ({ key: `category:${c.category}`, name: t(`ticket.category.${c.category}` as 'ticket.category.technical'), g: c })),
  ];
  const clock = (c: SlaClockFigures) => `${f.hours(c.p50Minutes)} / ${f.hours(c.p90Minutes)}`;
  return (
    <>
      <div className="stats">
        <Stat label={t('analytics.tickets.count')} value={f.count(o.tickets)} />
        <Stat
          label={t('analytics.firstResponseCompliance')}
          value={f.rate(o.firstResponse.compliance)}
          detail={f.ofN(o.firstResponse.met, o.firstResponse.met + o.firstResponse.breached)}
        />
        <Stat
          label={t('analytics.resolutionCompliance')}
          value={f.rate(o.resolution.compliance)}
          detail={f.ofN(o.resolution.met, o.resolution.met + o.resolution.breached)}
        />
      </div>
      {report.staleDurations > 0 && <p className="notice notice-warn">{t('analytics.tickets.stale', { n: report.staleDurations })}</p>}
      {o.tickets === 0 ? (
        <p className="state muted">{t('analytics.empty')}</p>
      ) : (
        <section className="card" aria-labelledby="tk-title">
          <h2 id="tk-title">{t('analytics.tickets.chart')}</h2>
          {![...times.firstResponseP50, ...times.resolutionP50].some((v) => v !== null) && <p className="notice">{t('analytics.tickets.noTimes')}</p>}
          <Chart option={option} label={t('analytics.tickets.chart')} description={t('analytics.tickets.describe')} figures={times} />
          <div className="table-scroll">
            <table className="plain-table numbers" aria-label="Ticket times">
              <thead>
                <tr>
                  <th scope="col">{t('analytics.group')}</th>
                  <th scope="col">{t('analytics.tickets.count')}</th>
                  <th scope="col">{t('analytics.firstResponse')}</th>
                  <th scope="col">{t('analytics.firstResponseCompliance')}</th>
                  <th scope="col">{t('analytics.resolution')}</th>
                  <th scope="col">{t('analytics.resolutionCompliance')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.key} data-group={r.key}>
                    <th scope="row">{r.name}</th>
                    <td>{f.count(r.g.tickets)}</td>
                    <td>{clock(r.g.firstResponse)}</td>
                    <td>{f.rate(r.g.firstResponse.compliance)}</td>
                    <td>{clock(r.g.resolution)}</td>
                    <td>{f.rate(r.g.resolution.compliance)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small-text">{t('analytics.tickets.definitions')}</p>
        </section>
      )}
    </>
  );
}
