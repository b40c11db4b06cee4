import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The support desk: business-hours calendars, SLA policies, category → team routes, tickets with their
 * messages and SLA clocks, and the knowledge base (searched on terms we compute ourselves: CJK character
 * bigrams plus Latin words, because pg_trgm under a C locale drops CJK characters).
 */
export class SupportDesk1764100007000 implements MigrationInterface {
  name = 'SupportDesk1764100007000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table calendars (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        timezone text not null,
        hours jsonb not null,
        holidays text[] not null default '{}',
        workdays text[] not null default '{}',
        make_up_hours_from text not null default 'mon' check (make_up_hours_from in ('mon','tue','wed','thu','fri','sat','sun')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint calendars_name_unique unique (name)
      )`);
    await q.query(`
      create table sla_policies (
        id uuid primary key default gen_random_uuid(),
        name text not null,
        position int not null,
        match_category text check (match_category in ('technical','learning','account','billing','complaint')),
        match_priority text check (match_priority in ('low','medium','high','urgent')),
        calendar_id uuid not null references calendars(id),
        first_response_minutes int not null check (first_response_minutes > 0),
        resolution_minutes int not null check (resolution_minutes > 0),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint sla_policies_name_unique unique (name),
        constraint sla_policies_position_unique unique (position)
      )`);
    await q.query(`
      create table ticket_routes (
        category text primary key check (category in ('technical','learning','account','billing','complaint')),
        team_id uuid not null references teams(id),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`
      create table tickets (
        id uuid primary key default gen_random_uuid(),
        external_id text,
        learner_id uuid not null references learners(id),
        category text not null check (category in ('technical','learning','account','billing','complaint')),
        priority text not null check (priority in ('low','medium','high','urgent')),
        subject text not null,
        body text not null,
        status text not null check (status in ('new','open','pending','resolved','closed')),
        team_id uuid references teams(id),
        assignee_id uuid references staff(id),
        assigned_at timestamptz,
        created_by_type text not null check (created_by_type in ('staff','api_client','system')),
        created_by_id text,
        sla_policy_id uuid references sla_policies(id),
        calendar_id uuid references calendars(id),
        first_response_due_at timestamptz,
        first_response_warn_at timestamptz,
        first_responded_at timestamptz,
        first_response_warned_at timestamptz,
        first_response_breached_at timestamptz,
        resolution_due_at timestamptz,
        resolution_warn_at timestamptz,
        resolution_warned_at timestamptz,
        resolution_breached_at timestamptz,
        paused_minutes numeric not null default 0,
        pending_since timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        escalated_at timestamptz,
        escalated_to_id uuid references staff(id),
        created_at timestamptz not null,
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create unique index tickets_external_id_unique on tickets (external_id) where external_id is not null`);
    await q.query(`create index tickets_learner_idx on tickets (learner_id, created_at desc)`);
    await q.query(`create index tickets_assignee_open_idx on tickets (assignee_id) where status in ('new','open','pending')`);
    await q.query(`create index tickets_pool_idx on tickets (team_id, created_at) where assignee_id is null and status in ('new','open','pending')`);
    await q.query(`create index tickets_list_idx on tickets (created_at desc, id desc)`);
    await q.query(`
      create table ticket_messages (
        id uuid primary key default gen_random_uuid(),
        ticket_id uuid not null references tickets(id),
        author_type text not null check (author_type in ('staff','learner','system')),
        author_id text,
        body text not null,
        internal boolean not null default false,
        kb_article_id uuid,
        external_id text,
        created_at timestamptz not null
      )`);
    await q.query(`create index ticket_messages_ticket_idx on ticket_messages (ticket_id, created_at)`);
    await q.query(`create unique index ticket_messages_external_id_unique on ticket_messages (ticket_id, external_id) where external_id is not null`);
    await q.query(`
      create table kb_articles (
        id uuid primary key default gen_random_uuid(),
        title text not null,
        body text not null,
        tags text[] not null default '{}',
        title_terms text[] not null,
        terms text[] not null,
        created_by uuid references staff(id),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index kb_articles_terms_gin on kb_articles using gin (terms)`);
    await q.query(`alter table ticket_messages add constraint ticket_messages_kb_fk foreign key (kb_article_id) references kb_articles(id)`);
    await q.query(`
      create table kb_article_uses (
        id bigserial primary key,
        article_id uuid not null references kb_articles(id),
        ticket_id uuid not null references tickets(id),
        message_id uuid not null references ticket_messages(id),
        staff_id uuid references staff(id),
        category text not null,
        created_at timestamptz not null,
        constraint kb_article_uses_message_unique unique (message_id)
      )`);
    await q.query(`create index kb_article_uses_article_idx on kb_article_uses (article_id, category)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['kb_article_uses', 'ticket_messages', 'kb_articles', 'tickets', 'ticket_routes', 'sla_policies', 'calendars']) {
      await q.query(`drop table if exists ${t} cascade`);
    }
  }
}
