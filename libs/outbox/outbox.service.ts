import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxRepository } from './outbox.repository.js';

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
  constructor(private readonly repo: OutboxRepository) {}

  publish(em: EntityManager, events: DomainEvent[]): Promise<void> {
    return this.repo.insert(em, events);
  }
}

/**
 * The outbox insert as a data-modifying CTE named `name`, for a set-based statement that publishes one event per row
 * it writes (a rule run opens thousands of alerts in one statement): `rows` is a query yielding
 * `(aggregate_id text, payload jsonb)` in the order the events should have. Only the outbox knows its table.
 */
export function outboxInsertCte(name: string, aggregateType: string, eventType: string, rows: string): string {
  if (!/^[a-z_.]+$/.test(aggregateType) || !/^[a-z_.]+$/.test(eventType)) throw new Error(`not an event name: ${aggregateType} ${eventType}`);
  return `${name} as (
         insert into outbox (aggregate_type, aggregate_id, event_type, payload)
         select '${aggregateType}', e.aggregate_id, '${eventType}', e.payload from (${rows}) e
         returning 1)`;
}
