import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log already refuses UPDATE and DELETE row by row; TRUNCATE fires no row triggers, so it needs a
 * statement-level trigger of its own. Together with running the app as a role that does not own the table
 * (docs/operators.md, "Database role"), the application cannot erase its own audit trail.
 * The one piece of DDL the app runs at runtime, creating next month's event partition, becomes SECURITY DEFINER,
 * so that role needs no ownership of activity_events either.
 */
export class AuditNoTruncate1764100020000 implements MigrationInterface {
  name = 'AuditNoTruncate1764100020000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`drop trigger if exists audit_log_no_truncate on audit_log`);
    await q.query(`create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_append_only()`);
    await q.query(`alter function careloop_ensure_event_partition(date) security definer set search_path = public, pg_temp`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter function careloop_ensure_event_partition(date) security invoker reset search_path`);
    await q.query(`drop trigger if exists audit_log_no_truncate on audit_log`);
  }
}
