import type { FieldError } from '../common/domain-error.js';
import { KINDS, type ParamSpec } from './kinds/index.js';

/** The built-in evaluators; a rule picks one with `kind` and tunes it with `params`. */
export const RULE_KINDS = ['inactive_days', 'low_completion', 'late_assignments', 'complaints', 'study_time_drop', 'risk_score'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Task kinds a rule may ask for (the tasks context creates them); first-week check-ins and follow-ups are not rule actions. */
export const RULE_TASK_KINDS = ['care_call', 'advisor_contact', 'obstacle_call', 'escalation', 'survey', 'renewal_call'] as const;
export type RuleTaskKind = (typeof RULE_TASK_KINDS)[number];

export interface RuleAction {
  taskKind: RuleTaskKind;
  dueWithinHours: number;
}

export interface InactiveDaysParams {
  days: number;
}
export interface LowCompletionParams {
  ratio: number;
  graceDays: number;
}
export interface LateAssignmentsParams {
  lateDays: number;
  count: number;
}
export interface ComplaintsParams {
  count: number;
}
export interface StudyTimeDropParams {
  dropRatio: number;
  weeks: number;
}

export interface RiskScoreParams {
  threshold: number;
}

export interface ParamsByKind {
  inactive_days: InactiveDaysParams;
  low_completion: LowCompletionParams;
  late_assignments: LateAssignmentsParams;
  complaints: ComplaintsParams;
  study_time_drop: StudyTimeDropParams;
  risk_score: RiskScoreParams;
}
export type RuleParams = ParamsByKind[RuleKind];

/** A rule as the engine uses it (stored or a backtest draft). */
export interface RuleDefinition<K extends RuleKind = RuleKind> {
  key: string;
  name: string;
  kind: K;
  params: ParamsByKind[K];
  severity: Severity;
  action: RuleAction;
  cohortThreshold: number | null;
  enabled: boolean;
}

/** Each kind's parameters, their ranges and the defaults a missing parameter takes (from libs/rules/kinds/<kind>.ts). */
export const PARAM_SPECS = Object.fromEntries(Object.values(KINDS).map((k) => [k.kind, k.params])) as {
  [K in RuleKind]: Record<keyof ParamsByKind[K] & string, ParamSpec>;
};

export function isRuleKind(v: unknown): v is RuleKind {
  return typeof v === 'string' && (RULE_KINDS as readonly string[]).includes(v);
}

/**
 * Validates and completes `params` for `kind`: missing parameters take their defaults, unknown ones and
 * out-of-range values are field errors named `<prefix>.<param>`.
 */
export function normalizeParams(kind: RuleKind, params: unknown, prefix = 'params'): { params?: RuleParams; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (params !== undefined && (params === null || typeof params !== 'object' || Array.isArray(params))) {
    return { errors: [{ field: prefix, message: 'must be an object' }] };
  }
  const given = (params ?? {}) as Record<string, unknown>;
  const specs = PARAM_SPECS[kind] as Record<string, ParamSpec>;
  for (const k of Object.keys(given)) {
    if (!(k in specs)) errors.push({ field: `${prefix}.${k}`, message: `is not a parameter of ${kind} (known: ${Object.keys(specs).join(', ')})` });
  }
  const out: Record<string, number> = {};
  for (const [k, spec] of Object.entries(specs)) {
    const v = given[k];
    if (v === undefined) {
      out[k] = spec.default;
      continue;
    }
    const field = `${prefix}.${k}`;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      errors.push({ field, message: 'must be a number' });
    } else if (spec.integer && !Number.isInteger(v)) {
      errors.push({ field, message: `must be a whole number from ${spec.min} to ${spec.max}` });
    } else if (v > spec.max || (spec.minExclusive ? v <= spec.min : v < spec.min)) {
      errors.push({ field, message: `must be ${spec.minExclusive ? `above ${spec.min}` : `at least ${spec.min}`} and at most ${spec.max}` });
    } else {
      out[k] = v;
    }
  }
  return errors.length ? { errors } : { params: out as unknown as RuleParams, errors };
}

export function validateAction(action: unknown, field = 'action'): FieldError[] {
  if (action === null || typeof action !== 'object' || Array.isArray(action)) return [{ field, message: 'must be an object {taskKind, dueWithinHours}' }];
  const a = action as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const k of Object.keys(a)) if (k !== 'taskKind' && k !== 'dueWithinHours') errors.push({ field: `${field}.${k}`, message: 'is not a known field' });
  if (!(RULE_TASK_KINDS as readonly string[]).includes(a.taskKind as string))
    errors.push({ field: `${field}.taskKind`, message: `must be one of ${RULE_TASK_KINDS.join(', ')}` });
  const h = a.dueWithinHours;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 1 || h > 720)
    errors.push({ field: `${field}.dueWithinHours`, message: 'must be a whole number of hours from 1 to 720' });
  return errors;
}

export function validateCohortThreshold(v: unknown, field = 'cohortThreshold'): FieldError[] {
  if (v === null || v === undefined) return [];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) return [{ field, message: 'must be a share from 0 to 1, or null' }];
  return [];
}

export const RULE_KEY_PATTERN = /^[a-z][a-z0-9_]{1,62}$/;
