import type { Actor } from '../access/actor.js';
import type { DomainEvent } from '../outbox/outbox.service.js';
import type { KbArticleView } from './kb.service.js';
import { slaStatus } from './sla-clock.js';
import type { TicketMessageView, TicketRow } from './ticket.types.js';

/** A ticket as the API shows it, with its SLA clocks as of `now`. */
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

/** Advisors see their own tickets; supervisors their teams' (and anything assigned or escalated to them); admins and API keys all. */
export function canSee(actor: Actor, t: Pick<TicketRow, 'team_id' | 'assignee_id' | 'escalated_to_id'>): boolean {
  if (actor.kind !== 'staff' || actor.role === 'admin') return true;
  if (t.assignee_id === actor.id) return true;
  if (actor.role === 'advisor') return false;
  return t.escalated_to_id === actor.id || (t.team_id !== null && actor.teamIds.includes(t.team_id));
}

/** A domain event about a ticket, carrying who it is about and its status. */
export function ticketEvent(t: TicketRow, eventType: string, extra: Record<string, unknown>): DomainEvent {
  return {
    aggregateType: 'ticket',
    aggregateId: t.id,
    eventType,
    payload: { ticketId: t.id, learnerId: t.learner_id, learnerExternalId: t.learner_external_id, status: t.status, ...extra },
  };
}
