import { addBusinessMinutes, type BusinessCalendar } from '../common/business-time.js';
import type { SlaState, TicketRow } from './ticket.types.js';

/** Warnings go out when 80% of a target's business time has passed. */
export const WARNING_SHARE = 0.8;

export interface SlaTargets {
  firstResponseDueAt: Date;
  firstResponseWarnAt: Date;
  resolutionDueAt: Date;
  resolutionWarnAt: Date;
}

/**
 * Deadlines of a ticket opened at `createdAt`. The resolution clock is stopped while the ticket waits on the
 * learner: `pausedMinutes` business minutes spent pending (or resolved before a reopen) push it out.
 */
export function computeTargets(
  cal: BusinessCalendar,
  policy: { firstResponseMinutes: number; resolutionMinutes: number },
  createdAt: Date,
  pausedMinutes: number,
): SlaTargets {
  return {
    firstResponseDueAt: addBusinessMinutes(cal, createdAt, policy.firstResponseMinutes),
    firstResponseWarnAt: addBusinessMinutes(cal, createdAt, policy.firstResponseMinutes * WARNING_SHARE),
    resolutionDueAt: addBusinessMinutes(cal, createdAt, policy.resolutionMinutes + pausedMinutes),
    resolutionWarnAt: addBusinessMinutes(cal, createdAt, policy.resolutionMinutes * WARNING_SHARE + pausedMinutes),
  };
}

type SlaFields = Pick<
  TicketRow,
  | 'status'
  | 'first_response_due_at'
  | 'first_response_warn_at'
  | 'first_responded_at'
  | 'resolution_due_at'
  | 'resolution_warn_at'
  | 'resolved_at'
  | 'pending_since'
>;

function state(due: Date | null, warn: Date | null, doneAt: Date | null, clockAt: Date): SlaState | null {
  if (!due) return null;
  if (doneAt) return doneAt.getTime() <= due.getTime() ? 'met' : 'breached';
  if (clockAt.getTime() >= due.getTime()) return 'breached';
  if (warn && clockAt.getTime() >= warn.getTime()) return 'warning';
  return 'on_track';
}

/** Where each clock stands at `now`. A pending ticket's resolution clock reads as of when it stopped. */
export function slaStatus(t: SlaFields, now: Date): { firstResponse: SlaState | null; resolution: SlaState | null } {
  const resolutionDone = t.status === 'resolved' || t.status === 'closed' ? (t.resolved_at ?? now) : null;
  const resolutionClock = t.status === 'pending' && t.pending_since ? t.pending_since : now;
  return {
    firstResponse: state(t.first_response_due_at, t.first_response_warn_at, t.first_responded_at, now),
    resolution: state(t.resolution_due_at, t.resolution_warn_at, resolutionDone, resolutionClock),
  };
}

export interface SlaCheck {
  target: 'first_response' | 'resolution';
  kind: 'warning' | 'breach';
  at: Date;
}

type CheckFields = SlaFields & Pick<TicketRow, 'first_response_warned_at' | 'first_response_breached_at' | 'resolution_warned_at' | 'resolution_breached_at'>;

/**
 * The delayed checks a ticket needs right now: a warning and a breach per target whose clock is running
 * (first response until answered; resolution while not pending, resolved or closed), minus those already done
 * (a warning is pointless once its target is breached).
 */
export function pendingChecks(t: CheckFields): SlaCheck[] {
  const out: SlaCheck[] = [];
  const finished = t.status === 'resolved' || t.status === 'closed';
  if (!t.first_responded_at && !finished) {
    if (t.first_response_warn_at && !t.first_response_warned_at && !t.first_response_breached_at)
      out.push({ target: 'first_response', kind: 'warning', at: t.first_response_warn_at });
    if (t.first_response_due_at && !t.first_response_breached_at) out.push({ target: 'first_response', kind: 'breach', at: t.first_response_due_at });
  }
  if (!finished && t.status !== 'pending') {
    if (t.resolution_warn_at && !t.resolution_warned_at && !t.resolution_breached_at)
      out.push({ target: 'resolution', kind: 'warning', at: t.resolution_warn_at });
    if (t.resolution_due_at && !t.resolution_breached_at) out.push({ target: 'resolution', kind: 'breach', at: t.resolution_due_at });
  }
  return out;
}

export function checkKey(c: SlaCheck): string {
  return `${c.target}/${c.kind}/${c.at.getTime()}`;
}
