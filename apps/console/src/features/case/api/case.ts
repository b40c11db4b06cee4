import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type CaseDetail = Schemas['CaseDetailDto'];
export type LearnerDetail = Schemas['LearnerDetailDto'];
export type TimelineItem = Schemas['TimelineItemDto'];
export type ResolveBody = Schemas['ResolveCaseDto'];
export type TaskView = Schemas['TaskViewDto'];

export function useCase(caseId: string) {
  return useQuery({
    queryKey: ['case', caseId],
    enabled: !!caseId,
    queryFn: ({ signal }) => call(api.GET('/api/v1/cases/{id}', { params: { path: { id: caseId } }, signal })),
    refetchInterval: 60_000,
  });
}

export function useLearner(learnerId: string | undefined) {
  return useQuery({
    queryKey: ['learner', learnerId],
    enabled: !!learnerId,
    queryFn: ({ signal }) => call(api.GET('/api/v1/learners/{id}', { params: { path: { id: learnerId! } }, signal })),
    refetchInterval: 60_000,
  });
}

/** The learner's open case, if any (a learner has at most one), for the learner page. */
export function useOpenCaseOf(learnerId: string) {
  return useQuery({
    queryKey: ['cases', 'open-of', learnerId],
    queryFn: async ({ signal }) => {
      const page = await call(api.GET('/api/v1/cases', { params: { query: { learnerId, limit: 10 } }, signal }));
      return page.items.find((c) => c.status !== 'resolved') ?? null;
    },
  });
}

/** Scheduled and past tasks of a learner, for the learner page when there is no case. */
export function useLearnerTasks(learnerId: string) {
  return useQuery({
    queryKey: ['learner', learnerId, 'tasks'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/tasks', { params: { query: { learnerId, limit: 50 } }, signal })),
  });
}

export function useTimeline(learnerId: string | undefined) {
  return useInfiniteQuery({
    queryKey: ['timeline', learnerId],
    enabled: !!learnerId,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      call(
        api.GET('/api/v1/learners/{id}/timeline', {
          params: { path: { id: learnerId! }, query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
          signal,
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useResolveCase(caseId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ResolveBody) => call(api.POST('/api/v1/cases/{id}/resolve', { params: { path: { id: caseId } }, body })),
    onSuccess: () => {
      for (const key of ['case', 'cases', 'queue', 'learner', 'timeline']) void client.invalidateQueries({ queryKey: [key] });
    },
  });
}
