import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The shared domain model: learner data (courses, learners, enrolments, activity events and their daily
 * rollups), warning rules with runs and alerts, cases and tasks. Later migrations add to these tables.
 */
export class CoreDomain1764100001000 implements MigrationInterface {
  name = 'CoreDomain1764100001000';

  async up(q: QueryRunner): Promise<void> {
    // ---- learner data -------------------------------------------------------------------------
    await q.query(`
      create table courses (
        id uuid primary key default gen_random_uuid(),
        external_id text not null,
        title text not null,
        total_lessons int not null check (total_lessons >= 0),
        duration_days int not null check (duration_days > 0),
        category text,
        team_id uuid references teams(id),
        source_updated_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint courses_external_id_unique unique (external_id)
      )`);
    await q.query(`
      create table learners (
        id uuid primary key default gen_random_uuid(),
        external_id text not null,
        name text not null,
        phone text,
        email text,
        timezone text,
        owner_advisor_id uuid references staff(id),
        holdout boolean not null default false,
        last_login_at timestamptz,
        source_updated_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint learners_external_id_unique unique (external_id)
      )`);
    await q.query(`create index learners_owner_idx on learners (owner_advisor_id)`);
    await q.query(`create index learners_name_trgm on learners using gin (name gin_trgm_ops)`);
    await q.query(`create index learners_phone_idx on learners (phone)`);
    await q.query(`
      create table enrollments (
        id uuid primary key default gen_random_uuid(),
        external_id text not null,
        learner_id uuid not null references learners(id),
        course_id uuid not null references courses(id),
        enrolled_at timestamptz not null,
        expires_at timestamptz,
        status text not null check (status in ('active','paused','completed','cancelled','expired')),
        status_changed_at timestamptz not null default now(),
        holdout boolean not null default false,
        completed_lessons int not null default 0,
        last_login_at timestamptz,
        source_updated_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint enrollments_external_id_unique unique (external_id)
      )`);
    await q.query(`create index enrollments_learner_idx on enrollments (learner_id)`);
    await q.query(`create index enrollments_course_status_idx on enrollments (course_id, status)`);
    // Events are range-partitioned by month on occurred_at; a default partition catches anything outside
    // the created months, and the worker creates the coming months ahead of time.
    await q.query(`
      create table activity_events (
        event_id text not null,
        learner_id uuid not null,
        course_id uuid,
        enrollment_id uuid,
        type text not null check (type in ('login','lesson_completed','study_session','assignment_submitted','complaint','renewal')),
        occurred_at timestamptz not null,
        data jsonb,
        received_at timestamptz not null default now(),
        primary key (event_id, occurred_at)
      ) partition by range (occurred_at)`);
    await q.query(`create table activity_events_default partition of activity_events default`);
    await q.query(`create index activity_events_learner_idx on activity_events (learner_id, occurred_at desc)`);
    // Global de-duplication of event ids (a partitioned table cannot have a unique index without the partition key).
    await q.query(`
      create table activity_event_ids (
        event_id text primary key,
        occurred_at timestamptz not null
      )`);
    // Daily per-enrolment rollups in the school time zone, maintained in the same transaction as the events.
    await q.query(`
      create table enrollment_daily (
        enrollment_id uuid not null references enrollments(id),
        day date not null,
        logins int not null default 0,
        study_minutes int not null default 0,
        lessons_completed int not null default 0,
        assignments_submitted int not null default 0,
        assignments_late int not null default 0,
        complaints int not null default 0,
        primary key (enrollment_id, day)
      )`);
    await q.query(`create index enrollment_daily_day_idx on enrollment_daily (day)`);
    await q.query(`
      create table enrollment_lessons (
        enrollment_id uuid not null references enrollments(id),
        lesson_id text not null,
        completed_at timestamptz not null,
        primary key (enrollment_id, lesson_id)
      )`);
    await q.query(`
      create table enrollment_assignments (
        enrollment_id uuid not null references enrollments(id),
        assignment_id text not null,
        due_at timestamptz not null,
        submitted_at timestamptz not null,
        late_hours numeric not null,
        primary key (enrollment_id, assignment_id)
      )`);

    // ---- rules ---------------------------------------------------------------------------------
    await q.query(`
      create table rules (
        key text primary key,
        name text not null,
        kind text not null check (kind in ('inactive_days','low_completion','late_assignments','complaints','study_time_drop')),
        params jsonb not null,
        severity text not null check (severity in ('low','medium','high')),
        action jsonb not null,
        cohort_threshold numeric,
        enabled boolean not null default true,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`
      create table rule_runs (
        id uuid primary key default gen_random_uuid(),
        status text not null check (status in ('queued','running','completed','failed')),
        trigger text not null check (trigger in ('schedule','manual')),
        as_of timestamptz not null,
        requested_by uuid references staff(id),
        queued_at timestamptz not null default now(),
        started_at timestamptz,
        finished_at timestamptz,
        alerts_opened int not null default 0,
        alerts_refreshed int not null default 0,
        alerts_cleared int not null default 0,
        error text,
        stats jsonb
      )`);
    // Single flight: at most one queued or running run at a time.
    await q.query(`create unique index rule_runs_single_flight on rule_runs ((true)) where status in ('queued','running')`);
    await q.query(`
      create table alerts (
        id uuid primary key default gen_random_uuid(),
        rule_key text not null references rules(key),
        learner_id uuid not null references learners(id),
        enrollment_id uuid not null references enrollments(id),
        status text not null check (status in ('open','cleared')),
        severity text not null,
        evidence jsonb not null,
        opened_at timestamptz not null,
        refreshed_at timestamptz not null,
        cleared_at timestamptz,
        opened_run_id uuid references rule_runs(id),
        cleared_run_id uuid references rule_runs(id)
      )`);
    await q.query(`create unique index alerts_one_open on alerts (enrollment_id, rule_key) where status = 'open'`);
    await q.query(`create index alerts_learner_idx on alerts (learner_id, status)`);
    await q.query(`create index alerts_rule_status_idx on alerts (rule_key, status, opened_at)`);
    await q.query(`
      create table alert_feedback (
        id bigserial primary key,
        alert_id uuid not null references alerts(id),
        staff_id uuid not null references staff(id),
        verdict text not null check (verdict in ('useful','not_useful','incorrect')),
        note text,
        created_at timestamptz not null default now(),
        constraint alert_feedback_one_per_staff unique (alert_id, staff_id)
      )`);
    await q.query(`
      create table cohort_alerts (
        id uuid primary key default gen_random_uuid(),
        rule_key text not null references rules(key),
        course_id uuid not null references courses(id),
        day date not null,
        affected int not null,
        population int not null,
        share numeric not null,
        threshold numeric not null,
        created_at timestamptz not null default now(),
        constraint cohort_alerts_one_per_day unique (rule_key, course_id, day)
      )`);

    // ---- cases and tasks -----------------------------------------------------------------------
    await q.query(`
      create table cases (
        id uuid primary key default gen_random_uuid(),
        learner_id uuid not null references learners(id),
        team_id uuid references teams(id),
        advisor_id uuid references staff(id),
        status text not null check (status in ('open','in_progress','resolved')),
        priority text not null check (priority in ('low','medium','high','urgent')),
        priority_score int not null default 0,
        due_at timestamptz,
        first_contact_at timestamptz,
        escalated_at timestamptz,
        all_alerts_cleared_at timestamptz,
        outcome text check (outcome in ('retained','churned','unreachable','not_at_risk')),
        churn_reason text check (churn_reason in ('expectation_gap','lack_of_support','content_mismatch','slow_service','life_circumstances','other')),
        resolution_note text,
        opened_at timestamptz not null default now(),
        assigned_at timestamptz,
        resolved_at timestamptz,
        resolved_by uuid references staff(id),
        updated_at timestamptz not null default now()
      )`);
    await q.query(`create unique index cases_one_open_per_learner on cases (learner_id) where status <> 'resolved'`);
    await q.query(`create index cases_advisor_status_idx on cases (advisor_id, status)`);
    await q.query(`create index cases_pool_idx on cases (team_id, opened_at) where advisor_id is null and status <> 'resolved'`);
    await q.query(`
      create table case_alerts (
        case_id uuid not null references cases(id),
        alert_id uuid not null references alerts(id),
        attached_at timestamptz not null default now(),
        primary key (case_id, alert_id)
      )`);
    await q.query(`
      create table tasks (
        id uuid primary key default gen_random_uuid(),
        kind text not null check (kind in ('first_week_checkin','care_call','advisor_contact','obstacle_call','escalation','survey','renewal_call','follow_up')),
        day_index int check (day_index between 1 and 7),
        assignee_id uuid references staff(id),
        learner_id uuid not null references learners(id),
        enrollment_id uuid references enrollments(id),
        case_id uuid references cases(id),
        parent_task_id uuid references tasks(id),
        due_at timestamptz not null,
        window_end_at timestamptz,
        planned_minutes int not null default 15,
        status text not null check (status in ('scheduled','done','missed','cancelled')),
        attempts int not null default 0,
        result text check (result in ('reached','no_answer','voicemail','wrong_number','callback_requested','declined')),
        duration_minutes int,
        note text,
        risk_read text check (risk_read in ('low','medium','high')),
        churn_reason text check (churn_reason in ('expectation_gap','lack_of_support','content_mismatch','slow_service','life_circumstances','other')),
        completed_at timestamptz,
        completed_by uuid references staff(id),
        cancel_reason text,
        dedupe_key text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`);
    // Idempotent task creation: e.g. 'fw:<enrollmentId>:<dayIndex>', 'case:<caseId>:<kind>'.
    await q.query(`create unique index tasks_dedupe_key on tasks (dedupe_key) where dedupe_key is not null`);
    await q.query(`create index tasks_assignee_due_idx on tasks (assignee_id, status, due_at)`);
    await q.query(`create index tasks_learner_idx on tasks (learner_id, due_at desc)`);
    await q.query(`create index tasks_case_idx on tasks (case_id)`);
    await q.query(`create index tasks_enrollment_idx on tasks (enrollment_id, kind, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'tasks',
      'case_alerts',
      'cases',
      'cohort_alerts',
      'alert_feedback',
      'alerts',
      'rule_runs',
      'rules',
      'enrollment_assignments',
      'enrollment_lessons',
      'enrollment_daily',
      'activity_event_ids',
      'activity_events',
      'enrollments',
      'learners',
      'courses',
    ]) {
      await q.query(`drop table if exists ${t} cascade`);
    }
  }
}
