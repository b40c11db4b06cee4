import { createHash } from 'node:crypto';

/**
 * The one typed map of queues, job names and payloads (CONTRIBUTING rule 4). A job name is `<queue>.<action>`;
 * add new jobs here and nowhere else.
 */
export enum QueueName {
  Rules = 'rules',
  Cases = 'cases',
  Tasks = 'tasks',
  Tickets = 'tickets',
  Webhooks = 'webhooks',
  Maintenance = 'maintenance',
  Analytics = 'analytics',
}

/** A domain event relayed from the outbox; `outboxId` makes every job derived from it idempotent. */
export interface DomainEventJob<P = Record<string, unknown>> {
  outboxId: string;
  eventType: string;
  aggregateType: string;
  aggregateId: string;
  occurredAt: string;
  payload: P;
}

/**
 * Several outbox rows of one event type relayed as one job, for consumers that take events in bulk
 * (EVENT_BATCH_SUBSCRIBERS in libs/outbox/subscriptions.ts). Job id `evtb__<first outboxId>__<last outboxId>__<job>`.
 */
export interface DomainEventBatchJob {
  eventType: string;
  outboxIds: string[];
  /** The events' aggregate ids, in outbox order. */
  aggregateIds: string[];
}

/** The webhook-subscribed events of one relay pass, for one webhooks.fan-out job (one per event before batching). */
export interface WebhookFanOutJob {
  events: DomainEventJob[];
}

export interface JobPayloads {
  /** Evaluate every enabled rule for one rule run (row in rule_runs). */
  'rules.run': { runId: string } | DomainEventJob<{ runId: string }>;
  /** Cron trigger: creates a rule run and enqueues rules.run (single-flight). */
  'rules.schedule': Record<string, never>;
  /** alert.opened events of one relay pass: their alerts (and any others waiting) become cases. */
  'cases.on-alerts-opened': DomainEventBatchJob;
  'cases.on-alert-cleared': DomainEventJob;
  /** Deadline check for every case due at `dueAt` (one delayed job per due time of an intake batch). */
  'cases.escalation-check': { caseIds: string[]; dueAt: string };
  'cases.backfill': { teamId: string | null; reason: string };
  /** Periodic safety net: waiting alerts, every pool, overdue escalations. */
  'cases.sweep': Record<string, never>;
  /** enrollment.created events of one relay pass (a single-event job, as queued before batching, is still taken). */
  'tasks.first-week': DomainEventBatchJob | DomainEventJob;
  'tasks.on-enrollment-status': DomainEventJob;
  /** Delayed to `dueAt`: one task.due event for each of these tasks still scheduled and due at exactly that time. */
  'tasks.due-notify': { taskIds: string[]; dueAt: string };
  'tasks.reminders': Record<string, never>;
  /** Cron sweep: a renewal_call for each enrolment entering near_expiry. */
  'tasks.renewal-calls': Record<string, never>;
  /** Every 5 minutes: announces tasks already due, enqueues tasks.due-notify for those due within the next 10 minutes. */
  'tasks.due-sweep': Record<string, never>;
  'tickets.sla-check': { ticketId: string; target: 'first_response' | 'resolution'; kind: 'warning' | 'breach'; at: string };
  'tickets.on-complaint': DomainEventJob;
  /** From ticket.created / ticket.sla_changed: remove obsolete delayed sla-checks, add the current ones. */
  'tickets.schedule-sla': DomainEventJob<{ ticketId: string; obsolete?: Array<{ target: string; kind: string; at: string }> }>;
  /** From staff.updated (back from away, capacity raised, moved team): give pool tickets to advisors with room. */
  'tickets.backfill': DomainEventJob;
  /** Every webhook-subscribed event of one relay pass (a single-event job, as queued before batching, is still taken). */
  'webhooks.fan-out': WebhookFanOutJob | DomainEventJob;
  'webhooks.deliver': { deliveryId: string };
  'maintenance.partitions': Record<string, never>;
  /** Recompute enrollment_outcomes; from the cron scheduler ({}) or an on-demand request (outbox event). */
  'analytics.refresh': Record<string, never> | DomainEventJob;
  /** Train one risk model attempt (risk_model.train_requested from POST /risk-model/train or the weekly schedule). */
  'analytics.risk-train': DomainEventJob<{ modelId: string }>;
  /** Cron trigger: requests a risk model attempt (single-flight), which the outbox relays to analytics.risk-train. */
  'analytics.risk-schedule': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [K in JobName]: QueueName } = {
  'rules.run': QueueName.Rules,
  'rules.schedule': QueueName.Rules,
  'cases.on-alerts-opened': QueueName.Cases,
  'cases.on-alert-cleared': QueueName.Cases,
  'cases.escalation-check': QueueName.Cases,
  'cases.backfill': QueueName.Cases,
  'cases.sweep': QueueName.Cases,
  'tasks.first-week': QueueName.Tasks,
  'tasks.on-enrollment-status': QueueName.Tasks,
  'tasks.due-notify': QueueName.Tasks,
  'tasks.reminders': QueueName.Tasks,
  'tasks.renewal-calls': QueueName.Tasks,
  'tasks.due-sweep': QueueName.Tasks,
  'tickets.sla-check': QueueName.Tickets,
  'tickets.on-complaint': QueueName.Tickets,
  'tickets.schedule-sla': QueueName.Tickets,
  'tickets.backfill': QueueName.Tickets,
  'webhooks.fan-out': QueueName.Webhooks,
  'webhooks.deliver': QueueName.Webhooks,
  'maintenance.partitions': QueueName.Maintenance,
  'analytics.refresh': QueueName.Analytics,
  'analytics.risk-train': QueueName.Analytics,
  'analytics.risk-schedule': QueueName.Analytics,
};

/**
 * The rows a job is about. A job whose rows this database does not have was deleted since, or belongs to another
 * installation that shares this Redis under the same prefix: the worker fails it loudly instead of doing nothing.
 * Outbox ids are per-database sequences, so event jobs are matched on (id, aggregate id) together.
 */
export type JobAnchor =
  | { table: 'rule_runs' | 'cases' | 'tasks' | 'tickets' | 'webhook_deliveries' | 'teams'; ids: string[] }
  | { table: 'outbox'; events: Array<{ id: string; aggregateId: string }> };

const event = (e: DomainEventJob): JobAnchor => ({ table: 'outbox', events: [{ id: String(e.outboxId), aggregateId: String(e.aggregateId) }] });
const batch = (d: DomainEventBatchJob): JobAnchor => ({
  table: 'outbox',
  events: d.outboxIds.map((id, i) => ({ id: String(id), aggregateId: String(d.aggregateIds[i]) })),
});

/** Every job name says what it is anchored to (null: sweeps and crons, which belong to whoever runs them). */
export const JOB_ANCHOR: { [K in JobName]: (data: JobPayloads[K]) => JobAnchor | null } = {
  'rules.run': (d) => ({ table: 'rule_runs', ids: ['runId' in d ? d.runId : d.payload?.runId] }),
  'rules.schedule': () => null,
  'cases.on-alerts-opened': (d) => batch(d),
  'cases.on-alert-cleared': event,
  'cases.escalation-check': (d) => ({ table: 'cases', ids: d.caseIds }),
  'cases.backfill': (d) => ('outboxId' in d ? event(d as unknown as DomainEventJob) : d.teamId ? { table: 'teams', ids: [d.teamId] } : null),
  'cases.sweep': () => null,
  'tasks.first-week': (d) => ('outboxIds' in d ? batch(d) : event(d)),
  'tasks.on-enrollment-status': event,
  'tasks.due-notify': (d) => ({ table: 'tasks', ids: d.taskIds }),
  'tasks.reminders': () => null,
  'tasks.renewal-calls': () => null,
  'tasks.due-sweep': () => null,
  'tickets.sla-check': (d) => ({ table: 'tickets', ids: [d.ticketId] }),
  'tickets.on-complaint': event,
  'tickets.schedule-sla': event,
  'tickets.backfill': event,
  'webhooks.fan-out': (d) =>
    'events' in d ? { table: 'outbox', events: d.events.map((e) => ({ id: String(e.outboxId), aggregateId: String(e.aggregateId) })) } : event(d),
  'webhooks.deliver': (d) => ({ table: 'webhook_deliveries', ids: [d.deliveryId] }),
  'maintenance.partitions': () => null,
  'analytics.refresh': (d) => ('outboxId' in d ? event(d as DomainEventJob) : null),
  'analytics.risk-train': event,
  'analytics.risk-schedule': () => null,
};

/** The anchor of a job as it came off the queue (null for unknown names or payloads that name nothing). */
export function jobAnchor(name: string, data: unknown): JobAnchor | null {
  const anchorOf = (JOB_ANCHOR as Record<string, ((d: unknown) => JobAnchor | null) | undefined>)[name];
  if (!anchorOf || data === null || typeof data !== 'object') return null;
  let anchor: JobAnchor | null;
  try {
    anchor = anchorOf(data);
  } catch {
    return null; // a malformed payload: the processor reports it
  }
  if (!anchor) return null;
  if (anchor.table === 'outbox') {
    const events = anchor.events.filter((e) => /^\d+$/.test(e.id));
    return events.length ? { table: 'outbox', events } : null;
  }
  const ids = anchor.ids.filter((id): id is string => typeof id === 'string' && UUID.test(id));
  return ids.length ? { table: anchor.table, ids } : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Retry and retention defaults for every job (CONTRIBUTING rule 5); a job may override attempts/backoff. */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential' as const, delay: 1000 },
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/**
 * How fast a job whose worker died (kill -9, OOM, lost host) runs again, keeping at-least-once. A worker holds a
 * lock on each active job and renews it every `lockRenewTime`; once a dead worker's lock expires, the next stalled
 * check (every `stalledInterval`, by any worker) moves the job back to wait. So a crash costs at most
 * lockDuration + stalledInterval (12 s) before another attempt starts, where BullMQ's defaults with the 60 s lock
 * used before cost up to 90 s per crash. Renewing at a third of the lock (not half) keeps a busy but healthy worker
 * from losing its lock unless its event loop stalls for more than 7 s; if that happens the job runs twice, which
 * every handler tolerates (CONTRIBUTING rule 5). maxStalledCount: a job recovered from a stall more often than this
 * is failed rather than retried forever.
 */
export const WORKER_LOCK_OPTIONS = {
  lockDuration: 10_000,
  lockRenewTime: 3_000,
  stalledInterval: 2_000,
  maxStalledCount: 3,
} as const;

/** Per-queue worker concurrency. */
export const QUEUE_CONCURRENCY: Record<QueueName, number> = {
  [QueueName.Rules]: 1,
  [QueueName.Cases]: 4,
  [QueueName.Tasks]: 4,
  [QueueName.Tickets]: 4,
  // Deliveries wait on the receiver (network), not on this process: a rule run opens thousands of alerts at once.
  [QueueName.Webhooks]: 16,
  [QueueName.Maintenance]: 1,
  [QueueName.Analytics]: 1,
};

/**
 * Deterministic id of the one delayed job that checks a set of records due at one time (deadline checks, due
 * notices): the record's id when there is one, a hash of the sorted ids otherwise, so scheduling the same set again
 * adds nothing.
 */
export function deadlineJobId(prefix: string, dueAtMs: number, ids: string[]): string {
  const sorted = [...ids].sort();
  const key = sorted.length === 1 ? sorted[0] : createHash('sha256').update(sorted.join(',')).digest('hex').slice(0, 32);
  return jobId(prefix, dueAtMs, key);
}

/** BullMQ refuses ':' in custom ids; every deterministic job id goes through here. */
export function jobId(...parts: Array<string | number>): string {
  return parts.map((p) => String(p).replace(/:/g, '_')).join('__');
}
