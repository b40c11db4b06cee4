import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueService } from '../queue/queue.service.js';
import { jobId, type DomainEventBatchJob, type DomainEventJob, type JobName, type WebhookFanOutJob } from '../queue/jobs.js';
import { OutboxRepository, type OutboxRow } from './outbox.repository.js';
import { EVENT_BATCH_SUBSCRIBERS, EVENT_SUBSCRIBERS, subscribersOf } from './subscriptions.js';

const RELAY_LOCK_KEY = 727_100_002;
const BATCH = 500;
/** Event types with per-event job subscribers: their rows are relayed with payload. */
const PER_EVENT_TYPES = Object.keys(EVENT_SUBSCRIBERS);

/**
 * Moves unsent outbox rows to BullMQ, oldest first. One relay at a time holds the transaction-level
 * advisory lock, which keeps per-aggregate order; rows are marked sent only after Redis accepted the jobs,
 * so a Redis outage leaves them waiting (at-least-once), and deterministic job ids make a re-send harmless.
 * Event types with a batch subscriber (EVENT_BATCH_SUBSCRIBERS) become one job per pass for it; a re-send may cut
 * the pass differently, which batch consumers tolerate because they re-check state (like every consumer).
 */
@Injectable()
export class OutboxRelayService {
  private readonly logger = new Logger(OutboxRelayService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxRepository,
    private readonly queues: QueueService,
  ) {}

  /** Relays one batch; returns how many rows were sent (0 when idle, locked by another relay, or Redis down). */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      if (!(await this.outbox.tryRelayLock(em, RELAY_LOCK_KEY))) return 0;
      // Only those event types some enabled webhook subscribes to get a webhooks.fan-out job (a school without
      // webhooks would otherwise queue one no-op job per alert, case and enrolment event).
      const rows = await this.outbox.claimUnsent(em, BATCH, PER_EVENT_TYPES);
      if (!rows.length) return 0;
      const webhookTypes = new Set(rows[0].webhook_types);
      const jobs: Array<{ name: JobName; payload: DomainEventJob | DomainEventBatchJob | WebhookFanOutJob; opts: { jobId: string } }> = [];
      const batched = new Map<string, OutboxRow[]>();
      // Every webhook-subscribed event of the pass goes to one fan-out job: a rule run opens thousands of alerts, and
      // a job per event (each its own queue round trip and delivery insert) held the worker longer than the deliveries.
      const forWebhooks: DomainEventJob[] = [];
      for (const row of rows) {
        if (EVENT_BATCH_SUBSCRIBERS[row.event_type]) {
          const list = batched.get(row.event_type) ?? [];
          list.push(row);
          batched.set(row.event_type, list);
        }
        const payload: DomainEventJob = {
          outboxId: String(row.id),
          eventType: row.event_type,
          aggregateType: row.aggregate_type,
          aggregateId: row.aggregate_id,
          occurredAt: new Date(row.created_at).toISOString(),
          payload: row.payload,
        };
        for (const name of subscribersOf(row.event_type)) {
          if (name === 'webhooks.fan-out') {
            if (webhookTypes.has(row.event_type)) forWebhooks.push(payload);
            continue;
          }
          jobs.push({ name, payload, opts: { jobId: jobId('evt', row.id, name) } });
        }
      }
      for (const [eventType, list] of batched) {
        const payload: DomainEventBatchJob = { eventType, outboxIds: list.map((r) => String(r.id)), aggregateIds: list.map((r) => r.aggregate_id) };
        for (const name of EVENT_BATCH_SUBSCRIBERS[eventType]) {
          jobs.push({ name, payload, opts: { jobId: jobId('evtb', list[0].id, list[list.length - 1].id, name) } });
        }
      }
      if (forWebhooks.length) {
        const first = forWebhooks[0].outboxId;
        const last = forWebhooks[forWebhooks.length - 1].outboxId;
        jobs.push({ name: 'webhooks.fan-out', payload: { events: forWebhooks }, opts: { jobId: jobId('evtw', first, last, 'webhooks.fan-out') } });
      }
      if (jobs.length) await this.queues.enqueueMany(jobs);
      return rows.length;
    });
  }

  /** Unsent rows waiting for the relay (exported as a metric). */
  async backlog(): Promise<number> {
    return this.outbox.unsentCount();
  }
}
