import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { DomainEvent } from './outbox.service.js';

export interface OutboxRow {
  id: string;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  created_at: Date;
}

/** The outbox table. Only the outbox context reads or writes it (set-based writers use outboxInsertCte). */
@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(em: EntityManager, events: DomainEvent[]): Promise<void> {
    if (!events.length) return;
    await em.query(
      `insert into outbox (aggregate_type, aggregate_id, event_type, payload)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
      [events.map((e) => e.aggregateType), events.map((e) => e.aggregateId), events.map((e) => e.eventType), events.map((e) => JSON.stringify(e.payload))],
    );
  }

  /**
   * Takes the relay's transaction-level advisory lock without waiting; false when another relay holds it. The relay's
   * commit only marks rows as sent, after Redis has the jobs: if a crash lost it, the rows would be relayed again under
   * the same job ids, which is harmless. So it need not wait for the WAL flush (one fsync per pass).
   */
  async tryRelayLock(em: EntityManager, key: number): Promise<boolean> {
    const [{ locked }] = await em.query(`select pg_try_advisory_xact_lock($1) as locked, set_config('synchronous_commit', 'off', true)`, [key]);
    return locked;
  }

  /**
   * Marks the oldest `limit` unsent rows as sent and returns them, with the event types some enabled webhook subscribes
   * to. One statement, so the rows and the webhook subscriptions come from one snapshot (a webhook created before an
   * event was relayed receives it); the mark commits only with the caller's transaction. Payloads are returned only for
   * rows whose type is in `payloadTypes` or has a webhook subscriber; batch subscribers need the aggregate ids alone.
   */
  claimUnsent(em: EntityManager, limit: number, payloadTypes: string[]): Promise<Array<OutboxRow & { webhook_types: string[] }>> {
    return em.query(
      `with w as (select coalesce(array_agg(distinct e), '{}') as types from webhooks wh cross join unnest(wh.events) e where wh.enabled),
            picked as (select id from outbox where sent_at is null order by id limit $1),
            sent as (update outbox o set sent_at = now() from picked p where o.id = p.id
                     returning o.id, o.aggregate_type, o.aggregate_id, o.event_type, o.created_at, o.payload)
       select s.id, s.aggregate_type, s.aggregate_id, s.event_type, s.created_at, w.types as webhook_types,
              case when s.event_type = any($2::text[]) or s.event_type = any(w.types) then s.payload end as payload
         from sent s cross join w
        order by s.id`,
      [limit, payloadTypes],
    );
  }

  async unsentCount(): Promise<number> {
    const [{ n }] = await this.dataSource.query(`select count(*)::int as n from outbox where sent_at is null`);
    return n;
  }
}
