import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isAdmin, SYSTEM, type Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, type FieldError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { WEBHOOK_EVENTS } from '../outbox/subscriptions.js';
import { jobId, type DomainEventJob, type WebhookFanOutJob } from '../queue/jobs.js';
import { QueueService } from '../queue/queue.service.js';
import { signWebhook } from './webhook-signature.js';
import { checkWebhookUrl, postWebhook, type WebhookTargetPolicy } from './webhook-target.js';
import { WebhooksRepository, type DeliveryRow, type WebhookRow } from './webhooks.repository.js';

/** Attempts per delivery (BullMQ exponential backoff from DEFAULT_JOB_OPTIONS: 1 s, 2 s, 4 s, …). */
export const WEBHOOK_DELIVERY_ATTEMPTS = 6;
export const WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_DISABLE_AFTER_FAILURES = 10;

export interface WebhookInput {
  url: string;
  events: string[];
  secret: string;
  disableAfterFailures?: number;
}

export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  consecutiveFailures: number;
  disableAfterFailures: number;
  disabledAt: string | null;
  disabledReason: string | null;
  /** The secret is never returned; its last four characters help tell secrets apart. */
  secretHint: string;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: DeliveryRow['status'];
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attemptLog: Array<{ attempt: number; at: string; statusCode: number | null; error: string | null; durationMs: number }>;
}

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'skipped';

/** Webhooks (docs/design.md §5): subscriptions, fan-out of domain events, signed deliveries with retries and a log. */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: WebhooksRepository,
    private readonly audit: AuditService,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.targets = {
      allowedHosts: config.webhookAllowedTargets.hosts,
      allowedCidrs: config.webhookAllowedTargets.cidrs,
      httpsOnly: config.nodeEnv === 'production',
    };
  }

  private readonly targets: WebhookTargetPolicy;

  /** Field errors for a URL that is well-formed but points somewhere webhooks must not go (see webhook-target.ts). */
  private async checkTarget(url: string | undefined): Promise<void> {
    if (url === undefined) return;
    const problem = await checkWebhookUrl(url, this.targets);
    if (problem) throw DomainError.field('url', problem);
  }

  async create(actor: Actor, input: WebhookInput): Promise<WebhookView> {
    requireAdmin(actor);
    const clean = validate(input, true) as Required<WebhookInput>;
    await this.checkTarget(clean.url);
    return this.dataSource.transaction(async (em) => {
      const row = await this.repo.insert(em, {
        ...clean,
        disableAfterFailures: clean.disableAfterFailures ?? DEFAULT_DISABLE_AFTER_FAILURES,
        createdBy: actor.kind === 'staff' ? actor.id : null,
      });
      const view = toView(row);
      await this.audit.record(em, { actor, action: 'webhook.created', entity: 'webhook', entityId: row.id, after: view });
      return view;
    });
  }

  async list(actor: Actor): Promise<WebhookView[]> {
    requireAdmin(actor);
    return (await this.repo.list()).map(toView);
  }

  async update(actor: Actor, id: string, patch: Partial<WebhookInput> & { enabled?: boolean }): Promise<WebhookView> {
    requireAdmin(actor);
    const clean = validate(patch, false);
    await this.checkTarget(clean.url);
    return this.dataSource.transaction(async (em) => {
      const before = await this.repo.findById(id, em, true);
      if (!before) throw DomainError.notFound('webhook', id);
      await this.repo.update(em, id, { ...clean, enabled: patch.enabled });
      const after = toView((await this.repo.findById(id, em))!);
      await this.audit.record(em, { actor, action: 'webhook.updated', entity: 'webhook', entityId: id, before: toView(before), after });
      return after;
    });
  }

  async deliveries(actor: Actor, id: string, page: { limit?: number; cursor?: string }): Promise<Page<DeliveryView>> {
    requireAdmin(actor);
    if (!(await this.repo.findById(id))) throw DomainError.notFound('webhook', id);
    const limit = pageLimit(page.limit);
    const after = decodeCursor(page.cursor, 2);
    const rows = await this.repo.listDeliveries(id, after ? { createdAt: String(after[0]), id: String(after[1]) } : undefined, limit);
    return toPage(rows, limit, (r) => [new Date(r.created_at).toISOString(), r.id], toDeliveryView);
  }

  /**
   * Sends a failed or skipped delivery again, with a fresh set of attempts (admin, audited). Its attempt log goes
   * on from where it stopped. A delivery still pending is on its way: it is left as it is and nothing is
   * queued, so a repeated request sends nothing twice. A
   * delivered one is not sent again (409); neither is one whose webhook is disabled (409: re-enable it first).
   */
  async redeliver(actor: Actor, webhookId: string, deliveryId: string, reason?: string): Promise<{ delivery: DeliveryView; queued: boolean }> {
    requireAdmin(actor);
    const webhook = await this.repo.findById(webhookId);
    if (!webhook) throw DomainError.notFound('webhook', webhookId);
    const outcome = await this.dataSource.transaction(async (em) => {
      const d = await this.repo.findDelivery(deliveryId, em, true);
      if (!d || d.webhook_id !== webhookId) throw DomainError.notFound('delivery', deliveryId);
      if (d.status === 'delivered') throw DomainError.conflict('This delivery was delivered; it is not sent twice');
      if (d.status === 'pending') return { queued: false, attempts: d.attempts };
      if (!webhook.enabled) throw DomainError.conflict('The webhook is disabled; re-enable it before redelivering');
      await this.repo.markPending(em, deliveryId);
      await this.audit.record(em, {
        actor,
        action: 'webhook.delivery_redelivered',
        entity: 'webhook',
        entityId: webhookId,
        before: { deliveryId, status: d.status, attempts: d.attempts },
        after: { deliveryId, status: 'pending', attempts: d.attempts },
        reason: reason ?? null,
      });
      return { queued: true, attempts: d.attempts };
    });
    // Only a delivery this call put back on its way gets a job, keyed by the attempts made before it (each
    // redelivery its own job). A pending one already has its job: queueing another would send it twice.
    if (outcome.queued) {
      await this.queues.enqueue(
        'webhooks.deliver',
        { deliveryId },
        { jobId: jobId('whd', deliveryId, 'r', outcome.attempts), attempts: WEBHOOK_DELIVERY_ATTEMPTS },
      );
    }
    const [row] = await this.repo.listDeliveries(webhookId, undefined, 1, deliveryId);
    return { delivery: toDeliveryView(row), queued: outcome.queued };
  }

  /**
   * webhooks.fan-out: one delivery row per event and subscribed webhook (unique per outbox row), each enqueued by its
   * id. Takes the events of a relay pass, or one event (jobs queued before fan-out was batched).
   */
  async fanOut(job: WebhookFanOutJob | DomainEventJob): Promise<number> {
    const events = 'events' in job ? job.events : [job];
    const ids = await this.repo.createDeliveries(
      events.map((e) => ({ outboxId: e.outboxId, eventType: e.eventType, occurredAt: e.occurredAt, payload: e.payload })),
    );
    if (ids.length) {
      await this.queues.enqueueMany(
        ids.map((deliveryId) => ({
          name: 'webhooks.deliver' as const,
          payload: { deliveryId },
          opts: { jobId: jobId('whd', deliveryId), attempts: WEBHOOK_DELIVERY_ATTEMPTS },
        })),
      );
    }
    return ids.length;
  }

  /**
   * webhooks.deliver: one signed POST. Every attempt is logged. A failure returns 'retry' (the job throws and
   * BullMQ backs off) until the last attempt, which fails the delivery and counts towards auto-disabling.
   */
  async deliver(deliveryId: string, attempt: number, finalAttempt: boolean): Promise<DeliveryOutcome> {
    const delivery = await this.repo.findDelivery(deliveryId);
    if (!delivery || delivery.status !== 'pending') return 'skipped';
    const webhook = await this.repo.findById(delivery.webhook_id);
    if (!webhook || !webhook.enabled) {
      await this.dataSource.transaction((em) =>
        this.repo.updateDelivery(em, deliveryId, {
          status: 'skipped',
          attempts: delivery.attempts,
          statusCode: null,
          error: 'webhook disabled',
          deliveredAt: null,
        }),
      );
      return 'skipped';
    }
    const body = JSON.stringify({
      id: String(delivery.outbox_id),
      type: delivery.event_type,
      occurredAt: new Date(delivery.occurred_at).toISOString(),
      data: delivery.payload,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    const result = await postWebhook(
      webhook.url,
      {
        'content-type': 'application/json',
        'user-agent': 'careloop-webhooks/1',
        'x-careloop-signature': signWebhook(webhook.secret, timestamp, body),
        'x-careloop-timestamp': String(timestamp),
        'x-careloop-event': delivery.event_type,
        'x-careloop-delivery': delivery.id,
      },
      body,
      this.targets,
      WEBHOOK_TIMEOUT_MS,
    );
    if ('statusCode' in result) {
      statusCode = result.statusCode;
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } else {
      // Stored (and shown to admins) as a class only; the detail goes to the operator's log.
      error = result.error;
      this.logger.warn(`webhook ${webhook.id} delivery ${delivery.id} attempt ${attempt}: ${result.error} (${result.detail})`);
    }
    const durationMs = Date.now() - started;
    if (error === null) {
      const recorded = await this.repo.recordDelivered({ deliveryId, webhookId: webhook.id, statusCode: statusCode!, durationMs });
      return recorded ? 'delivered' : 'skipped';
    }
    return this.dataSource.transaction(async (em) => {
      const current = await this.repo.findDelivery(deliveryId, em, true);
      if (!current || current.status !== 'pending') return 'skipped';
      // Numbered by the delivery's attempts, which go on across redeliveries (the job's own count starts again).
      await this.repo.recordAttempt(em, { deliveryId, attempt: current.attempts + 1, statusCode, error, durationMs });
      if (!finalAttempt) {
        await this.repo.updateDelivery(em, deliveryId, { status: 'pending', attempts: current.attempts + 1, statusCode, error, deliveredAt: null });
        return 'retry';
      }
      await this.repo.updateDelivery(em, deliveryId, { status: 'failed', attempts: current.attempts + 1, statusCode, error, deliveredAt: null });
      const change = await this.repo.countFailure(em, webhook.id, `${webhook.disable_after_failures} consecutive failed deliveries (last: ${error})`);
      if (change && change.before.enabled && !change.after.enabled) {
        this.logger.warn(`webhook ${webhook.id} disabled after ${change.after.consecutive_failures} consecutive failed deliveries`);
        await this.audit.record(em, {
          actor: SYSTEM,
          action: 'webhook.disabled',
          entity: 'webhook',
          entityId: webhook.id,
          before: toView(change.before),
          after: toView(change.after),
          reason: change.after.disabled_reason,
        });
      }
      return 'failed';
    });
  }
}

function toDeliveryView(r: DeliveryRow & { attempt_log?: unknown }): DeliveryView {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    eventId: String(r.outbox_id),
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
    attemptLog: ((r.attempt_log as DeliveryView['attemptLog']) ?? []).map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
  };
}

function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw DomainError.forbidden('Only admins manage webhooks');
}

function validate(input: Partial<WebhookInput>, creating: boolean): Partial<WebhookInput> {
  const errors: FieldError[] = [];
  const out: Partial<WebhookInput> = {};
  if (input.url !== undefined || creating) {
    try {
      const u = new URL(String(input.url));
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      if (u.username || u.password) errors.push({ field: 'url', message: 'must not contain credentials; sign with the secret instead' });
      out.url = u.toString();
    } catch {
      errors.push({ field: 'url', message: 'must be an http:// or https:// URL' });
    }
  }
  if (input.events !== undefined || creating) {
    const events = Array.isArray(input.events) ? [...new Set(input.events)] : [];
    const unknown = events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
    if (!events.length) errors.push({ field: 'events', message: 'must list at least one event' });
    else if (unknown.length) errors.push({ field: 'events', message: `unknown event(s) ${unknown.join(', ')}; use ${WEBHOOK_EVENTS.join(', ')}` });
    out.events = events;
  }
  if (input.secret !== undefined || creating) {
    if (typeof input.secret !== 'string' || input.secret.length < 16) errors.push({ field: 'secret', message: 'must be at least 16 characters' });
    out.secret = input.secret;
  }
  if (input.disableAfterFailures !== undefined) out.disableAfterFailures = input.disableAfterFailures;
  if (errors.length) throw DomainError.validation(errors);
  return out;
}

function toView(w: WebhookRow): WebhookView {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    enabled: w.enabled,
    consecutiveFailures: w.consecutive_failures,
    disableAfterFailures: w.disable_after_failures,
    disabledAt: w.disabled_at ? new Date(w.disabled_at).toISOString() : null,
    disabledReason: w.disabled_reason,
    secretHint: `…${w.secret.slice(-4)}`,
    createdAt: new Date(w.created_at).toISOString(),
    updatedAt: new Date(w.updated_at).toISOString(),
  };
}
