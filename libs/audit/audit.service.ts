import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { auditActor, seesAllTeams, type Actor } from '../access/actor.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../common/pagination.js';
import type { SqlRow } from '../database/sql-row.js';
import { AuditRepository } from './audit.repository.js';

/** Singular resource names, as docs/design.md §5 filters them. */
export const AUDIT_ENTITIES = [
  'case',
  'task',
  'ticket',
  'rule',
  'staff',
  'team',
  'api_client',
  'alert',
  'webhook',
  'calendar',
  'sla_policy',
  'enrollment',
] as const;
export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

export interface AuditRecord {
  actor: Actor;
  action: string;
  entity: AuditEntity;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

export interface AuditView {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  reason: string | null;
}

/** Append-only audit log: written in the same transaction as the change it describes. */
@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async record(em: EntityManager, entries: AuditRecord | AuditRecord[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    await this.repo.insert(
      em,
      list.map((e) => ({
        ...auditActor(e.actor),
        action: e.action,
        entity: e.entity,
        entityId: e.entityId,
        before: e.before === undefined ? null : JSON.stringify(e.before),
        after: e.after === undefined ? null : JSON.stringify(e.after),
        reason: e.reason ?? null,
      })),
    );
  }

  async list(actor: Actor, f: { entity?: string; entityId?: string; action?: string; limit?: number; cursor?: string }): Promise<Page<AuditView>> {
    if (actor.kind !== 'staff' || (actor.role !== 'admin' && actor.role !== 'supervisor')) {
      throw DomainError.forbidden('Only admins and supervisors can read the audit log');
    }
    if (f.entity !== undefined && !(AUDIT_ENTITIES as readonly string[]).includes(f.entity)) {
      throw DomainError.field('entity', `must be one of ${AUDIT_ENTITIES.join(', ')}`);
    }
    const limit = pageLimit(f.limit);
    const after = decodeCursor(f.cursor, 1);
    const rows = await this.repo.list({
      entity: f.entity,
      entityId: f.entityId,
      action: f.action,
      beforeId: after?.[0],
      // Supervisors see what happened to their teams' people and records, plus what they did themselves.
      scope: seesAllTeams(actor) ? undefined : { teamIds: actor.teamIds, actorId: actor.id },
      limit: limit + 1,
    });
    return toPage(
      rows,
      limit,
      (r: SqlRow) => [r.id],
      (r: SqlRow) => ({
        id: String(r.id),
        at: new Date(r.at).toISOString(),
        actorType: r.actor_type,
        actorId: r.actor_id,
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        before: r.before,
        after: r.after,
        reason: r.reason,
      }),
    );
  }
}
