import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type CaseView = Schemas['CaseViewDto'];
export type StaffView = Schemas['StaffViewDto'];
export type CaseMoveResult = Schemas['CaseMoveResultDto'];
export type ReassignBody = Schemas['ReassignCasesDto'];

/** The filters of the bulk view, as they sit in the URL (so a view can be bookmarked and shared). */
export interface CaseFilters {
  teamId?: string;
  advisorId?: string;
  unassigned?: 'true' | 'false';
  priority?: 'low' | 'medium' | 'high' | 'urgent';
  ruleKey?: string;
  stage?: 'new' | 'active' | 'near_expiry' | 'paused' | 'completed' | 'churned';
  due?: 'overdue' | 'today';
}

export const FILTER_KEYS = ['teamId', 'advisorId', 'unassigned', 'priority', 'ruleKey', 'stage', 'due'] as const;

const query = (f: CaseFilters, cursor?: string, limit = 100) => ({ ...f, open: 'true' as const, limit, ...(cursor ? { cursor } : {}) });

export function useTeams() {
  return useQuery({ queryKey: ['teams'], queryFn: ({ signal }) => call(api.GET('/api/v1/teams', { signal })), staleTime: 60_000 });
}

/** Advisors of a team (or every team the caller sees), for filters and as reassignment targets. */
export function useAdvisors(teamId?: string) {
  return useQuery({
    queryKey: ['staff', 'advisors', teamId ?? 'all'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/staff', { params: { query: { role: 'advisor', limit: 500, ...(teamId ? { teamId } : {}) } }, signal })),
    staleTime: 60_000,
  });
}

export function useOpenCases(f: CaseFilters) {
  return useInfiniteQuery({
    queryKey: ['cases', 'bulk', f],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => call(api.GET('/api/v1/cases', { params: { query: query(f, pageParam) }, signal })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
}

/** Every open case matching the filters (ids only), for "select all matching this filter"; at most `cap`. */
export async function allMatchingIds(f: CaseFilters, cap = 1000): Promise<{ ids: string[]; capped: boolean }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(api.GET('/api/v1/cases', { params: { query: query(f, cursor, 500) } }));
    ids.push(...page.items.map((c) => c.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ids.length < cap);
  return { ids: ids.slice(0, cap), capped: !!cursor || ids.length > cap };
}

export function useReassignCases() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: ReassignBody) => call(api.POST('/api/v1/cases/reassign', { body })),
    onSuccess: () => {
      for (const key of ['cases', 'queue', 'board', 'case']) void client.invalidateQueries({ queryKey: [key] });
    },
  });
}

export type TeamBoard = Schemas['TeamBoardDto'];

/** The supervisor's team board: load per advisor, the pool, escalations and cohort alerts, every minute. */
export function useBoard(teamId: string | undefined) {
  return useQuery({
    queryKey: ['board', teamId],
    enabled: !!teamId,
    queryFn: ({ signal }) => call(api.GET('/api/v1/teams/{id}/board', { params: { path: { id: teamId! } }, signal })),
    refetchInterval: 60_000,
  });
}
