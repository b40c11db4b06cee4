import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isAdmin, type Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, type FieldError } from '../common/domain-error.js';
import { describeParams } from './rule-views.js';
import {
  isRuleKind,
  normalizeParams,
  RULE_KEY_PATTERN,
  RULE_KINDS,
  SEVERITIES,
  validateAction,
  validateCohortThreshold,
  type RuleAction,
  type RuleDefinition,
  type Severity,
} from './rule-definitions.js';
import { RulesRepository, type RuleRow } from './rules.repository.js';

export interface RuleView {
  key: string;
  name: string;
  kind: string;
  params: Record<string, number>;
  description: string;
  severity: string;
  action: { taskKind: string; dueWithinHours: number };
  cohortThreshold: number | null;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toRuleView(r: RuleRow): RuleView {
  return {
    key: r.key,
    name: r.name,
    kind: r.kind,
    params: r.params,
    description: describeParams(r.kind, r.params),
    severity: r.severity,
    action: r.action,
    cohortThreshold: r.cohort_threshold === null ? null : Number(r.cohort_threshold),
    enabled: r.enabled,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export interface CreateRuleInput {
  key: string;
  name: string;
  kind: string;
  params?: unknown;
  severity: string;
  action: unknown;
  cohortThreshold?: number | null;
  enabled?: boolean;
}

export interface UpdateRuleInput {
  name?: string;
  params?: unknown;
  severity?: string;
  action?: unknown;
  cohortThreshold?: number | null;
  enabled?: boolean;
}

/** Rule definitions: listed by anyone on staff, created and changed by admins, every change audited. */
@Injectable()
export class RulesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: RulesRepository,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<RuleView[]> {
    return (await this.repo.listRules()).map(toRuleView);
  }

  async get(key: string): Promise<RuleView> {
    const r = await this.repo.findRule(key);
    if (!r) throw DomainError.notFound('rule', key);
    return toRuleView(r);
  }

  /** Validates a complete definition (stored or a backtest draft) and fills parameter defaults. */
  validateDefinition(input: CreateRuleInput, prefix = ''): RuleDefinition {
    const f = (name: string) => (prefix ? `${prefix}.${name}` : name);
    const errors: FieldError[] = [];
    if (typeof input.key !== 'string' || !RULE_KEY_PATTERN.test(input.key))
      errors.push({ field: f('key'), message: 'must be 2–63 lowercase letters, digits or _ and start with a letter' });
    if (typeof input.name !== 'string' || !input.name.trim() || input.name.length > 200) errors.push({ field: f('name'), message: 'must be 1–200 characters' });
    if (!isRuleKind(input.kind)) {
      errors.push({ field: f('kind'), message: `must be one of ${RULE_KINDS.join(', ')}` });
      throw DomainError.validation(errors);
    }
    const p = normalizeParams(input.kind, input.params, f('params'));
    errors.push(...p.errors);
    if (!(SEVERITIES as readonly string[]).includes(input.severity)) errors.push({ field: f('severity'), message: `must be one of ${SEVERITIES.join(', ')}` });
    errors.push(...validateAction(input.action, f('action')));
    errors.push(...validateCohortThreshold(input.cohortThreshold, f('cohortThreshold')));
    if (input.enabled !== undefined && typeof input.enabled !== 'boolean') errors.push({ field: f('enabled'), message: 'must be true or false' });
    if (errors.length) throw DomainError.validation(errors);
    return {
      key: input.key,
      name: input.name.trim(),
      kind: input.kind,
      params: p.params!,
      severity: input.severity as Severity,
      action: input.action as RuleAction,
      cohortThreshold: input.cohortThreshold ?? null,
      enabled: input.enabled ?? true,
    };
  }

  /** A new rule of a built-in kind. Sending the same definition again returns it unchanged (created: false). */
  async create(actor: Actor, input: CreateRuleInput): Promise<{ rule: RuleView; created: boolean }> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can create rules');
    const def = this.validateDefinition(input);
    return this.dataSource.transaction(async (em) => {
      const row = await this.repo.insertRule(em, def);
      if (!row) {
        const existing = (await this.repo.findRule(def.key, em))!;
        if (sameDefinition(existing, def)) return { rule: toRuleView(existing), created: false };
        throw DomainError.conflict(`A rule with key "${def.key}" already exists; change it with PATCH /rules/${def.key}`);
      }
      const view = toRuleView(row);
      await this.audit.record(em, { actor, action: 'rule.created', entity: 'rule', entityId: def.key, after: auditShape(view) });
      return { rule: view, created: true };
    });
  }

  async update(actor: Actor, key: string, patch: UpdateRuleInput, reason?: string): Promise<RuleView> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can change rules');
    return this.dataSource.transaction(async (em) => {
      const before = await this.repo.findRule(key, em, true);
      if (!before) throw DomainError.notFound('rule', key);
      const merged = this.validateDefinition({
        key: before.key,
        name: patch.name ?? before.name,
        kind: before.kind,
        params: patch.params === undefined ? before.params : mergeParams(before.params, patch.params),
        severity: patch.severity ?? before.severity,
        action: patch.action === undefined ? before.action : mergeAction(before.action, patch.action),
        cohortThreshold:
          patch.cohortThreshold === undefined ? (before.cohort_threshold === null ? null : Number(before.cohort_threshold)) : patch.cohortThreshold,
        enabled: patch.enabled ?? before.enabled,
      });
      if (sameDefinition(before, merged)) return toRuleView(before);
      const after = await this.repo.updateRule(em, merged);
      const [b, a] = [toRuleView(before), toRuleView(after)];
      await this.audit.record(em, {
        actor,
        action: 'rule.updated',
        entity: 'rule',
        entityId: key,
        before: auditShape(b),
        after: auditShape(a),
        reason: reason ?? null,
      });
      return a;
    });
  }
}

function mergeParams(current: Record<string, number>, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  return { ...current, ...(patch as Record<string, unknown>) };
}

function mergeAction(current: RuleRow['action'], patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  return { ...current, ...(patch as Record<string, unknown>) };
}

function sameDefinition(row: RuleRow, def: RuleDefinition): boolean {
  return (
    row.name === def.name &&
    row.kind === def.kind &&
    canonical(row.params) === canonical(def.params) &&
    row.severity === def.severity &&
    canonical(row.action) === canonical(def.action) &&
    (row.cohort_threshold === null ? null : Number(row.cohort_threshold)) === def.cohortThreshold &&
    row.enabled === def.enabled
  );
}

function canonical(o: object): string {
  return JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b))));
}

function auditShape(v: RuleView) {
  const { createdAt, updatedAt, description, ...rest } = v;
  return rest;
}
