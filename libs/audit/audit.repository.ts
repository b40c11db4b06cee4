import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SqlRow } from '../database/sql-row.js';

export interface AuditRow {
  actorType: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  before: string | null;
  after: string | null;
  reason: string | null;
}

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  action?: string;
  /** Keyset: entries older than this id. */
  beforeId?: string | number | null;
  /** A supervisor's scope: what happened to these teams' people and records, plus what `actorId` did. */
  scope?: { teamIds: string[]; actorId: string };
  limit: number;
}

/** The audit_log table: append-only, written inside the caller's transaction. */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(em: EntityManager, rows: AuditRow[]): Promise<void> {
    if (!rows.length) return;
    await em.query(
      `insert into audit_log (actor_type, actor_id, action, entity, entity_id, before, after, reason)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[])`,
      [
        rows.map((r) => r.actorType),
        rows.map((r) => r.actorId),
        rows.map((r) => r.action),
        rows.map((r) => r.entity),
        rows.map((r) => r.entityId),
        rows.map((r) => r.before),
        rows.map((r) => r.after),
        rows.map((r) => r.reason),
      ],
    );
  }

  /** Newest first. */
  async list(f: AuditFilter): Promise<SqlRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.entity) add('entity = ?', f.entity);
    if (f.entityId) add('entity_id = ?', f.entityId);
    if (f.action) add('action = ?', f.action);
    if (f.beforeId !== undefined) add('id < ?', f.beforeId);
    if (f.scope) {
      params.push(f.scope.teamIds, f.scope.actorId);
      const t = params.length - 1;
      where.push(`(actor_id = $${t + 1} or exists (select 1 from staff s where s.id::text in (audit_log.actor_id, audit_log.entity_id,
        audit_log.after->>'advisorId', audit_log.after->>'assigneeId', audit_log.before->>'advisorId', audit_log.before->>'assigneeId')
        and s.team_id = any($${t}::uuid[])) or audit_log.after->>'teamId' = any($${t}::text[]))`);
    }
    params.push(f.limit);
    return this.dataSource.query(
      `select id, at, actor_type, actor_id, action, entity, entity_id, before, after, reason from audit_log
       ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit $${params.length}`,
      params,
    );
  }
}
