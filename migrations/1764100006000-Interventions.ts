import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Interventions: reminder bookkeeping on learners, webhooks with their delivery log, and indexes the
 * daily queue and the first-week program read on every call.
 */
export class Interventions1764100006000 implements MigrationInterface {
  name = 'Interventions1764100006000';

  async up(q: QueryRunner): Promise<void> {
    // One reminder per absence: the absence is identified by the moment it started (last login, or the
    // enrolment when the learner never logged in); a new absence has a different start.
    await q.query(`alter table learners add column reminder_basis_at timestamptz`);
    await q.query(`alter table learners add column reminder_sent_at timestamptz`);
    await q.query(`create index tasks_case_scheduled_idx on tasks (case_id) where status = 'scheduled'`);
    await q.query(`create index tasks_learner_completed_idx on tasks (learner_id, completed_at desc) where result is not null`);
    await q.query(`create index enrollments_expiry_idx on enrollments (expires_at) where status = 'active'`);

    await q.query(`
      create table webhooks (
        id uuid primary key default gen_random_uuid(),
        url text not null,
        events text[] not null,
        secret text not null,
        enabled boolean not null default true,
        consecutive_failures int not null default 0,
        disable_after_failures int not null default 10 check (disable_after_failures > 0),
        disabled_at timestamptz,
        disabled_reason text,
        created_by uuid references staff(id),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index webhooks_events_idx on webhooks using gin (events) where enabled`);
    await q.query(`
      create table webhook_deliveries (
        id uuid primary key default gen_random_uuid(),
        webhook_id uuid not null references webhooks(id) on delete cascade,
        outbox_id bigint not null,
        event_type text not null,
        occurred_at timestamptz not null,
        payload jsonb not null,
        status text not null default 'pending' check (status in ('pending','delivered','failed','skipped')),
        attempts int not null default 0,
        last_status_code int,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint webhook_deliveries_once unique (webhook_id, outbox_id)
      )`);
    await q.query(`create index webhook_deliveries_webhook_idx on webhook_deliveries (webhook_id, created_at desc, id desc)`);
    await q.query(`create index webhook_deliveries_outbox_idx on webhook_deliveries (outbox_id)`);
    await q.query(`
      create table webhook_delivery_attempts (
        id bigserial primary key,
        delivery_id uuid not null references webhook_deliveries(id) on delete cascade,
        attempt int not null,
        at timestamptz not null default now(),
        status_code int,
        error text,
        duration_ms int not null
      )`);
    await q.query(`create index webhook_delivery_attempts_delivery_idx on webhook_delivery_attempts (delivery_id, attempt)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table if exists webhook_delivery_attempts`);
    await q.query(`drop table if exists webhook_deliveries`);
    await q.query(`drop table if exists webhooks`);
    await q.query(`drop index if exists enrollments_expiry_idx`);
    await q.query(`drop index if exists tasks_learner_completed_idx`);
    await q.query(`drop index if exists tasks_case_scheduled_idx`);
    await q.query(`alter table learners drop column if exists reminder_sent_at`);
    await q.query(`alter table learners drop column if exists reminder_basis_at`);
  }
}
