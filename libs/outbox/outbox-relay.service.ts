import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueueService } from '../queue/queue.service.js';
import { jobId, type DomainEventBatchJob, type DomainEventJob, type JobName } from '../queue/jobs.js';
import { EVENT_BATCH_SUBSCRIBERS, EVENT_SUBSCRIBERS, subscribersOf } from './subscriptions.js';

const RELAY_LOCK_KEY = 727_100_002;
const BATCH = 500;
/** Event types with per-event job subscribers: their rows are relayed with payload. */
const PER_EVENT_TYPES = Object.keys(EVENT_SUBSCRIBERS);

interface OutboxRow {
  id: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

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
    private readonly queues: QueueService,
  ) {}

  /** Relays one batch; returns how many rows were sent (0 when idle, locked by another relay, or Redis down). */
  async relayBatch(): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      // The commit only marks rows as sent, after Redis has the jobs: if a crash lost it, the rows would be relayed
      // again under the same job ids, which is harmless. So it need not wait for the WAL flush (one fsync per pass).
      const [{ locked }] = await em.query(`select pg_try_advisory_xact_lock($1) as locked, set_config('synchronous_commit', 'off', true)`, [RELAY_LOCK_KEY]);
      if (!locked) return 0;
      // One statement, so the rows and the webhook subscriptions come from one snapshot (a webhook created before
      // an event was relayed receives it), and the rows are marked sent as they are read: the mark commits only
      // after Redis has accepted the jobs below (an error rolls it back). Only those event types some enabled webhook
      // subscribes to get a webhooks.fan-out job (a school without webhooks would otherwise queue one no-op job per
      // alert, case and enrolment event). Payloads are returned only for rows a per-event job or a webhook will
      // carry; batch subscribers need the aggregate ids alone.
      const rows: Array<OutboxRow & { webhook_types: string[] }> = await em.query(
        `with w as (select coalesce(array_agg(distinct e), '{}') as types from webhooks wh cross join unnest(wh.events) e where wh.enabled),
              picked as (select id from outbox where sent_at is null order by id limit $1),
              sent as (update outbox o set sent_at = now() from picked p where o.id = p.id
                       returning o.id, o.aggregate_type, o.aggregate_id, o.event_type, o.created_at, o.payload)
         select s.id, s.aggregate_type, s.aggregate_id, s.event_type, s.created_at, w.types as webhook_types,
                case when s.event_type = any($2::text[]) or s.event_type = any(w.types) then s.payload end as payload
           from sent s cross join w
          order by s.id`,
        [BATCH, PER_EVENT_TYPES],
      );
      if (!rows.length) return 0;
      const webhookTypes = new Set(rows[0].webhook_types);
      const jobs: Array<{ name: JobName; payload: DomainEventJob | DomainEventBatchJob; opts: { jobId: string } }> = [];
      const batched = new Map<string, OutboxRow[]>();
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
          if (name === 'webhooks.fan-out' && !webhookTypes.has(row.event_type)) continue;
          jobs.push({ name, payload, opts: { jobId: jobId('evt', row.id, name) } });
        }
      }
      for (const [eventType, list] of batched) {
        const payload: DomainEventBatchJob = { eventType, outboxIds: list.map((r) => String(r.id)), aggregateIds: list.map((r) => r.aggregate_id) };
        for (const name of EVENT_BATCH_SUBSCRIBERS[eventType]) {
          jobs.push({ name, payload, opts: { jobId: jobId('evtb', list[0].id, list[list.length - 1].id, name) } });
        }
      }
      if (jobs.length) await this.queues.enqueueMany(jobs);
      return rows.length;
    });
  }

  /** Unsent rows waiting for the relay (exported as a metric). */
  async backlog(): Promise<number> {
    const [{ n }] = await this.dataSource.query(`select count(*)::int as n from outbox where sent_at is null`);
    return n;
  }
}
