import type { UseQueryResult } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { NavLink } from 'react-router';
import { useSession } from '../../../app/auth';
import { ErrorState, Loading } from '../../../components/ErrorState';
import { RelativeTime } from '../../../components/RelativeTime';
import { useI18n, type MessageKey } from '../../../i18n/i18n';
import { downloadCsv, useAnalyticsStatus, useCourses, useFilters, useTeams, type ReportPath } from '../api/analytics';

const TABS: Array<{ path: ReportPath; key: MessageKey }> = [
  { path: 'retention', key: 'analytics.tab.retention' },
  { path: 'first-week', key: 'analytics.tab.firstWeek' },
  { path: 'rules', key: 'analytics.tab.rules' },
  { path: 'churn-reasons', key: 'analytics.tab.reasons' },
  { path: 'advisors', key: 'analytics.tab.advisors' },
  { path: 'tickets', key: 'analytics.tab.tickets' },
];

/**
 * The frame of every analytics page: the tabs (the filters go along), the shared filters (period, course, team:
 * in the URL), when the outcomes were last computed, the CSV download and the page itself.
 */
export function AnalyticsFrame({
  report,
  title,
  intro,
  courseFilter = true,
  csvQuery,
  children,
  controls,
}: {
  report: ReportPath;
  title: string;
  intro: string;
  courseFilter?: boolean;
  csvQuery: Record<string, string | number | undefined>;
  children: ReactNode;
  controls?: ReactNode;
}) {
  const { t } = useI18n();
  const { search } = useFilters();
  const status = useAnalyticsStatus();
  return (
    <section className="page analytics" aria-labelledby="analytics-title">
      <nav className="tabs" aria-label={t('analytics.tabs')}>
        {TABS.map((tab) => (
          <NavLink key={tab.path} to={`/analytics/${tab.path}${search ? `?${search}` : ''}`} className="tab">
            {t(tab.key)}
          </NavLink>
        ))}
      </nav>
      <div className="page-head">
        <div>
          <h1 id="analytics-title">{title}</h1>
          <p className="muted">{intro}</p>
        </div>
        <div className="head-actions">
          {status.data && (
            <span className="muted small-text">
              {status.data.refreshedAt ? (
                <>
                  {t('analytics.refreshed')} <RelativeTime at={status.data.refreshedAt} />
                </>
              ) : (
                t('analytics.neverRefreshed')
              )}
            </span>
          )}
          <CsvButton report={report} query={csvQuery} />
        </div>
      </div>
      <FilterBar courseFilter={courseFilter} controls={controls} />
      {children}
    </section>
  );
}

function FilterBar({ courseFilter, controls }: { courseFilter: boolean; controls?: ReactNode }) {
  const { t, a11y } = useI18n();
  const { filters, set } = useFilters();
  const current = useSession();
  const courses = useCourses();
  const teams = useTeams();
  const bad = filters.from && filters.to && filters.from > filters.to;
  return (
    <form className="filters" aria-label={a11y(t('analytics.filters'), 'Filters') ?? t('analytics.filters')} onSubmit={(e) => e.preventDefault()}>
      <label className="filter">
        <span>{t('analytics.from')}</span>
        <input
          type="date"
          value={filters.from ?? ''}
          max={filters.to}
          onChange={(e) => set({ from: e.target.value || undefined })}
          aria-label={a11y(t('analytics.from'), 'From')}
        />
      </label>
      <label className="filter">
        <span>{t('analytics.to')}</span>
        <input
          type="date"
          value={filters.to ?? ''}
          min={filters.from}
          onChange={(e) => set({ to: e.target.value || undefined })}
          aria-label={a11y(t('analytics.to'), 'To')}
        />
      </label>
      {courseFilter && (
        <label className="filter">
          <span>{t('analytics.course')}</span>
          <select
            value={filters.courseId ?? ''}
            onChange={(e) => set({ courseId: e.target.value || undefined })}
            aria-label={a11y(t('analytics.course'), 'Course')}
          >
            <option value="">{t('analytics.allCourses')}</option>
            {courses.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="filter">
        <span>{t('analytics.team')}</span>
        <select value={filters.teamId ?? ''} onChange={(e) => set({ teamId: e.target.value || undefined })} aria-label={a11y(t('analytics.team'), 'Team')}>
          <option value="">{current?.staff.role === 'admin' ? t('analytics.allTeams') : t('analytics.myTeams')}</option>
          {teams.data?.map((team) => (
            <option key={team.id} value={team.id}>
              {team.name}
            </option>
          ))}
        </select>
      </label>
      {controls}
      {(filters.from || filters.to || filters.courseId || filters.teamId) && (
        <button type="button" className="small" onClick={() => set({ from: undefined, to: undefined, courseId: undefined, teamId: undefined })}>
          {t('analytics.clear')}
        </button>
      )}
      {bad && (
        <span className="field-error" role="alert">
          {t('analytics.badPeriod')}
        </span>
      )}
    </form>
  );
}

function CsvButton({ report, query }: { report: ReportPath; query: Record<string, string | number | undefined> }) {
  const { t, a11y } = useI18n();
  const [state, setState] = useState<'idle' | 'busy' | 'failed'>('idle');
  const download = () => {
    setState('busy');
    downloadCsv(report, query).then(
      () => setState('idle'),
      () => setState('failed'),
    );
  };
  return (
    <>
      <button
        type="button"
        className="small"
        onClick={download}
        disabled={state === 'busy'}
        aria-label={a11y(t('analytics.csv'), 'Download CSV') ?? t('analytics.csv')}
      >
        {t('analytics.csv')}
      </button>
      {state === 'failed' && (
        <span className="field-error" role="alert">
          {t('analytics.csv.failed')}
        </span>
      )}
    </>
  );
}

/** Formatting of the figures in the tables: a rate with one decimal, "—" when it cannot be measured yet. */
export function useFigureFormat() {
  const { fmt, t } = useI18n();
  const rate = (share: number | null | undefined) =>
    share === null || share === undefined ? '—' : fmt.number(share, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const count = (n: number) => fmt.number(n);
  const ofN = (k: number, n: number) => t('analytics.ofN', { k: fmt.number(k), n: fmt.number(n) });
  const hours = (minutes: number | null) =>
    minutes === null
      ? '—'
      : minutes < 60
        ? t('analytics.minutes', { m: fmt.number(Math.round(minutes)) })
        : t('analytics.hours', { h: fmt.number(minutes / 60, { maximumFractionDigits: 1 }) });
  const days = (d: number | null) => (d === null ? '—' : t('analytics.days', { d: fmt.number(d, { maximumFractionDigits: 1 }) }));
  return { rate, count, ofN, hours, days };
}

/** A figure with its label, for the summary row above a chart. */
export function Stat({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
      {detail && <span className="stat-detail muted">{detail}</span>}
    </div>
  );
}

export function ReportState({ empty, emptyText }: { empty: boolean; emptyText: string }) {
  return empty ? <p className="state muted">{emptyText}</p> : null;
}

/** A report's states: loading, the failure in words with a retry, then the report itself. */
export function ReportBody<T>({ query, children }: { query: UseQueryResult<T>; children: (report: T) => ReactNode }) {
  return (
    <>
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} retry={() => query.refetch()} />}
      {query.data !== undefined && children(query.data)}
    </>
  );
}
