import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { WeeklyHours } from '../../common/working-hours.js';
import type { StaffRole } from '../../access/roles.js';
export type StaffStatus = 'active' | 'away' | 'inactive';

@Entity('staff')
export class StaffEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') email: string;
  @Column('text') name: string;
  @Column('text', { name: 'password_hash', select: false }) passwordHash: string;
  @Column('text') role: StaffRole;
  @Column('uuid', { name: 'team_id', nullable: true }) teamId: string | null;
  @Column('int') capacity: number;
  @Column('text', { array: true }) skills: string[];
  @Column('text') timezone: string;
  @Column('jsonb', { name: 'working_hours' }) workingHours: WeeklyHours;
  @Column('text') status: StaffStatus;
  @Column('timestamptz', { name: 'last_assigned_at', nullable: true }) lastAssignedAt: Date | null;
  /** Bumped when the password, the role or active/inactive changes: tokens carrying an older version are refused. */
  @Column('int', { name: 'token_version', default: 0 }) tokenVersion: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
