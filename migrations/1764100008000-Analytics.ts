import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytics summary tables: one outcome row per enrolment (churned?, when, why, renewed, first-week coverage),
 * refreshed set-based by the analytics.refresh job, plus the indexes the analytics reads need on shared tables.
 */
export class Analytics1764100008000 implements MigrationInterface {
  name = 'Analytics1764100008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table enrollment_outcomes (
        enrollment_id uuid primary key references enrollments(id) on delete cascade,
        learner_id uuid not null,
        course_id uuid not null,
        enrolled_at timestamptz not null,
        enrolled_day date not null,
        holdout boolean not null,
        status text not null,
        churned boolean not null,
        churned_at timestamptz,
        churn_kind text check (churn_kind in ('cancelled','expired','inactive')),
        renewed boolean not null,
        renewal_due boolean not null,
        first_week_checkins int not null default 0,
        first_week_reached int not null default 0,
        covered boolean not null,
        -- Figures fixed by the refresh's as-of instant, so reports only count flags:
        cohort_week date not null,
        cohort_month date not null,
        observed_weeks int not null,
        churn_week int,
        mature30 boolean not null,
        mature60 boolean not null,
        mature90 boolean not null,
        churned30 boolean not null,
        churned60 boolean not null,
        churned90 boolean not null,
        fw_group text not null check (fw_group in ('covered','notCovered','holdout','inFirstWeek')),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create index enrollment_outcomes_day_idx on enrollment_outcomes (enrolled_day, course_id)`);
    await q.query(`create index enrollment_outcomes_learner_idx on enrollment_outcomes (learner_id)`);
    await q.query(`create index enrollment_outcomes_course_idx on enrollment_outcomes (course_id, enrolled_day)`);
    await q.query(`create index enrollment_outcomes_churned_idx on enrollment_outcomes (churned_at) where churned`);
    // One row: when the outcomes were computed, as of which instant, and the last on-demand request.
    await q.query(`
      create table analytics_state (
        id int primary key check (id = 1),
        as_of timestamptz,
        refreshed_at timestamptz,
        requested_at timestamptz,
        churn_inactive_days int,
        enrollments int not null default 0,
        changed int not null default 0,
        duration_ms int
      )`);
    await q.query(`insert into analytics_state (id) values (1)`);
    // Business-minute durations of tickets (computed in the worker with the ticket's calendar); no foreign key
    // so this migration does not depend on the support-desk one.
    await q.query(`
      create table ticket_metrics (
        ticket_id uuid primary key,
        first_response_minutes numeric,
        resolution_minutes numeric,
        source_updated_at timestamptz not null,
        calendar_updated_at timestamptz,
        computed_at timestamptz not null default now()
      )`);
    // Reads on shared tables.
    await q.query(`create index alerts_enrollment_opened_idx on alerts (enrollment_id, opened_at)`);
    await q.query(`create index activity_events_renewal_idx on activity_events (learner_id, occurred_at) where type = 'renewal'`);
    await q.query(`create index cases_churn_reason_idx on cases (resolved_at) where churn_reason is not null`);
    await q.query(`create index cases_opened_idx on cases (opened_at)`);
    await q.query(`create index tasks_churn_reason_idx on tasks (completed_at) where churn_reason is not null`);
    await q.query(`create index tasks_done_by_assignee_idx on tasks (assignee_id, completed_at) where status = 'done'`);
    await q.query(`create index tasks_first_week_idx on tasks (enrollment_id, day_index) where kind = 'first_week_checkin'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const i of [
      'tasks_done_by_assignee_idx',
      'tasks_first_week_idx',
      'tasks_churn_reason_idx',
      'cases_opened_idx',
      'cases_churn_reason_idx',
      'activity_events_renewal_idx',
      'alerts_enrollment_opened_idx',
    ]) {
      await q.query(`drop index if exists ${i}`);
    }
    await q.query(`drop table if exists ticket_metrics`);
    await q.query(`drop table if exists analytics_state`);
    await q.query(`drop table if exists enrollment_outcomes`);
  }
}
