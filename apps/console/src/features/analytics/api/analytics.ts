import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, ApiError, call, type Schemas } from '../../../api/client';
import { session } from '../../../api/session';

export type RetentionReport = Schemas['RetentionReportDto'];
export type FirstWeekReport = Schemas['FirstWeekReportDto'];
export type RulesReport = Schemas['RulesReportDto'];
export type ChurnReasonsReport = Schemas['ChurnReasonsReportDto'];
export type AdvisorsReport = Schemas['AdvisorsReportDto'];
export type TicketsReport = Schemas['TicketsReportDto'];
export type ChurnFigures = Schemas['ChurnFiguresDto'];
export type SlaClockFigures = Schemas['SlaClockFiguresDto'];

/** The filters every analytics page shares, kept in the URL so a view can be bookmarked and sent on. */
export interface Filters {
  from?: string;
  to?: string;
  courseId?: string;
  teamId?: string;
}

const FILTER_KEYS = ['from', 'to', 'courseId', 'teamId'] as const;

/** Filters (and a page's own parameters, e.g. `cohort`) read from and written to the URL. */
export function useFilters<K extends string = never>(extra: readonly K[] = []) {
  const [params, setParams] = useSearchParams();
  const filters: Filters & Partial<Record<K, string>> = {};
  for (const k of [...FILTER_KEYS, ...extra]) {
    const v = params.get(k);
    if (v) (filters as Record<string, string>)[k] = v;
  }
  const set = (patch: Partial<Record<(typeof FILTER_KEYS)[number] | K, string | undefined>>) => {
    setParams(
      (cur) => {
        const next = new URLSearchParams(cur);
        for (const [k, v] of Object.entries(patch)) {
          if (v) next.set(k, v as string);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  };
  return { filters, set, search: params.toString() };
}

const opts = { placeholderData: keepPreviousData, staleTime: 60_000 } as const;

/** The reports also answer text/csv, so their typed result is "report or string": the console asks for JSON. */
export async function report<T>(request: Promise<unknown>): Promise<Exclude<T, string>> {
  return (await call(request as Promise<{ data?: T; error?: unknown; response: Response }>)) as Exclude<T, string>;
}

export function useRetention(q: Filters & { cohort?: 'week' | 'month'; weeks?: number }) {
  return useQuery({
    queryKey: ['analytics', 'retention', q],
    queryFn: ({ signal }) => report<RetentionReport>(api.GET('/api/v1/analytics/retention', { params: { query: q }, signal })),
    ...opts,
  });
}

export function useFirstWeek(q: Filters & { horizonDays?: 30 | 60 | 90 }) {
  return useQuery({
    queryKey: ['analytics', 'first-week', q],
    queryFn: ({ signal }) => report<FirstWeekReport>(api.GET('/api/v1/analytics/first-week', { params: { query: q }, signal })),
    ...opts,
  });
}

export function useRuleQuality(q: Filters) {
  return useQuery({
    queryKey: ['analytics', 'rules', q],
    queryFn: ({ signal }) => report<RulesReport>(api.GET('/api/v1/analytics/rules', { params: { query: q }, signal })),
    ...opts,
  });
}

export function useChurnReasons(q: Filters) {
  return useQuery({
    queryKey: ['analytics', 'churn-reasons', q],
    queryFn: ({ signal }) => report<ChurnReasonsReport>(api.GET('/api/v1/analytics/churn-reasons', { params: { query: q }, signal })),
    ...opts,
  });
}

export function useAdvisorsReport(q: Pick<Filters, 'from' | 'to' | 'teamId'>) {
  return useQuery({
    queryKey: ['analytics', 'advisors', q],
    queryFn: ({ signal }) => report<AdvisorsReport>(api.GET('/api/v1/analytics/advisors', { params: { query: q }, signal })),
    ...opts,
  });
}

export function useTicketsReport(q: Pick<Filters, 'from' | 'to' | 'teamId'>) {
  return useQuery({
    queryKey: ['analytics', 'tickets', q],
    queryFn: ({ signal }) => report<TicketsReport>(api.GET('/api/v1/analytics/tickets', { params: { query: q }, signal })),
    ...opts,
  });
}

export function useAnalyticsStatus() {
  return useQuery({ queryKey: ['analytics', 'status'], queryFn: ({ signal }) => call(api.GET('/api/v1/analytics/status', { signal })), staleTime: 30_000 });
}

/** The courses the viewer may filter by (those in their scope, as the retention report lists them). */
export function useCourses() {
  return useQuery({
    queryKey: ['analytics', 'courses'],
    queryFn: async ({ signal }) =>
      (await report<RetentionReport>(api.GET('/api/v1/analytics/retention', { params: { query: { weeks: 1 } }, signal }))).byCourse.map((c) => ({
        id: c.courseId,
        title: c.courseTitle,
      })),
    staleTime: 5 * 60_000,
  });
}

export function useTeams() {
  return useQuery({ queryKey: ['teams'], queryFn: ({ signal }) => call(api.GET('/api/v1/teams', { signal })), staleTime: 5 * 60_000 });
}

export type ReportPath = 'retention' | 'first-week' | 'rules' | 'churn-reasons' | 'advisors' | 'tickets';

/**
 * Downloads a report as the API writes it for `Accept: text/csv` (the same numbers as the page), named after the
 * report and its filters.
 */
export async function downloadCsv(report: ReportPath, query: Record<string, string | number | undefined>): Promise<void> {
  const qs = new URLSearchParams(
    Object.entries(query)
      .filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '')
      .map(([k, v]) => [k, String(v)]),
  );
  const token = session.token();
  const res = await fetch(`/api/v1/analytics/${report}${qs.size ? `?${qs}` : ''}`, {
    headers: { Accept: 'text/csv', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
  if (res.status === 401) session.expire('expired');
  if (!res.ok) throw new ApiError(res.status, res.statusText);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `careloop-${report}${query.from ? `-${query.from}` : ''}${query.to ? `-${query.to}` : ''}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
