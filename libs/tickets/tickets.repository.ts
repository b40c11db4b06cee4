import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OPEN_STATUSES, type TicketCategory, type TicketPriority, type TicketRow, type TicketStatus } from './ticket.types.js';
import type { Actor } from '../access/actor.js';
import { learnerVisibilitySql } from '../learners/learner-visibility.sql.js';
import { escalationTargets, type EscalationTarget } from '../staff/escalation-target.js';

const TICKET_COLS = `t.*, l.external_id as learner_external_id, l.name as learner_name`;

export interface TicketListFilter {
  /** null: everything; otherwise tickets of these teams or assigned to / escalated to `staffId`. */
  scope: { teamIds: string[]; staffId: string } | { assigneeId: string } | null;
  status?: TicketStatus;
  assigneeId?: string;
  teamId?: string;
  learnerId?: string;
  category?: TicketCategory;
  unassigned?: boolean;
  /** Where the SLA clocks stand at `now`: any target breached, or one in its warning window (none breached). */
  sla?: { state: 'breached' | 'warning'; now: Date };
  after?: { createdAt: string; id: string };
  limit: number;
}

export interface NewTicket {
  externalId: string | null;
  learnerId: string;
  category: TicketCategory;
  priority: TicketPriority;
  subject: string;
  body: string;
  teamId: string | null;
  createdByType: string;
  createdById: string | null;
  createdAt: Date;
}

/** Tickets and their messages. Every write takes the caller's transaction. */
@Injectable()
export class TicketsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private q(em?: EntityManager) {
    return em ?? this.dataSource.manager;
  }

  async findById(id: string, em?: EntityManager): Promise<TicketRow | null> {
    const [row] = await this.q(em).query(`select ${TICKET_COLS} from tickets t join learners l on l.id = t.learner_id where t.id = $1`, [id]);
    return row ?? null;
  }

  /** Locks the ticket row for the rest of the transaction and reads it, in one statement. */
  async lock(em: EntityManager, id: string): Promise<TicketRow | null> {
    const [row] = await em.query(`select ${TICKET_COLS} from tickets t join learners l on l.id = t.learner_id where t.id = $1 for update of t`, [id]);
    return row ?? null;
  }

  async lockMany(em: EntityManager, ids: string[]): Promise<TicketRow[]> {
    await em.query(`select id from tickets where id = any($1::uuid[]) order by id for update`, [ids]);
    return em.query(`select ${TICKET_COLS} from tickets t join learners l on l.id = t.learner_id where t.id = any($1::uuid[])`, [ids]);
  }

  async lockOpenOfAssignee(em: EntityManager, assigneeId: string): Promise<TicketRow[]> {
    // Lock in id order like lockMany (no deadlocks between the two), then hand them back oldest first.
    const rows: Array<{ id: string }> = await em.query(
      `select id from tickets where assignee_id = $1 and status in ('new','open','pending') order by id for update`,
      [assigneeId],
    );
    if (!rows.length) return [];
    const full: TicketRow[] = await this.lockMany(
      em,
      rows.map((r) => r.id),
    );
    return full.sort((x, y) => new Date(x.created_at).getTime() - new Date(y.created_at).getTime() || x.id.localeCompare(y.id));
  }

  async findByExternalId(externalId: string, em?: EntityManager): Promise<TicketRow | null> {
    const [row] = await this.q(em).query(`select t.id from tickets t where t.external_id = $1`, [externalId]);
    return row ? this.findById(row.id, em) : null;
  }

  /** The learner, when it exists and the caller may see it (one answer for both, so nothing leaks). */
  async findLearner(
    em: EntityManager,
    actor: Actor,
    by: { id?: string; externalId?: string },
  ): Promise<{ id: string; owner_advisor_id: string | null } | null> {
    const params: unknown[] = [by.id ?? by.externalId];
    const match = by.id ? 'l.id = $1' : 'l.external_id = $1';
    const [row] = await em.query(`select l.id, l.owner_advisor_id from learners l where ${match} and ${learnerVisibilitySql(actor, params, 'l')}`, params);
    return row ?? null;
  }

  async insert(em: EntityManager, t: NewTicket): Promise<string> {
    const [row] = await em.query(
      `insert into tickets (external_id, learner_id, category, priority, subject, body, status, team_id, created_by_type, created_by_id, created_at, updated_at)
       values ($1, $2, $3, $4, $5, $6, 'new', $7, $8, $9, $10, $10)
       on conflict (external_id) where external_id is not null do nothing
       returning id`,
      [t.externalId, t.learnerId, t.category, t.priority, t.subject, t.body, t.teamId, t.createdByType, t.createdById, t.createdAt],
    );
    return row?.id ?? null;
  }

  /** Column patch (snake_case keys); `updated_at` is always stamped. */
  async update(em: EntityManager, id: string, patch: Record<string, unknown>, at: Date): Promise<void> {
    const keys = Object.keys(patch).filter((k) => /^[a-z_]+$/.test(k));
    const sets = keys.map((k, i) => `${k} = $${i + 3}`);
    await em.query(`update tickets set ${[...sets, 'updated_at = $2'].join(', ')} where id = $1`, [id, at, ...keys.map((k) => patch[k])]);
  }

  /** update(), returning the ticket as it is now (with its learner's name) in the same statement. */
  async updateReturning(em: EntityManager, id: string, patch: Record<string, unknown>, at: Date): Promise<TicketRow | null> {
    const keys = Object.keys(patch).filter((k) => /^[a-z_]+$/.test(k));
    const sets = keys.map((k, i) => `${k} = $${i + 3}`);
    const [rows] = await em.query(
      `update tickets t set ${[...sets, 'updated_at = $2'].join(', ')} from learners l where t.id = $1 and l.id = t.learner_id returning ${TICKET_COLS}`,
      [id, at, ...keys.map((k) => patch[k])],
    );
    return rows?.[0] ?? null;
  }

  list(f: TicketListFilter): Promise<TicketRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.scope && 'assigneeId' in f.scope) where.push(`t.assignee_id = ${p(f.scope.assigneeId)}`);
    else if (f.scope)
      where.push(`(t.team_id = any(${p(f.scope.teamIds)}::uuid[]) or t.assignee_id = ${p(f.scope.staffId)} or t.escalated_to_id = $${params.length})`);
    if (f.status) where.push(`t.status = ${p(f.status)}`);
    if (f.assigneeId) where.push(`t.assignee_id = ${p(f.assigneeId)}`);
    if (f.teamId) where.push(`t.team_id = ${p(f.teamId)}`);
    if (f.learnerId) where.push(`t.learner_id = ${p(f.learnerId)}`);
    if (f.category) where.push(`t.category = ${p(f.category)}`);
    if (f.unassigned) where.push(`t.assignee_id is null and t.status = any('{${OPEN_STATUSES.join(',')}}'::text[])`);
    if (f.sla) {
      const now = p(f.sla.now);
      const frBreached = `(t.first_response_due_at is not null and case when t.first_responded_at is not null then t.first_responded_at > t.first_response_due_at else ${now}::timestamptz >= t.first_response_due_at end)`;
      const resStop = `case when t.status in ('resolved','closed') then t.resolved_at when t.status = 'pending' then t.pending_since else ${now}::timestamptz end`;
      const resBreached = `(t.resolution_due_at is not null and case when t.status in ('resolved','closed') then t.resolved_at > t.resolution_due_at else ${resStop} >= t.resolution_due_at end)`;
      const breached = `(${frBreached} or ${resBreached})`;
      const warning = `((t.first_responded_at is null and t.status not in ('resolved','closed') and ${now}::timestamptz >= t.first_response_warn_at)
        or (t.status not in ('resolved','closed') and ${resStop} >= t.resolution_warn_at))`;
      where.push(f.sla.state === 'breached' ? breached : `(${warning} and not ${breached})`);
    }
    if (f.after) where.push(`(t.created_at, t.id) < (${p(f.after.createdAt)}::timestamptz, ${p(f.after.id)}::uuid)`);
    return this.dataSource.query(
      `select ${TICKET_COLS} from tickets t join learners l on l.id = t.learner_id
        ${where.length ? `where ${where.join(' and ')}` : ''}
        order by t.created_at desc, t.id desc limit ${p(f.limit + 1)}`,
      params,
    );
  }

  async insertMessage(
    em: EntityManager,
    m: {
      ticketId: string;
      authorType: 'staff' | 'learner' | 'system';
      authorId: string | null;
      body: string;
      internal: boolean;
      kbArticleId: string | null;
      externalId: string | null;
      at: Date;
    },
  ): Promise<string | null> {
    const [row] = await em.query(
      `insert into ticket_messages (ticket_id, author_type, author_id, body, internal, kb_article_id, external_id, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)
       on conflict (ticket_id, external_id) where external_id is not null do nothing returning id`,
      [m.ticketId, m.authorType, m.authorId, m.body, m.internal, m.kbArticleId, m.externalId, m.at],
    );
    return row?.id ?? null;
  }

  async findMessageByExternalId(em: EntityManager, ticketId: string, externalId: string): Promise<string | null> {
    const [row] = await em.query(`select id from ticket_messages where ticket_id = $1 and external_id = $2`, [ticketId, externalId]);
    return row?.id ?? null;
  }

  messages(ticketId: string): Promise<
    Array<{
      id: string;
      author_type: 'staff' | 'learner' | 'system';
      author_id: string | null;
      body: string;
      internal: boolean;
      kb_article_id: string | null;
      created_at: Date;
    }>
  > {
    return this.dataSource.query(
      `select id, author_type, author_id, body, internal, kb_article_id, created_at from ticket_messages where ticket_id = $1 order by created_at, id`,
      [ticketId],
    );
  }

  /** Who receives the team's escalations: its supervisor, or the admins when it has none. */
  async escalationTarget(em: EntityManager, teamId: string | null): Promise<EscalationTarget> {
    return (await escalationTargets(em, [teamId]))(teamId);
  }

  async findStaff(em: EntityManager, id: string): Promise<{ id: string; role: string; team_id: string | null; status: string } | null> {
    const [row] = await em.query(`select id, role, team_id, status from staff where id = $1`, [id]);
    return row ?? null;
  }

  /** Oldest unassigned open tickets of a team, locked (skipping rows another backfill holds). */
  async lockPool(em: EntityManager, teamId: string, limit: number): Promise<Array<{ id: string; learner_id: string }>> {
    return em.query(
      `select id, learner_id from tickets where team_id = $1 and assignee_id is null and status in ('new','open','pending')
        order by created_at, id limit $2 for update skip locked`,
      [teamId, limit],
    );
  }

  async teamOf(em: EntityManager, staffId: string): Promise<string | null> {
    const [row] = await em.query(`select team_id from staff where id = $1`, [staffId]);
    return row?.team_id ?? null;
  }

  openForLearner(learnerId: string): Promise<TicketRow[]> {
    return this.dataSource.query(
      `select ${TICKET_COLS} from tickets t join learners l on l.id = t.learner_id
        where t.learner_id = $1 and t.status in ('new','open','pending') order by t.created_at desc`,
      [learnerId],
    );
  }

  allForLearner(learnerId: string, limit: number): Promise<TicketRow[]> {
    return this.dataSource.query(
      `select ${TICKET_COLS} from tickets t join learners l on l.id = t.learner_id where t.learner_id = $1 order by t.created_at desc limit $2`,
      [learnerId, limit],
    );
  }

  /** Pooled tickets handed to advisors (backfill), in one statement. */
  async assignMany(em: EntityManager, picks: Array<{ id: string; advisorId: string }>, now: Date): Promise<void> {
    await em.query(
      `update tickets t set assignee_id = v.advisor_id, assigned_at = $3, updated_at = $3
         from unnest($1::uuid[], $2::uuid[]) as v(id, advisor_id) where t.id = v.id`,
      [picks.map((c) => c.id), picks.map((c) => c.advisorId), now],
    );
  }
}
