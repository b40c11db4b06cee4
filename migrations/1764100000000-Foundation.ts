import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764100000000 implements MigrationInterface {
  name = 'Foundation1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create extension if not exists pg_trgm`);
    await q.query(`
      create table teams (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        supervisor_id uuid,
        created_at timestamptz not null default now(),
        constraint teams_name_unique unique (name)
      )`);
    await q.query(`
      create table staff (
        id uuid primary key default gen_random_uuid(),
        email text not null,
        name text not null,
        password_hash text not null,
        role text not null check (role in ('admin','supervisor','advisor')),
        team_id uuid references teams(id),
        capacity int not null default 60 check (capacity >= 0),
        skills text[] not null default '{}',
        timezone text not null default 'Asia/Shanghai',
        working_hours jsonb not null default '{}'::jsonb,
        status text not null default 'active' check (status in ('active','away','inactive')),
        last_assigned_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create unique index staff_email_unique on staff (lower(email))`);
    await q.query(`create index staff_team_idx on staff (team_id)`);
    await q.query(`alter table teams add constraint teams_supervisor_fk foreign key (supervisor_id) references staff(id)`);
    await q.query(`
      create table login_failures (
        id bigserial primary key,
        email text not null,
        ip text,
        failed_at timestamptz not null default now()
      )`);
    await q.query(`create index login_failures_email_idx on login_failures (lower(email), failed_at)`);
    await q.query(`
      create table api_clients (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        scopes text[] not null,
        key_hash text not null,
        key_prefix text not null,
        created_by uuid references staff(id),
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        constraint api_clients_key_hash_unique unique (key_hash)
      )`);
    await q.query(`
      create table audit_log (
        id bigserial primary key,
        at timestamptz not null default now(),
        actor_type text not null check (actor_type in ('staff','api_client','system')),
        actor_id text,
        action text not null,
        entity text not null,
        entity_id text not null,
        before jsonb,
        after jsonb,
        reason text
      )`);
    await q.query(`create index audit_log_entity_idx on audit_log (entity, entity_id, id desc)`);
    await q.query(`create index audit_log_at_idx on audit_log (id desc)`);
    // Append-only: the audit log refuses updates and deletes at the database level.
    await q.query(`
      create function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only'; end $$`);
    await q.query(`create trigger audit_log_no_update before update or delete on audit_log for each row execute function audit_log_append_only()`);
    await q.query(`
      create table outbox (
        id bigserial primary key,
        aggregate_type text not null,
        aggregate_id text not null,
        event_type text not null,
        payload jsonb not null,
        created_at timestamptz not null default now(),
        sent_at timestamptz
      )`);
    await q.query(`create index outbox_unsent_idx on outbox (id) where sent_at is null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table outbox`);
    await q.query(`drop trigger audit_log_no_update on audit_log`);
    await q.query(`drop table audit_log`);
    await q.query(`drop function audit_log_append_only`);
    await q.query(`drop table api_clients`);
    await q.query(`drop table login_failures`);
    await q.query(`alter table teams drop constraint teams_supervisor_fk`);
    await q.query(`drop table staff`);
    await q.query(`drop table teams`);
  }
}
