import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case intake's work list moves out of the alerts table. Stamping `alerts.case_intake_at` rewrote every taken-in
 * alert with all ten of its index entries (the stamp is in a partial index's predicate, so the update is never
 * HOT): about half of intake's database time. Now each opened alert gets a row in the narrow `case_intake_queue`,
 * written by a statement-level trigger in the transaction that inserts the alert (whoever inserts it: the rule
 * run, a seed, a test), and intake deletes the rows it takes in. An alert is waiting for intake exactly while its
 * queue row exists.
 *
 * Also drops `audit_log_at_idx`, a second b-tree on `audit_log (id)` that the primary key already serves
 * (PostgreSQL scans it backwards for `order by id desc`); every audit row paid for both.
 */
export class CaseIntakeQueue1764100009000 implements MigrationInterface {
  name = 'CaseIntakeQueue1764100009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table case_intake_queue (
        alert_id uuid primary key references alerts(id) on delete cascade,
        learner_id uuid not null,
        opened_at timestamptz not null,
        queued_at timestamptz not null default now()
      )`);
    await q.query(`create index case_intake_queue_order_idx on case_intake_queue (opened_at, learner_id, alert_id)`);
    await q.query(`
      insert into case_intake_queue (alert_id, learner_id, opened_at)
      select id, learner_id, opened_at from alerts where status = 'open' and case_intake_at is null`);
    await q.query(`
      create function alerts_queue_for_intake() returns trigger language plpgsql as $$
      begin
        insert into case_intake_queue (alert_id, learner_id, opened_at)
        select n.id, n.learner_id, n.opened_at from new_alerts n where n.status = 'open'
        on conflict (alert_id) do nothing;
        return null;
      end $$`);
    await q.query(`
      create trigger alerts_queue_for_intake after insert on alerts
      referencing new table as new_alerts for each statement execute function alerts_queue_for_intake()`);
    await q.query(`drop index if exists alerts_case_intake_pending`);
    await q.query(`alter table alerts drop column case_intake_at`);
    await q.query(`drop index if exists audit_log_at_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`create index audit_log_at_idx on audit_log (id desc)`);
    await q.query(`alter table alerts add column case_intake_at timestamptz`);
    await q.query(`update alerts a set case_intake_at = a.opened_at where not exists (select 1 from case_intake_queue q where q.alert_id = a.id)`);
    await q.query(`create index alerts_case_intake_pending on alerts (opened_at, id) where status = 'open' and case_intake_at is null`);
    await q.query(`drop trigger if exists alerts_queue_for_intake on alerts`);
    await q.query(`drop function if exists alerts_queue_for_intake()`);
    await q.query(`drop table if exists case_intake_queue`);
  }
}
