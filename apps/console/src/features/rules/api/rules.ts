import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, call, type Schemas } from '../../../api/client';

export type RuleView = Schemas['RuleViewDto'];
export type RuleKind = Schemas['RuleKindDto'];
export type ParamSpec = Schemas['RuleParamSpecDto'];
export type BacktestResult = Schemas['BacktestResultDto'];
export type UpdateRuleBody = Schemas['UpdateRuleDto'];
export const SEVERITIES = ['low', 'medium', 'high'] as const;
export const RULE_TASK_KINDS = ['care_call', 'advisor_contact', 'obstacle_call', 'escalation', 'survey', 'renewal_call'] as const;

export function useRules() {
  return useQuery({ queryKey: ['rules'], queryFn: ({ signal }) => call(api.GET('/api/v1/rules', { signal })) });
}

export function useRule(key: string) {
  return useQuery({ queryKey: ['rules', key], queryFn: ({ signal }) => call(api.GET('/api/v1/rules/{key}', { params: { path: { key } }, signal })) });
}

export function useRuleKinds() {
  return useQuery({ queryKey: ['rule-kinds'], queryFn: ({ signal }) => call(api.GET('/api/v1/rule-kinds', { signal })), staleTime: Infinity });
}

export function useUpdateRule(key: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateRuleBody) => call(api.PATCH('/api/v1/rules/{key}', { params: { path: { key } }, body })),
    onSuccess: (rule) => {
      client.setQueryData(['rules', key], rule);
      void client.invalidateQueries({ queryKey: ['rules'] });
      void client.invalidateQueries({ queryKey: ['analytics', 'rules'] });
    },
  });
}

export interface BacktestRequest {
  kind: string;
  params: Record<string, number>;
  from: string;
  to: string;
  courseId?: string;
}

/**
 * A draft evaluated day by day over a past period (nothing is saved). careloop runs a limited number of backtests
 * at once and answers 429 with Retry-After when they are busy: this waits as told and tries again, a few times.
 */
export async function backtest(q: BacktestRequest, signal?: AbortSignal, tries = 4): Promise<BacktestResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(
        api.POST('/api/v1/rules/backtest', {
          body: { rule: { kind: q.kind as 'inactive_days', params: q.params }, from: q.from, to: q.to, ...(q.courseId ? { courseId: q.courseId } : {}) },
          signal,
        }),
      );
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 429 || attempt >= tries) throw e;
      await new Promise((resolve) => setTimeout(resolve, (e.retryAfterSeconds ?? 2) * 1000));
    }
  }
}

/** The same parameters? (the order of keys does not matter; numbers compare exactly). */
export function sameParams(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Checks a draft's parameters against the kind's published ranges before anything is sent: field → message key
 * and values. Empty when every parameter is a number in range.
 */
export function checkParams(
  specs: ParamSpec[],
  draft: Record<string, string>,
): Record<string, { key: 'rules.param.number' | 'rules.param.whole' | 'rules.param.range' | 'rules.param.above'; vars: Record<string, number> }> {
  const errors: ReturnType<typeof checkParams> = {};
  for (const s of specs) {
    const raw = (draft[s.name] ?? '').trim();
    const v = Number(raw);
    if (!raw || !Number.isFinite(v)) errors[s.name] = { key: 'rules.param.number', vars: {} };
    else if (s.integer && !Number.isInteger(v)) errors[s.name] = { key: 'rules.param.whole', vars: { min: s.min, max: s.max } };
    else if (v > s.max || (s.minExclusive ? v <= s.min : v < s.min))
      errors[s.name] = { key: s.minExclusive ? 'rules.param.above' : 'rules.param.range', vars: { min: s.min, max: s.max } };
  }
  return errors;
}

/** The numbers of a draft, when every parameter parses. */
export function parseParams(specs: ParamSpec[], draft: Record<string, string>): Record<string, number> | null {
  if (Object.keys(checkParams(specs, draft)).length) return null;
  return Object.fromEntries(specs.map((s) => [s.name, Number(draft[s.name])]));
}

/** Daily workload of the current rule and the draft on the same days, for one chart. */
export function workloadSeries(current: BacktestResult, draft: BacktestResult): { days: string[]; current: number[]; draft: number[] } {
  const byDay = new Map(current.days.map((d) => [d.day, d.opened]));
  return { days: draft.days.map((d) => d.day), current: draft.days.map((d) => byDay.get(d.day) ?? 0), draft: draft.days.map((d) => d.opened) };
}
