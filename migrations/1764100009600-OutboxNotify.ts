import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wakes the outbox relay when events commit: a statement-level trigger on outbox inserts sends a NOTIFY on
 * `careloop_outbox` (PostgreSQL delivers it at commit, once per transaction), which the workers LISTEN to. The
 * relay still polls every OUTBOX_POLL_MS as a fallback (a lost connection, a missed notification).
 * Idempotent: for a few hours it was numbered 1764100009100, and a database that applied it then runs it again.
 */
export class OutboxNotify1764100009600 implements MigrationInterface {
  name = 'OutboxNotify1764100009600';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create or replace function outbox_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('careloop_outbox', '');
        return null;
      end $$`);
    await q.query(`drop trigger if exists outbox_notify on outbox`);
    await q.query(`create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop trigger if exists outbox_notify on outbox`);
    await q.query(`drop function if exists outbox_notify()`);
  }
}
