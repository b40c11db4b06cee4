import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service.js';
import { type Actor } from '../access/actor.js';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { OutboxService, type DomainEvent } from '../outbox/outbox.service.js';
import { DeskConfigRepository } from './desk-config.repository.js';
import { searchTerms } from './kb-terms.js';
import { KbRepository } from './kb.repository.js';
import { KbService } from './kb.service.js';
import { slaStatus } from './sla-clock.js';
import { OPEN_STATUSES, type AddMessageInput, type CreateTicketInput, type TicketRow, type UpdateTicketInput } from './ticket.types.js';
import { TicketAssignmentService } from './ticket-assignment.service.js';
import { TicketReadsService } from './ticket-reads.service.js';
import { TicketSlaState } from './ticket-sla-state.js';
import { canSee, ticketEvent, toTicketView, type TicketDetailView, type TicketView } from './ticket-views.js';
import { TicketsRepository } from './tickets.repository.js';
import { LearnerEventsRepository } from '../learners/learner-events.repository.js';

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
    private readonly sla: TicketSlaState,
    private readonly reads: TicketReadsService,
    private readonly learnerEvents: LearnerEventsRepository,
    private readonly assignments: TicketAssignmentService,
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
        await this.sla.slaPatch(em, { category: input.category, priority: input.priority ?? 'medium', createdAt: now, pausedMinutes: 0 }),
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
        ticketEvent(row, 'ticket.created', { category: row.category, priority: row.priority, teamId, assigneeId: row.assignee_id }),
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
          Object.assign(patch, await this.sla.resume(em, t, now), { status: 'open' });
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
        if (input.status) Object.assign(patch, await this.sla.statusPatch(em, t, input.status, now));
      }
      const after = (await this.repo.updateReturning(em, id, patch, now))!;
      if (after.status !== t.status && !audits.length) {
        audits.push({ actor, action: 'ticket.status_changed', entity: 'ticket', entityId: id, before: { status: t.status }, after: { status: after.status } });
      }
      events.push(ticketEvent(after, 'ticket.message_added', { messageId, authorType: fromLearner ? 'learner' : 'staff', internal: !!input.internal }));
      events.push(...this.sla.slaChanged(t, after));
      await this.audit.record(em, audits);
      await this.outbox.publish(em, events);
      if (after.status === 'resolved') await this.assignments.backfillTeam(em, after.team_id);
    });
    return this.reads.get(actor, id);
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
        Object.assign(patch, await this.sla.slaPatch(em, { category, priority, createdAt: new Date(t.created_at), pausedMinutes: Number(t.paused_minutes) }));
      }
      if (input.status !== undefined && input.status !== t.status) Object.assign(patch, await this.sla.statusPatch(em, t, input.status, now));
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
      await this.outbox.publish(em, this.sla.slaChanged(t, after));
      if (after.status === 'closed' || after.status === 'resolved') await this.assignments.backfillTeam(em, after.team_id);
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
      await this.repo.update(em, id, await this.sla.statusPatch(em, t, 'resolved', now), now);
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
      await this.outbox.publish(em, [ticketEvent(after, 'ticket.resolved', { slaStatus: sla }), ...this.sla.slaChanged(t, after)]);
      await this.assignments.backfillTeam(em, after.team_id);
      return toTicketView(after, now);
    });
  }

  private async recordComplaint(em: EntityManager, t: TicketRow): Promise<void> {
    await this.learnerEvents.recordComplaint(em, {
      ticketId: t.id,
      learnerId: t.learner_id,
      occurredAt: new Date(t.created_at),
      timezone: this.appConfig.schoolTimezone,
    });
  }
}

export { canSee, toTicketView, type TicketDetailView, type TicketView } from './ticket-views.js';
export { OPEN_STATUSES };
export type { AddMessageInput, CreateTicketInput, UpdateTicketInput } from './ticket.types.js';
