import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service.js';
import { isAdmin, isSupervisorOf, seesAllTeams, type Actor } from '../access/actor.js';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { OutboxService, type DomainEvent } from '../outbox/outbox.service.js';
import { businessMinutesBetween } from './business-time.js';
import { DeskConfigRepository, toBusinessCalendar } from './desk-config.repository.js';
import { searchTerms } from './kb-terms.js';
import { KbRepository } from './kb.repository.js';
import { KbService, type KbArticleView } from './kb.service.js';
import { checkKey, computeTargets, pendingChecks, slaStatus } from './sla-clock.js';
import { OPEN_STATUSES, type TicketCategory, type TicketMessageView, type TicketPriority, type TicketRow, type TicketStatus } from './ticket.types.js';
import { TicketsRepository } from './tickets.repository.js';

export interface CreateTicketInput {
  learnerId?: string;
  learnerExternalId?: string;
  externalId?: string;
  category: TicketCategory;
  priority?: TicketPriority;
  subject: string;
  body: string;
}

export interface AddMessageInput {
  body?: string;
  internal?: boolean;
  /** Staff only: move the ticket to pending (waiting on the learner), back to open, or resolve it with this reply. */
  status?: 'open' | 'pending' | 'resolved';
  /** Staff only: the knowledge-base article this reply uses (its body is the reply when `body` is omitted). */
  kbArticleId?: string;
  /** Integrations: the message id in the source system, so a replayed reply changes nothing. */
  externalId?: string;
}

export interface UpdateTicketInput {
  category?: TicketCategory;
  priority?: TicketPriority;
  subject?: string;
  status?: 'open' | 'pending' | 'closed';
}

export function toTicketView(t: TicketRow, now: Date) {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  return {
    id: t.id,
    externalId: t.external_id,
    learnerId: t.learner_id,
    learnerExternalId: t.learner_external_id,
    learnerName: t.learner_name,
    category: t.category,
    priority: t.priority,
    subject: t.subject,
    body: t.body,
    status: t.status,
    assigneeId: t.assignee_id,
    teamId: t.team_id,
    slaPolicyId: t.sla_policy_id,
    createdAt: iso(t.created_at)!,
    updatedAt: iso(t.updated_at)!,
    firstResponseDueAt: iso(t.first_response_due_at),
    firstRespondedAt: iso(t.first_responded_at),
    resolutionDueAt: iso(t.resolution_due_at),
    resolvedAt: iso(t.resolved_at),
    closedAt: iso(t.closed_at),
    /** Set while the resolution clock is stopped (waiting on the learner). */
    slaPausedSince: t.status === 'pending' ? iso(t.pending_since) : null,
    pausedBusinessMinutes: Math.round(Number(t.paused_minutes) * 100) / 100,
    escalatedAt: iso(t.escalated_at),
    escalatedToId: t.escalated_to_id,
    slaStatus: slaStatus(t, now),
  };
}
export type TicketView = ReturnType<typeof toTicketView>;
export type TicketDetailView = TicketView & { messages: TicketMessageView[]; suggestedArticles: KbArticleView[] };

/** How many pool tickets one backfill pass assigns at most (it runs again on the next freed capacity). */
const BACKFILL_BATCH = 200;

/**
 * The support desk's tickets: intake from staff and integrations, routing by category to a team and the
 * shared assignment policy inside it, SLA clocks on business calendars, messages and status changes.
 */
@Injectable()
export class TicketsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: TicketsRepository,
    private readonly config: DeskConfigRepository,
    private readonly kb: KbService,
    private readonly kbRepo: KbRepository,
    private readonly assignment: AssignmentService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
  ) {}

  // ---- intake ------------------------------------------------------------------------------------

  async create(actor: Actor, input: CreateTicketInput): Promise<TicketView & { created: boolean }> {
    if (actor.kind === 'api_client' && !actor.scopes.includes('sync:write')) throw DomainError.forbidden('Creating tickets needs the scope sync:write');
    if (!input.learnerId === !input.learnerExternalId) throw DomainError.field('learnerId', 'give exactly one of learnerId or learnerExternalId');
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      if (input.externalId) {
        // A replay answers only what the caller may see: another team's ticket is not found, not returned.
        const existing = await this.repo.findByExternalId(input.externalId, em);
        if (existing) return this.replayed(actor, existing, now);
      }
      // Staff open tickets only for learners they may see; the same answer whether the learner is missing or
      // hidden, so the error never confirms that a learner exists.
      const learner = await this.repo.findLearner(em, actor, { id: input.learnerId, externalId: input.learnerExternalId });
      if (!learner) {
        throw input.learnerId
          ? DomainError.field('learnerId', 'does not name a learner you can see')
          : DomainError.field('learnerExternalId', 'does not name a learner you can see');
      }
      const teamId = await this.config.routeFor(em, input.category);
      const id = await this.repo.insert(em, {
        externalId: input.externalId ?? null,
        learnerId: learner.id,
        category: input.category,
        priority: input.priority ?? 'medium',
        subject: input.subject.trim(),
        body: input.body,
        teamId,
        createdByType: actor.kind,
        createdById: actor.id,
        createdAt: now,
      });
      if (!id) {
        // A concurrent request with the same externalId won the insert: answer with its ticket.
        const other = (await this.repo.findByExternalId(input.externalId!, em))!;
        return this.replayed(actor, other, now);
      }
      await this.repo.update(
        em,
        id,
        await this.slaPatch(em, { category: input.category, priority: input.priority ?? 'medium', createdAt: now, pausedMinutes: 0 }),
        now,
      );
      // Continuity only within the responsible team: the owner answers a billing question only if they are on billing.
      const ownerTeam = learner.owner_advisor_id ? await this.repo.teamOf(em, learner.owner_advisor_id) : null;
      const decision = await this.assignment.choose(em, {
        kind: 'ticket',
        teamId,
        preferredAdvisorId: learner.owner_advisor_id && (!teamId || ownerTeam === teamId) ? learner.owner_advisor_id : null,
      });
      if (decision.advisorId) await this.repo.update(em, id, { assignee_id: decision.advisorId, assigned_at: now }, now);
      const row = (await this.repo.findById(id, em))!;
      const view = toTicketView(row, now);
      const audits: AuditRecord[] = [{ actor, action: 'ticket.created', entity: 'ticket', entityId: id, after: view }];
      audits.push({
        actor,
        action: decision.advisorId ? 'ticket.assigned' : 'ticket.pooled',
        entity: 'ticket',
        entityId: id,
        after: { assigneeId: decision.advisorId, teamId },
        reason: decision.reason,
      });
      await this.audit.record(em, audits);
      const events: DomainEvent[] = [
        this.event(row, 'ticket.created', { category: row.category, priority: row.priority, teamId, assigneeId: row.assignee_id }),
      ];
      if (row.category === 'complaint') await this.recordComplaint(em, row);
      await this.outbox.publish(em, events);
      return { ...view, created: true };
    });
  }

  private replayed(actor: Actor, t: TicketRow, now: Date): TicketView & { created: boolean } {
    if (!canSee(actor, t)) throw DomainError.notFound('ticket', t.external_id ?? t.id);
    return { ...toTicketView(t, now), created: false };
  }

  // ---- reading -----------------------------------------------------------------------------------

  async list(
    actor: Actor,
    f: {
      status?: TicketStatus;
      assigneeId?: string;
      teamId?: string;
      learnerId?: string;
      category?: TicketCategory;
      unassigned?: boolean;
      sla?: 'breached' | 'warning';
      limit?: number;
      cursor?: string;
    },
  ): Promise<Page<TicketView>> {
    const limit = pageLimit(f.limit);
    const after = decodeCursor(f.cursor, 2);
    const scope =
      seesAllTeams(actor) || actor.kind !== 'staff'
        ? null
        : actor.role === 'advisor'
          ? { assigneeId: actor.id }
          : { teamIds: actor.teamIds, staffId: actor.id };
    const now = this.clock.now();
    const rows = await this.repo.list({
      ...f,
      sla: f.sla ? { state: f.sla, now } : undefined,
      scope,
      after: after ? { createdAt: String(after[0]), id: String(after[1]) } : undefined,
      limit,
    });
    return toPage(
      rows,
      limit,
      (t) => [new Date(t.created_at).toISOString(), t.id],
      (t) => toTicketView(t, now),
    );
  }

  async get(actor: Actor, id: string): Promise<TicketDetailView> {
    const row = await this.repo.findById(id);
    if (!row || !canSee(actor, row)) throw DomainError.notFound('ticket', id);
    const isStaff = actor.kind === 'staff' || actor.kind === 'system';
    const messages = (await this.repo.messages(id))
      .filter((m) => isStaff || !m.internal)
      .map((m) => ({
        id: m.id,
        authorType: m.author_type,
        authorId: m.author_id,
        body: m.body,
        internal: m.internal,
        kbArticleId: m.kb_article_id,
        createdAt: new Date(m.created_at).toISOString(),
      }));
    const suggestedArticles = await this.kb.suggest(`${row.subject}\n${row.body}`, row.category);
    return { ...toTicketView(row, this.clock.now()), messages, suggestedArticles };
  }

  /**
   * Open tickets of a learner that the caller may see, for the learner view (the caller has already checked
   * learner visibility; seeing a learner does not mean seeing another team's tickets about them).
   */
  async openTicketsFor(actor: Actor, learnerId: string): Promise<TicketView[]> {
    const now = this.clock.now();
    return (await this.repo.openForLearner(learnerId)).filter((t) => canSee(actor, t)).map((t) => toTicketView(t, now));
  }

  /**
   * Timeline entries for a learner (newest first), of the tickets the caller may see: each ticket's opening,
   * first response, resolution and any SLA breach, with the SLA outcome. `at` is ISO time; `type` is stable.
   */
  async timelineEntriesFor(
    actor: Actor,
    learnerId: string,
    limit = 200,
  ): Promise<Array<{ at: string; type: string; ticketId: string; summary: string; data: Record<string, unknown> }>> {
    const now = this.clock.now();
    const entries: Array<{ at: string; type: string; ticketId: string; summary: string; data: Record<string, unknown> }> = [];
    for (const t of (await this.repo.allForLearner(learnerId, limit)).filter((row) => canSee(actor, row))) {
      const sla = slaStatus(t, now);
      const data = { category: t.category, priority: t.priority, status: t.status, slaStatus: sla };
      const push = (at: Date | null, type: string, summary: string) =>
        at && entries.push({ at: new Date(at).toISOString(), type, ticketId: t.id, summary, data });
      push(t.created_at, 'ticket.opened', `Ticket opened (${t.category}, ${t.priority}): ${t.subject}`);
      push(t.first_responded_at, 'ticket.first_response', `First response ${sla.firstResponse === 'met' ? 'within' : 'outside'} SLA`);
      push(t.first_response_breached_at, 'ticket.sla_breached', 'First-response SLA breached');
      push(t.resolution_breached_at, 'ticket.sla_breached', 'Resolution SLA breached');
      push(t.resolved_at, 'ticket.resolved', `Ticket resolved ${sla.resolution === 'met' ? 'within' : 'outside'} SLA`);
      push(t.closed_at, 'ticket.closed', 'Ticket closed');
    }
    return entries.sort((a, b) => b.at.localeCompare(a.at));
  }

  // ---- conversation and status -------------------------------------------------------------------

  async addMessage(actor: Actor, id: string, input: AddMessageInput): Promise<TicketDetailView> {
    if (actor.kind === 'api_client') {
      if (!actor.scopes.includes('sync:write')) throw DomainError.forbidden('Posting learner replies needs the scope sync:write');
      if (input.internal) throw DomainError.field('internal', 'learner replies cannot be internal notes');
      if (input.status) throw DomainError.field('status', 'learner replies cannot set the status');
      if (input.kbArticleId) throw DomainError.field('kbArticleId', 'only staff replies can use an article');
    } else if (input.externalId) {
      throw DomainError.field('externalId', 'is for integrations posting learner replies');
    }
    if (input.internal && input.status) throw DomainError.field('status', 'an internal note cannot change the status');
    const now = this.clock.now();
    await this.dataSource.transaction(async (em) => {
      const t = await this.repo.lock(em, id);
      if (!t || !canSee(actor, t)) throw DomainError.notFound('ticket', id);
      if (input.externalId && (await this.repo.findMessageByExternalId(em, id, input.externalId))) return; // replay
      let body = input.body;
      if (input.kbArticleId) {
        const article = await this.kbRepo.findById(input.kbArticleId, em);
        if (!article) throw DomainError.field('kbArticleId', `article ${input.kbArticleId} does not exist`);
        body ??= article.body;
      }
      if (!body || !body.trim()) throw DomainError.field('body', 'must not be empty');
      const fromLearner = actor.kind === 'api_client';
      if (t.status === 'closed') throw DomainError.conflict('This ticket is closed; open a new ticket instead');
      const messageId = await this.repo.insertMessage(em, {
        ticketId: id,
        authorType: fromLearner ? 'learner' : 'staff',
        authorId: actor.id,
        body,
        internal: !!input.internal,
        kbArticleId: input.kbArticleId ?? null,
        externalId: input.externalId ?? null,
        at: now,
      });
      if (!messageId) return; // concurrent replay of the same externalId
      if (input.kbArticleId) {
        await this.kbRepo.recordUse(em, {
          articleId: input.kbArticleId,
          ticketId: id,
          messageId,
          staffId: actor.kind === 'staff' ? actor.id : null,
          category: t.category,
          questionTerms: searchTerms(t.subject, t.body),
          at: now,
        });
      }
      const patch: Record<string, unknown> = {};
      const events: DomainEvent[] = [];
      const audits: AuditRecord[] = [];
      if (fromLearner) {
        // A learner reply restarts a pending clock and reopens a resolved ticket.
        if (t.status === 'pending' || t.status === 'resolved') {
          Object.assign(patch, await this.resume(em, t, now), { status: 'open' });
          if (t.status === 'resolved') {
            audits.push({
              actor,
              action: 'ticket.reopened',
              entity: 'ticket',
              entityId: id,
              before: { status: t.status },
              after: { status: 'open' },
              reason: 'learner replied',
            });
          }
        }
      } else if (!input.internal) {
        if (!t.first_responded_at) patch.first_responded_at = now;
        if (t.status === 'new') patch.status = 'open';
        if (input.status) Object.assign(patch, await this.statusPatch(em, t, input.status, now));
      }
      if (Object.keys(patch).length) await this.repo.update(em, id, patch, now);
      else await this.repo.update(em, id, {}, now);
      const after = (await this.repo.findById(id, em))!;
      if (after.status !== t.status && !audits.length) {
        audits.push({ actor, action: 'ticket.status_changed', entity: 'ticket', entityId: id, before: { status: t.status }, after: { status: after.status } });
      }
      events.push(this.event(after, 'ticket.message_added', { messageId, authorType: fromLearner ? 'learner' : 'staff', internal: !!input.internal }));
      events.push(...this.slaChanged(t, after));
      await this.audit.record(em, audits);
      await this.outbox.publish(em, events);
      if (after.status === 'resolved') await this.backfillTeam(em, after.team_id);
    });
    return this.get(actor, id);
  }

  async update(actor: Actor, id: string, input: UpdateTicketInput, reason?: string): Promise<TicketView> {
    if (actor.kind === 'api_client') throw DomainError.forbidden('Only staff can edit tickets');
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      const t = await this.repo.lock(em, id);
      if (!t || !canSee(actor, t)) throw DomainError.notFound('ticket', id);
      if (t.status === 'closed' && input.status !== undefined && input.status !== 'closed')
        throw DomainError.conflict('This ticket is closed; open a new ticket instead');
      const patch: Record<string, unknown> = {};
      if (input.subject !== undefined && input.subject.trim() !== t.subject) patch.subject = input.subject.trim();
      const category = input.category ?? t.category;
      const priority = input.priority ?? t.priority;
      if (category !== t.category) patch.category = category;
      if (priority !== t.priority) patch.priority = priority;
      if (patch.category || patch.priority) {
        // New category or priority: the matching policy may differ, so the targets are recomputed from the opening.
        Object.assign(patch, await this.slaPatch(em, { category, priority, createdAt: new Date(t.created_at), pausedMinutes: Number(t.paused_minutes) }));
      }
      if (input.status !== undefined && input.status !== t.status) Object.assign(patch, await this.statusPatch(em, t, input.status, now));
      if (!Object.keys(patch).length) return toTicketView(t, now);
      await this.repo.update(em, id, patch, now);
      const after = (await this.repo.findById(id, em))!;
      const changed = Object.keys(patch).filter((k) => ['subject', 'category', 'priority', 'status'].includes(k));
      await this.audit.record(em, {
        actor,
        action: 'ticket.updated',
        entity: 'ticket',
        entityId: id,
        before: Object.fromEntries(changed.map((k) => [k, t[k as keyof TicketRow]])),
        after: Object.fromEntries(changed.map((k) => [k, after[k as keyof TicketRow]])),
        reason: reason ?? null,
      });
      if (after.category === 'complaint' && t.category !== 'complaint') await this.recordComplaint(em, after);
      await this.outbox.publish(em, this.slaChanged(t, after));
      if (after.status === 'closed' || after.status === 'resolved') await this.backfillTeam(em, after.team_id);
      return toTicketView(after, now);
    });
  }

  async resolve(actor: Actor, id: string, note?: string): Promise<TicketView> {
    if (actor.kind === 'api_client') throw DomainError.forbidden('Only staff can resolve tickets');
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      const t = await this.repo.lock(em, id);
      if (!t || !canSee(actor, t)) throw DomainError.notFound('ticket', id);
      if (t.status === 'resolved') return toTicketView(t, now);
      if (t.status === 'closed') throw DomainError.conflict('This ticket is already closed');
      if (note?.trim()) {
        await this.repo.insertMessage(em, {
          ticketId: id,
          authorType: 'staff',
          authorId: actor.id,
          body: note,
          internal: true,
          kbArticleId: null,
          externalId: null,
          at: now,
        });
      }
      await this.repo.update(em, id, await this.statusPatch(em, t, 'resolved', now), now);
      const after = (await this.repo.findById(id, em))!;
      const sla = slaStatus(after, now);
      await this.audit.record(em, {
        actor,
        action: 'ticket.resolved',
        entity: 'ticket',
        entityId: id,
        before: { status: t.status },
        after: { status: 'resolved', slaStatus: sla },
        reason: note ?? null,
      });
      await this.outbox.publish(em, [this.event(after, 'ticket.resolved', { slaStatus: sla }), ...this.slaChanged(t, after)]);
      await this.backfillTeam(em, after.team_id);
      return toTicketView(after, now);
    });
  }

  // ---- assignment --------------------------------------------------------------------------------

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

  private async backfillTeam(em: EntityManager, teamId: string | null, why = 'capacity freed'): Promise<number> {
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
      await em.query(
        `update tickets t set assignee_id = v.advisor_id, assigned_at = $3, updated_at = $3
           from unnest($1::uuid[], $2::uuid[]) as v(id, advisor_id) where t.id = v.id`,
        [chosen.map((c) => c.id), chosen.map((c) => c.advisorId), now],
      );
    }
    await this.audit.record(em, audits);
    await this.outbox.publish(em, events);
    return chosen.length;
  }

  // ---- SLA helpers -------------------------------------------------------------------------------

  /** Policy match and deadlines for a ticket (no policy: no SLA). */
  private async slaPatch(
    em: EntityManager,
    t: { category: TicketCategory; priority: TicketPriority; createdAt: Date; pausedMinutes: number },
  ): Promise<Record<string, unknown>> {
    const match = await this.config.matchPolicy(em, t.category, t.priority);
    if (!match) {
      return {
        sla_policy_id: null,
        calendar_id: null,
        first_response_due_at: null,
        first_response_warn_at: null,
        resolution_due_at: null,
        resolution_warn_at: null,
      };
    }
    const targets = computeTargets(
      toBusinessCalendar(match.calendar),
      { firstResponseMinutes: match.policy.first_response_minutes, resolutionMinutes: match.policy.resolution_minutes },
      t.createdAt,
      t.pausedMinutes,
    );
    return {
      sla_policy_id: match.policy.id,
      calendar_id: match.calendar.id,
      first_response_due_at: targets.firstResponseDueAt,
      first_response_warn_at: targets.firstResponseWarnAt,
      resolution_due_at: targets.resolutionDueAt,
      resolution_warn_at: targets.resolutionWarnAt,
    };
  }

  /** Leaving pending (or a reopen): the business time spent waiting is added to the resolution clock's pause. */
  private async resume(em: EntityManager, t: TicketRow, now: Date): Promise<Record<string, unknown>> {
    const stoppedAt = t.status === 'pending' ? t.pending_since : t.resolved_at;
    const patch: Record<string, unknown> = { pending_since: null };
    if (t.status === 'resolved') patch.resolved_at = null;
    if (!stoppedAt || !t.calendar_id || !t.sla_policy_id) return patch;
    const calendar = await this.config.findCalendar(t.calendar_id, em);
    const policy = await this.config.findPolicy(t.sla_policy_id, em);
    if (!calendar || !policy) return patch;
    const paused = Number(t.paused_minutes) + Math.max(0, businessMinutesBetween(toBusinessCalendar(calendar), new Date(stoppedAt), now));
    const targets = computeTargets(
      toBusinessCalendar(calendar),
      { firstResponseMinutes: policy.first_response_minutes, resolutionMinutes: policy.resolution_minutes },
      new Date(t.created_at),
      paused,
    );
    return { ...patch, paused_minutes: paused, resolution_due_at: targets.resolutionDueAt, resolution_warn_at: targets.resolutionWarnAt };
  }

  private async statusPatch(em: EntityManager, t: TicketRow, status: 'open' | 'pending' | 'resolved' | 'closed', now: Date): Promise<Record<string, unknown>> {
    if (status === t.status) return {};
    const patch: Record<string, unknown> = { status };
    const leavingStop = t.status === 'pending' || t.status === 'resolved';
    if (status === 'open') {
      if (leavingStop) Object.assign(patch, await this.resume(em, t, now));
    } else if (status === 'pending') {
      if (t.status === 'resolved') Object.assign(patch, await this.resume(em, t, now));
      patch.pending_since = now;
    } else if (status === 'resolved') {
      if (t.status === 'pending') Object.assign(patch, await this.resume(em, t, now));
      patch.resolved_at = now;
      patch.pending_since = null;
      // Resolving answers the learner: a ticket never answered before counts as first-responded now.
      if (!t.first_responded_at) patch.first_responded_at = now;
    } else if (status === 'closed') {
      if (t.status === 'pending') Object.assign(patch, await this.resume(em, t, now));
      patch.closed_at = now;
      patch.pending_since = null;
      if (!t.resolved_at) patch.resolved_at = now;
      if (!t.first_responded_at) patch.first_responded_at = now;
    }
    return patch;
  }

  /** `ticket.sla_changed` when the set of delayed checks differs; it lists the checks that became obsolete. */
  private slaChanged(before: TicketRow, after: TicketRow): DomainEvent[] {
    const was = pendingChecks(before);
    const now = pendingChecks(after);
    const nowKeys = new Set(now.map(checkKey));
    const wasKeys = new Set(was.map(checkKey));
    const obsolete = was.filter((c) => !nowKeys.has(checkKey(c)));
    const added = now.filter((c) => !wasKeys.has(checkKey(c)));
    if (!obsolete.length && !added.length) return [];
    return [this.event(after, 'ticket.sla_changed', { obsolete: obsolete.map((c) => ({ target: c.target, kind: c.kind, at: c.at.toISOString() })) })];
  }

  private async recordComplaint(em: EntityManager, t: TicketRow): Promise<void> {
    await this.repo.recordComplaint(em, {
      ticketId: t.id,
      learnerId: t.learner_id,
      occurredAt: new Date(t.created_at),
      timezone: this.appConfig.schoolTimezone,
    });
  }

  private event(t: TicketRow, eventType: string, extra: Record<string, unknown>): DomainEvent {
    return {
      aggregateType: 'ticket',
      aggregateId: t.id,
      eventType,
      payload: { ticketId: t.id, learnerId: t.learner_id, learnerExternalId: t.learner_external_id, status: t.status, ...extra },
    };
  }
}

/** Advisors see their own tickets; supervisors their teams' (and anything assigned or escalated to them); admins and API keys all. */
export function canSee(actor: Actor, t: Pick<TicketRow, 'team_id' | 'assignee_id' | 'escalated_to_id'>): boolean {
  if (actor.kind !== 'staff' || actor.role === 'admin') return true;
  if (t.assignee_id === actor.id) return true;
  if (actor.role === 'advisor') return false;
  return t.escalated_to_id === actor.id || (t.team_id !== null && actor.teamIds.includes(t.team_id));
}

export { OPEN_STATUSES };
