import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface WebhookRow {
  id: string;
  url: string;
  events: string[];
  secret: string;
  enabled: boolean;
  consecutive_failures: number;
  disable_after_failures: number;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  outbox_id: string;
  event_type: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'failed' | 'skipped';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

@Injectable()
export class WebhooksRepository {
  constructor(private readonly dataSource: DataSource) {}

  private q(em?: EntityManager) {
    return em ?? this.dataSource.manager;
  }

  async insert(
    em: EntityManager,
    w: { url: string; events: string[]; secret: string; disableAfterFailures: number; createdBy: string | null },
  ): Promise<WebhookRow> {
    const [row] = await em.query(`insert into webhooks (url, events, secret, disable_after_failures, created_by) values ($1, $2, $3, $4, $5) returning *`, [
      w.url,
      w.events,
      w.secret,
      w.disableAfterFailures,
      w.createdBy,
    ]);
    return row;
  }

  async findById(id: string, em?: EntityManager, lock = false): Promise<WebhookRow | undefined> {
    const rows = await this.q(em).query(`select * from webhooks where id = $1 ${lock ? 'for update' : ''}`, [id]);
    return rows[0];
  }

  list(): Promise<WebhookRow[]> {
    return this.dataSource.query(`select * from webhooks order by created_at, id`);
  }

  async update(
    em: EntityManager,
    id: string,
    patch: { url?: string; events?: string[]; secret?: string; enabled?: boolean; disableAfterFailures?: number },
  ): Promise<void> {
    await em.query(
      `update webhooks set url = coalesce($2, url), events = coalesce($3, events), secret = coalesce($4, secret),
              disable_after_failures = coalesce($6, disable_after_failures),
              enabled = coalesce($5, enabled),
              consecutive_failures = case when $5 is true and not enabled then 0 else consecutive_failures end,
              disabled_at = case when $5 is true then null else disabled_at end,
              disabled_reason = case when $5 is true then null else disabled_reason end,
              updated_at = now()
        where id = $1`,
      [id, patch.url ?? null, patch.events ?? null, patch.secret ?? null, patch.enabled ?? null, patch.disableAfterFailures ?? null],
    );
  }

  /**
   * One delivery row per event and enabled webhook subscribed to its type (unique per webhook and outbox row, so a
   * replay adds nothing), in one statement; returns the pending deliveries of these events, oldest event first.
   */
  async createDeliveries(events: Array<{ outboxId: string; eventType: string; occurredAt: string; payload: Record<string, unknown> }>): Promise<string[]> {
    if (!events.length) return [];
    const outboxIds = events.map((e) => e.outboxId);
    return this.dataSource.transaction(async (em) => {
      await em.query(
        `insert into webhook_deliveries (webhook_id, outbox_id, event_type, occurred_at, payload)
         select w.id, e.outbox_id, e.event_type, e.occurred_at, e.payload
           from unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::jsonb[]) as e(outbox_id, event_type, occurred_at, payload)
           join webhooks w on w.enabled and e.event_type = any(w.events)
          order by e.outbox_id, w.id
         on conflict (webhook_id, outbox_id) do nothing`,
        [outboxIds, events.map((e) => e.eventType), events.map((e) => e.occurredAt), events.map((e) => JSON.stringify(e.payload))],
      );
      const rows: Array<{ id: string }> = await em.query(
        `select id from webhook_deliveries where outbox_id = any($1::bigint[]) and status = 'pending' order by outbox_id, id`,
        [outboxIds],
      );
      return rows.map((r) => r.id);
    });
  }

  async findDelivery(id: string, em?: EntityManager, lock = false): Promise<DeliveryRow | undefined> {
    const rows = await this.q(em).query(`select * from webhook_deliveries where id = $1 ${lock ? 'for update' : ''}`, [id]);
    return rows[0];
  }

  async recordAttempt(
    em: EntityManager,
    a: { deliveryId: string; attempt: number; statusCode: number | null; error: string | null; durationMs: number },
  ): Promise<void> {
    await em.query(`insert into webhook_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms) values ($1, $2, $3, $4, $5)`, [
      a.deliveryId,
      a.attempt,
      a.statusCode,
      a.error,
      a.durationMs,
    ]);
  }

  async updateDelivery(
    em: EntityManager,
    id: string,
    d: { status: DeliveryRow['status']; attempts: number; statusCode: number | null; error: string | null; deliveredAt: Date | null },
  ): Promise<void> {
    await em.query(
      `update webhook_deliveries set status = $2, attempts = $3, last_status_code = $4, last_error = $5, delivered_at = $6, updated_at = now() where id = $1`,
      [id, d.status, d.attempts, d.statusCode, d.error, d.deliveredAt],
    );
  }

  /**
   * A successful attempt, in one statement (most deliveries succeed, and a burst of them is thousands): the attempt
   * logged, the delivery marked delivered and the webhook's failure count reset, only if the delivery is still
   * pending (a concurrent redelivery or a replayed job finds it done). True when this call recorded it.
   *
   * Its commit does not wait for the WAL to reach disk (`synchronous_commit = off` for this transaction only): a
   * burst of deliveries otherwise queued on WAL flushes (at 100 mixed requests/s, the worker's top wait). What that
   * can lose is only this record, and only if PostgreSQL itself crashes within a fraction of a second: the delivery
   * then stays pending and is sent again, which receivers already handle (deliveries can repeat: docs/integrators.md).
   */
  async recordDelivered(a: { deliveryId: string; webhookId: string; statusCode: number; durationMs: number }): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`set local synchronous_commit = off`);
      const [row] = await em.query(
        `with cur as (select id, attempts from webhook_deliveries where id = $1 and status = 'pending' for update),
            logged as (insert into webhook_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms)
                       select id, attempts + 1, $3, null, $4 from cur),
            done as (update webhook_deliveries d set status = 'delivered', attempts = cur.attempts + 1, last_status_code = $3,
                            last_error = null, delivered_at = now(), updated_at = now()
                       from cur where d.id = cur.id returning d.id),
            reset as (update webhooks set consecutive_failures = 0
                       where id = $2 and consecutive_failures <> 0 and exists (select 1 from done))
       select count(*)::int as n from done`,
        [a.deliveryId, a.webhookId, a.statusCode, a.durationMs],
      );
      return row.n > 0;
    });
  }

  /** Counts one more failed delivery; disables the webhook at its threshold. Returns the row after the change. */
  async countFailure(em: EntityManager, webhookId: string, reason: string): Promise<{ before: WebhookRow; after: WebhookRow } | undefined> {
    const before = await this.findById(webhookId, em, true);
    if (!before) return undefined;
    await em.query(
      `update webhooks set consecutive_failures = consecutive_failures + 1,
              enabled = case when enabled and consecutive_failures + 1 >= disable_after_failures then false else enabled end,
              disabled_at = case when enabled and consecutive_failures + 1 >= disable_after_failures then now() else disabled_at end,
              disabled_reason = case when enabled and consecutive_failures + 1 >= disable_after_failures then $2 else disabled_reason end,
              updated_at = now()
        where id = $1`,
      [webhookId, reason],
    );
    return { before, after: (await this.findById(webhookId, em))! };
  }

  /** A webhook's deliveries with their attempt logs, newest first (or the one delivery `onlyId`). */
  listDeliveries(
    webhookId: string,
    after: { createdAt: string; id: string } | undefined,
    limit: number,
    onlyId?: string,
  ): Promise<Array<DeliveryRow & { attempt_log: unknown }>> {
    const params: unknown[] = [webhookId, limit + 1];
    const where = ['d.webhook_id = $1'];
    if (after) {
      params.push(after.createdAt, after.id);
      where.push(`(d.created_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    if (onlyId) {
      params.push(onlyId);
      where.push(`d.id = $${params.length}`);
    }
    return this.dataSource.query(
      `select d.*, (select coalesce(json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms) order by a.id), '[]'::json)
                      from webhook_delivery_attempts a where a.delivery_id = d.id) as attempt_log
         from webhook_deliveries d
        where ${where.join(' and ')}
        order by d.created_at desc, d.id desc limit $2`,
      params,
    );
  }

  /** A failed or skipped delivery goes back on its way (its attempt log stays). */
  async markPending(em: EntityManager, deliveryId: string): Promise<void> {
    await em.query(`update webhook_deliveries set status = 'pending', updated_at = now() where id = $1`, [deliveryId]);
  }
}
