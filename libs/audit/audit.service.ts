import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { auditActor, seesAllTeams, type Actor } from '../access/actor.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../common/pagination.js';
import type { SqlRow } from '../database/sql-row.js';

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
  constructor(private readonly dataSource: DataSource) {}

  async record(em: EntityManager, entries: AuditRecord | AuditRecord[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (!list.length) return;
    await em.query(
      `insert into audit_log (actor_type, actor_id, action, entity, entity_id, before, after, reason)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[])`,
      [
        list.map((e) => auditActor(e.actor).actorType),
        list.map((e) => auditActor(e.actor).actorId),
        list.map((e) => e.action),
        list.map((e) => e.entity),
        list.map((e) => e.entityId),
        list.map((e) => (e.before === undefined ? null : JSON.stringify(e.before))),
        list.map((e) => (e.after === undefined ? null : JSON.stringify(e.after))),
        list.map((e) => e.reason ?? null),
      ],
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
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.entity) add('entity = ?', f.entity);
    if (f.entityId) add('entity_id = ?', f.entityId);
    if (f.action) add('action = ?', f.action);
    if (after) add('id < ?', after[0]);
    // Supervisors see what happened to their teams' people and records, plus what they did themselves.
    if (!seesAllTeams(actor)) {
      params.push(actor.teamIds, actor.id);
      const t = params.length - 1;
      where.push(`(actor_id = $${t + 1} or exists (select 1 from staff s where s.id::text in (audit_log.actor_id, audit_log.entity_id,
        audit_log.after->>'advisorId', audit_log.after->>'assigneeId', audit_log.before->>'advisorId', audit_log.before->>'assigneeId')
        and s.team_id = any($${t}::uuid[])) or audit_log.after->>'teamId' = any($${t}::text[]))`);
    }
    params.push(limit + 1);
    const rows = await this.dataSource.query(
      `select id, at, actor_type, actor_id, action, entity, entity_id, before, after, reason from audit_log
       ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit $${params.length}`,
      params,
    );
    return toPage(
      rows,
      limit,
      (r: { id: string }) => [r.id],
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
