import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DomainEvent } from '../outbox/outbox.service.js';
import { businessMinutesBetween } from '../common/business-time.js';
import { DeskConfigRepository, toBusinessCalendar } from './desk-config.repository.js';
import { checkKey, computeTargets, pendingChecks } from './sla-clock.js';
import type { TicketCategory, TicketPriority, TicketRow } from './ticket.types.js';
import { ticketEvent } from './ticket-views.js';

/**
 * A ticket's SLA state as its status changes: the policy and deadlines it gets, the business time spent pending
 * (added to the resolution clock's pause), the stamps each status sets, and the event that reschedules its checks.
 */
@Injectable()
export class TicketSlaState {
  constructor(private readonly config: DeskConfigRepository) {}

  /** Policy match and deadlines for a ticket (no policy: no SLA). */
  async slaPatch(
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
  async resume(em: EntityManager, t: TicketRow, now: Date): Promise<Record<string, unknown>> {
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

  async statusPatch(em: EntityManager, t: TicketRow, status: 'open' | 'pending' | 'resolved' | 'closed', now: Date): Promise<Record<string, unknown>> {
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
  slaChanged(before: TicketRow, after: TicketRow): DomainEvent[] {
    const was = pendingChecks(before);
    const now = pendingChecks(after);
    const nowKeys = new Set(now.map(checkKey));
    const wasKeys = new Set(was.map(checkKey));
    const obsolete = was.filter((c) => !nowKeys.has(checkKey(c)));
    const added = now.filter((c) => !wasKeys.has(checkKey(c)));
    if (!obsolete.length && !added.length) return [];
    return [ticketEvent(after, 'ticket.sla_changed', { obsolete: obsolete.map((c) => ({ target: c.target, kind: c.kind, at: c.at.toISOString() })) })];
  }
}
