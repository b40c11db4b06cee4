import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type CaseView = Schemas['CaseViewDto'];
export type StaffView = Schemas['StaffViewDto'];
export type CaseMoveResult = Schemas['CaseMoveResultDto'];
export type ReassignBody = Schemas['ReassignCasesDto'];
export type TaskItem = Schemas['TaskListItemDto'];
export type TaskMoveResult = Schemas['TaskMoveResultDto'];

/** The filters of the bulk view, as they sit in the URL (so a view can be bookmarked and shared). */
export interface CaseFilters {
  teamId?: string;
  advisorId?: string;
  unassigned?: 'true' | 'false';
  priority?: 'low' | 'medium' | 'high' | 'urgent';
  ruleKey?: string;
  stage?: 'new' | 'active' | 'near_expiry' | 'paused' | 'completed' | 'churned';
  due?: 'overdue' | 'today';
  /** priority (the API's default: priority, then first due) or risk (learned churn risk, highest first) */
  sort?: 'priority' | 'risk';
}

export const FILTER_KEYS = ['teamId', 'advisorId', 'unassigned', 'priority', 'ruleKey', 'stage', 'due', 'sort'] as const;

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

/** The filters of the bulk calls view (in the URL, like the cases view's). */
export interface TaskFilters {
  teamId?: string;
  assigneeId?: string;
  kind?: TaskItem['kind'];
  due?: 'overdue' | 'today';
}

export const TASK_FILTER_KEYS = ['teamId', 'assigneeId', 'kind', 'due'] as const;

const taskQuery = (f: TaskFilters, cursor?: string, limit = 100) => ({ ...f, status: 'scheduled' as const, limit, ...(cursor ? { cursor } : {}) });

/** Scheduled calls of the caller's teams, soonest first, as pages. */
export function useScheduledTasks(f: TaskFilters) {
  return useInfiniteQuery({
    queryKey: ['tasks', 'bulk', f],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => call(api.GET('/api/v1/tasks', { params: { query: taskQuery(f, pageParam) }, signal })),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 60_000,
  });
}

/** Every scheduled task matching the filters (ids only), at most `cap`. */
export async function allMatchingTaskIds(f: TaskFilters, cap = 500): Promise<{ ids: string[]; capped: boolean }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(api.GET('/api/v1/tasks', { params: { query: taskQuery(f, cursor, 500) } }));
    ids.push(...page.items.map((x) => x.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && ids.length < cap);
  return { ids: ids.slice(0, cap), capped: !!cursor || ids.length > cap };
}

/** Moves tasks to one person, 500 at a time (the API's bound); the results of every chunk together. */
export async function reassignTasks(taskIds: string[], assigneeId: string, reason: string): Promise<TaskMoveResult> {
  const all: TaskMoveResult = { moved: 0, items: [] };
  for (let i = 0; i < taskIds.length; i += 500) {
    const r = await call(api.POST('/api/v1/tasks/reassign', { body: { taskIds: taskIds.slice(i, i + 500), assigneeId, reason } }));
    all.moved += r.moved;
    all.items.push(...r.items);
  }
  return all;
}

/**
 * Reassignment from the bulk views and the board, as one mutation: cases (listed, or all of one advisor: then the
 * advisor's remaining scheduled calls follow when a receiver is named) or tasks.
 */
export type MoveRequest = { kind: 'cases'; body: ReassignBody } | { kind: 'tasks'; taskIds: string[]; assigneeId: string; reason: string };

export interface MoveOutcome {
  cases?: CaseMoveResult;
  tasks?: TaskMoveResult;
  /** Scheduled calls still with the advisor whose work was moved (the policy does not place calls without a case). */
  callsLeft?: number;
  /** The cases moved but moving the remaining calls failed (they stay where they were). */
  tasksError?: unknown;
}

export function useMove() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (req: MoveRequest): Promise<MoveOutcome> => {
      if (req.kind === 'tasks') return { tasks: await reassignTasks(req.taskIds, req.assigneeId, req.reason) };
      const cases = await call(api.POST('/api/v1/cases/reassign', { body: req.body }));
      const from = req.body.fromAdvisorId;
      if (!from) return { cases };
      const { ids } = await allMatchingTaskIds({ assigneeId: from }, 5000);
      if (!req.body.toAdvisorId || ids.length === 0) return { cases, callsLeft: ids.length };
      try {
        return { cases, tasks: await reassignTasks(ids, req.body.toAdvisorId, req.body.reason), callsLeft: 0 };
      } catch (tasksError) {
        return { cases, callsLeft: ids.length, tasksError };
      }
    },
    onSettled: () => {
      for (const key of ['cases', 'tasks', 'queue', 'board', 'case']) void client.invalidateQueries({ queryKey: [key] });
    },
  });
}
