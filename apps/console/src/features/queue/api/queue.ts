import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type QueueView = Schemas['QueueViewDto'];
export type QueueTask = Schemas['QueueTaskDto'];
export type QueueCase = Schemas['QueueCaseDto'];

export function queueQuery(date: string | undefined, sort?: 'risk') {
  return queryOptions({
    queryKey: ['queue', date ?? 'today', sort ?? 'due'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/me/queue', { params: { query: { ...(date ? { date } : {}), ...(sort ? { sort } : {}) } }, signal })),
  });
}

/**
 * The advisor's day (the API's order: overdue first, then due time, then case priority; with `sort=risk` the
 * learned churn risk first), refreshed every minute.
 */
export function useQueue(date: string | undefined, sort?: 'risk') {
  return useQuery({ ...queueQuery(date, sort), refetchInterval: 60_000, refetchIntervalInBackground: false, placeholderData: keepPreviousData });
}
