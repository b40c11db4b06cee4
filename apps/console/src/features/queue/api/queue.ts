import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type QueueView = Schemas['QueueViewDto'];
export type QueueTask = Schemas['QueueTaskDto'];
export type QueueCase = Schemas['QueueCaseDto'];

export function queueQuery(date: string | undefined) {
  return queryOptions({
    queryKey: ['queue', date ?? 'today'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/me/queue', { params: { query: date ? { date } : {} }, signal })),
  });
}

/** The advisor's day (the API's order: overdue first, then due time, then case priority), refreshed every minute. */
export function useQueue(date: string | undefined) {
  return useQuery({ ...queueQuery(date), refetchInterval: 60_000, refetchIntervalInBackground: false, placeholderData: keepPreviousData });
}
