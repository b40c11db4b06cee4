import type { JobName } from '../queue/jobs.js';

/**
 * Which jobs react to which domain event. The relay turns one outbox row into one job per subscriber,
 * each with the deterministic id `evt__<outboxId>__<job>`, so a row relayed twice creates each job once.
 */
export const EVENT_SUBSCRIBERS: Record<string, JobName[]> = {
  'enrollment.status_changed': ['tasks.on-enrollment-status'],
  'alert.cleared': ['cases.on-alert-cleared'],
  'rule_run.requested': ['rules.run'],
  'analytics.refresh_requested': ['analytics.refresh'],
  'risk_model.train_requested': ['analytics.risk-train'],
  'ticket.created': ['tickets.schedule-sla'],
  'ticket.sla_changed': ['tickets.schedule-sla'],
  'staff.updated': ['tickets.backfill', 'cases.backfill'],
  'case.capacity_freed': ['cases.backfill'],
};

/**
 * Subscribers that take an event type in bulk: the relay sends each of them ONE job per relay pass carrying every
 * such event of the pass (DomainEventBatchJob), id `evtb__<first outboxId>__<last outboxId>__<job>`. A rule run
 * opens thousands of alerts at once; one job per alert cost more queue work than the intake itself.
 */
export const EVENT_BATCH_SUBSCRIBERS: Record<string, JobName[]> = {
  'alert.opened': ['cases.on-alerts-opened'],
  // A sync batch enrols hundreds at once; the first-week planner is set-based over any number of enrolments.
  'enrollment.created': ['tasks.first-week'],
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

/** Per-event subscribers of an event type (batch subscribers: EVENT_BATCH_SUBSCRIBERS). */
export function subscribersOf(eventType: string): JobName[] {
  const jobs = [...(EVENT_SUBSCRIBERS[eventType] ?? [])];
  if ((WEBHOOK_EVENTS as readonly string[]).includes(eventType)) jobs.push('webhooks.fan-out');
  return jobs;
}
