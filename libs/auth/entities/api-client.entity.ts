import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ApiScope } from '../../access/roles.js';

@Entity('api_clients')
export class ApiClientEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text', { array: true }) scopes: ApiScope[];
  /** sha256 of the key; the key itself is never stored. */
  @Column('text', { name: 'key_hash', select: false }) keyHash: string;
  @Column('text', { name: 'key_prefix' }) keyPrefix: string;
  @Column('uuid', { name: 'created_by', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { name: 'last_used_at', nullable: true }) lastUsedAt: Date | null;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
}
