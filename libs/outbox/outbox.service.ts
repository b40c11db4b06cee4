import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface DomainEvent {
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  payload: Record<string, unknown>;
}

/**
 * Writes domain events to the outbox table inside the caller's transaction, so the event exists
 * exactly when the change that caused it does. The worker's relay moves them to BullMQ.
 */
@Injectable()
export class OutboxService {
  async publish(em: EntityManager, events: DomainEvent[]): Promise<void> {
    if (!events.length) return;
    await em.query(
      `insert into outbox (aggregate_type, aggregate_id, event_type, payload)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])`,
      [events.map((e) => e.aggregateType), events.map((e) => e.aggregateId), events.map((e) => e.eventType), events.map((e) => JSON.stringify(e.payload))],
    );
  }
}
