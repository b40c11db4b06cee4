import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service.js';
import { isAdmin, isSupervisorOf, type Actor } from '../access/actor.js';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { OutboxService, type DomainEvent } from '../outbox/outbox.service.js';
import type { TicketRow } from './ticket.types.js';
import { canSee, toTicketView, type TicketView } from './ticket-views.js';
import { TicketsRepository } from './tickets.repository.js';

/** How many pool tickets one backfill pass assigns at most (it runs again on the next freed capacity). */
const BACKFILL_BATCH = 200;

/**
 * Who works a ticket: a supervisor's assignment and bulk reassignment (to a person, or back through the shared
 * assignment policy), and the backfill that hands pooled tickets to whoever has room when capacity frees up.
 */
@Injectable()
export class TicketAssignmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: TicketsRepository,
    private readonly assignment: AssignmentService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  async assign(actor: Actor, id: string, assigneeId: string, reason: string): Promise<TicketView> {
    const [view] = await this.reassign(actor, { ticketIds: [id], toAssigneeId: assigneeId, reason }, 'assigneeId');
    return view;
  }

  /**
   * Supervisors move tickets of their teams (admins: any), with a reason; all or nothing. The tickets are the
   * listed ones (`ticketIds`) or every open ticket of one person (`fromAssigneeId`, e.g. someone away); they go
   * to `toAssigneeId`, or without it through the assignment policy (the previous holder excluded; no room: pool).
   */
  async reassign(
    actor: Actor,
    input: { ticketIds?: string[]; fromAssigneeId?: string; toAssigneeId?: string; reason: string },
    targetField = 'toAssigneeId',
  ): Promise<TicketView[]> {
    if (!(isAdmin(actor) || (actor.kind === 'staff' && actor.role === 'supervisor')))
      throw DomainError.forbidden('Only supervisors and admins can reassign tickets');
    if (!input.ticketIds === !input.fromAssigneeId) throw DomainError.field('ticketIds', 'give either ticketIds or fromAssigneeId (exactly one)');
    if (input.fromAssigneeId && input.fromAssigneeId === input.toAssigneeId) throw DomainError.field('toAssigneeId', 'must differ from fromAssigneeId');
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      let rows: TicketRow[];
      if (input.fromAssigneeId) {
        const from = await this.repo.findStaff(em, input.fromAssigneeId);
        if (!from) throw DomainError.field('fromAssigneeId', `staff ${input.fromAssigneeId} does not exist`);
        if (!isSupervisorOf(actor, from.team_id)) throw DomainError.forbidden("Supervisors can only move tickets of their own teams' people");
        rows = await this.repo.lockOpenOfAssignee(em, input.fromAssigneeId);
      } else {
        const ids = [...new Set(input.ticketIds!)];
        rows = await this.repo.lockMany(em, ids);
        const byId = new Map(rows.map((r) => [r.id, r]));
        for (const tid of ids) {
          const t = byId.get(tid);
          if (!t || !canSee(actor, t)) throw DomainError.notFound('ticket', tid);
          if (!isSupervisorOf(actor, t.team_id)) throw DomainError.forbidden(`Only the supervisor of ticket ${tid}'s team can reassign it`);
        }
        rows = ids.map((tid) => byId.get(tid)!);
      }
      let moves: Array<{ t: TicketRow; to: string | null; teamId: string | null; why: string }>;
      if (input.toAssigneeId) {
        const target = await this.repo.findStaff(em, input.toAssigneeId);
        if (!target || target.role === 'admin') throw DomainError.field(targetField, 'must be the id of an advisor or supervisor');
        if (target.status === 'inactive') throw DomainError.field(targetField, 'this person is inactive');
        if (!isAdmin(actor) && !(actor.kind === 'staff' && target.team_id && actor.teamIds.includes(target.team_id))) {
          throw DomainError.field(targetField, 'must be a member of a team you supervise');
        }
        await this.assignment.stampAssigned(em, [target.id]);
        // Moving a ticket to someone in another team hands it to that team as well.
        moves = rows.filter((t) => t.assignee_id !== target.id).map((t) => ({ t, to: target.id, teamId: target.team_id ?? t.team_id, why: input.reason }));
      } else {
        const decisions = await this.assignment.chooseMany(
          em,
          'ticket',
          rows.map((t) => ({ teamId: t.team_id, excludeAdvisorIds: t.assignee_id ? [t.assignee_id] : [] })),
        );
        moves = rows.map((t, i) => ({ t, to: decisions[i].advisorId, teamId: t.team_id, why: `${input.reason} (policy: ${decisions[i].reason})` }));
      }
      const audits: AuditRecord[] = [];
      const events: DomainEvent[] = [];
      const freedTeams = new Set<string>();
      for (const m of moves) {
        await this.repo.update(em, m.t.id, { assignee_id: m.to, assigned_at: m.to ? now : null, team_id: m.teamId }, now);
        if (m.t.team_id && m.t.assignee_id) freedTeams.add(m.t.team_id);
        audits.push({
          actor,
          action: 'ticket.reassigned',
          entity: 'ticket',
          entityId: m.t.id,
          before: { assigneeId: m.t.assignee_id, teamId: m.t.team_id },
          after: { assigneeId: m.to, teamId: m.teamId },
          reason: m.why,
        });
        events.push({
          aggregateType: 'ticket',
          aggregateId: m.t.id,
          eventType: 'ticket.assigned',
          payload: { ticketId: m.t.id, assigneeId: m.to, previousAssigneeId: m.t.assignee_id, teamId: m.teamId, reason: input.reason },
        });
      }
      await this.audit.record(em, audits);
      await this.outbox.publish(em, events);
      // Only when moving away from someone chosen by hand: a policy move never frees room the pool could use.
      if (input.toAssigneeId) for (const team of freedTeams) await this.backfillTeam(em, team);
      const ids = rows.map((t) => t.id);
      const after = await this.repo.lockMany(em, ids);
      const order = new Map(ids.map((tid, i) => [tid, i]));
      return after.sort((a, b) => order.get(a.id)! - order.get(b.id)!).map((t) => toTicketView(t, now));
    });
  }

  /** Gives a team's unassigned open tickets (oldest first) to advisors with room; returns how many moved. */
  async backfill(teamId: string | null, why: string): Promise<number> {
    if (!teamId) return 0;
    return this.dataSource.transaction((em) => this.backfillTeam(em, teamId, why));
  }

  async backfillTeam(em: EntityManager, teamId: string | null, why = 'capacity freed'): Promise<number> {
    if (!teamId) return 0;
    const pool = await this.repo.lockPool(em, teamId, BACKFILL_BATCH);
    if (!pool.length) return 0;
    const decisions = await this.assignment.chooseMany(
      em,
      'ticket',
      pool.map(() => ({ teamId })),
    );
    const now = this.clock.now();
    const audits: AuditRecord[] = [];
    const events: DomainEvent[] = [];
    pool.forEach((p, i) => {
      const d = decisions[i];
      if (!d.advisorId) return;
      audits.push({
        actor: { kind: 'system', id: 'careloop' },
        action: 'ticket.assigned',
        entity: 'ticket',
        entityId: p.id,
        after: { assigneeId: d.advisorId, teamId },
        reason: `backfill (${why}): ${d.reason}`,
      });
      events.push({
        aggregateType: 'ticket',
        aggregateId: p.id,
        eventType: 'ticket.assigned',
        payload: { ticketId: p.id, assigneeId: d.advisorId, previousAssigneeId: null, teamId, reason: 'backfill' },
      });
    });
    const chosen = pool.map((p, i) => ({ id: p.id, advisorId: decisions[i].advisorId })).filter((x) => x.advisorId);
    if (chosen.length) {
      await this.repo.assignMany(em, chosen as Array<{ id: string; advisorId: string }>, now);
    }
    await this.audit.record(em, audits);
    await this.outbox.publish(em, events);
    return chosen.length;
  }
}
