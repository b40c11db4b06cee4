import { ApiClientEntity } from '../auth/entities/api-client.entity.js';
import { AuditEntryEntity } from '../audit/entities/audit-entry.entity.js';
import { OutboxMessageEntity } from '../outbox/entities/outbox-message.entity.js';
import { StaffEntity } from '../staff/entities/staff.entity.js';
import { TeamEntity } from '../staff/entities/team.entity.js';

/** Every TypeORM entity, listed once for the app data source and the migration CLI. */
export const ENTITIES = [TeamEntity, StaffEntity, ApiClientEntity, AuditEntryEntity, OutboxMessageEntity];
