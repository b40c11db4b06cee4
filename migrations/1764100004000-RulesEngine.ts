import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Warning rules engine: the five default rules of docs/design.md §3, an ISO-8601 helper for evidence,
 * feedback update time, and the indexes the evaluators and the alert list need.
 */
export class RulesEngine1764100004000 implements MigrationInterface {
  name = 'RulesEngine1764100004000';

  async up(q: QueryRunner): Promise<void> {
    // Evidence and outbox payloads carry times as ISO-8601 UTC strings, whatever the session time zone.
    await q.query(`
      create function careloop_iso(ts timestamptz) returns text language sql immutable parallel safe as
      $$ select to_char(ts at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$`);
    await q.query(`
      insert into rules (key, name, kind, params, severity, action, cohort_threshold, enabled) values
      ('inactive_7d', 'No login for 7 days', 'inactive_days', '{"days": 7}', 'medium',
        '{"taskKind": "care_call", "dueWithinHours": 24}', 0.05, true),
      ('low_completion', 'Completion below 20% of the expected pace', 'low_completion', '{"ratio": 0.2, "graceDays": 7}', 'medium',
        '{"taskKind": "advisor_contact", "dueWithinHours": 48}', null, true),
      ('late_assignments', 'Two assignments more than 3 days late', 'late_assignments', '{"lateDays": 3, "count": 2}', 'medium',
        '{"taskKind": "obstacle_call", "dueWithinHours": 48}', null, true),
      ('complaints', 'Two complaints in one calendar month', 'complaints', '{"count": 2}', 'high',
        '{"taskKind": "escalation", "dueWithinHours": 8}', null, true),
      ('study_time_drop', 'Weekly study time halved two weeks running', 'study_time_drop', '{"dropRatio": 0.5, "weeks": 2}', 'low',
        '{"taskKind": "survey", "dueWithinHours": 72}', null, true)
      on conflict (key) do nothing`);
    await q.query(`alter table alert_feedback add column updated_at timestamptz not null default now()`);
    // Complaints are rare: the month-to-date evaluator reads only the days that had one.
    await q.query(`create index enrollment_daily_complaints_idx on enrollment_daily (day, enrollment_id) where complaints > 0`);
    await q.query(`create index alerts_opened_idx on alerts (opened_at desc, id desc)`);
    await q.query(`create index alerts_opened_run_idx on alerts (opened_run_id) where opened_run_id is not null`);
    await q.query(`create index alerts_cleared_run_idx on alerts (cleared_run_id) where cleared_run_id is not null`);
    await q.query(`create index cohort_alerts_day_idx on cohort_alerts (day desc, id desc)`);
    await q.query(`create index rule_runs_queued_idx on rule_runs (queued_at desc)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists rule_runs_queued_idx`);
    await q.query(`drop index if exists cohort_alerts_day_idx`);
    await q.query(`drop index if exists alerts_cleared_run_idx`);
    await q.query(`drop index if exists alerts_opened_run_idx`);
    await q.query(`drop index if exists alerts_opened_idx`);
    await q.query(`drop index if exists enrollment_daily_complaints_idx`);
    await q.query(`alter table alert_feedback drop column if exists updated_at`);
    await q.query(`delete from rules where key in ('inactive_7d','low_completion','late_assignments','complaints','study_time_drop')
      and not exists (select 1 from alerts a where a.rule_key = rules.key) and not exists (select 1 from cohort_alerts c where c.rule_key = rules.key)`);
    await q.query(`drop function if exists careloop_iso(timestamptz)`);
  }
}
