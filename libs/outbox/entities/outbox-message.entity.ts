import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('outbox')
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('text', { name: 'aggregate_type' }) aggregateType: string;
  @Column('text', { name: 'aggregate_id' }) aggregateId: string;
  @Column('text', { name: 'event_type' }) eventType: string;
  @Column('jsonb') payload: unknown;
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'sent_at', nullable: true }) sentAt: Date | null;
}
