import type { JobName } from '../queue/jobs.js';

/**
 * Which jobs react to which domain event. The relay turns one outbox row into one job per subscriber,
 * each with the deterministic id `evt__<outboxId>__<job>`, so a row relayed twice creates each job once.
 */
export const EVENT_SUBSCRIBERS: Record<string, JobName[]> = {
  'enrollment.created': ['tasks.first-week'],
  'enrollment.status_changed': ['tasks.on-enrollment-status'],
  'alert.opened': ['cases.on-alert-opened'],
  'alert.cleared': ['cases.on-alert-cleared'],
  'rule_run.requested': ['rules.run'],
  'analytics.refresh_requested': ['analytics.refresh'],
  'ticket.created': ['tickets.schedule-sla'],
  'ticket.sla_changed': ['tickets.schedule-sla'],
  'staff.updated': ['tickets.backfill', 'cases.backfill'],
  'case.capacity_freed': ['cases.backfill'],
};

/** Events that integrations may subscribe to with a webhook; each also goes to webhooks.fan-out. */
export const WEBHOOK_EVENTS = [
  'alert.opened',
  'alert.cleared',
  'case.opened',
  'case.assigned',
  'case.escalated',
  'case.resolved',
  'task.due',
  'learner.reminder',
  'ticket.created',
  'ticket.sla_warning',
  'ticket.escalated',
  'enrollment.created',
  'enrollment.status_changed',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export function subscribersOf(eventType: string): JobName[] {
  const jobs = [...(EVENT_SUBSCRIBERS[eventType] ?? [])];
  if ((WEBHOOK_EVENTS as readonly string[]).includes(eventType)) jobs.push('webhooks.fan-out');
  return jobs;
}
