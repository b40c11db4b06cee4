import type { MigrationInterface, QueryRunner } from 'typeorm';
import { defaultRules } from '../libs/rules/kinds/index.js';

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
    // The default rules are defined with their kinds (libs/rules/kinds/<kind>.ts): one per kind, default parameters.
    // risk_score came later: migration LearnedRisk allows its kind and seeds its rule.
    for (const r of defaultRules().filter((d) => d.kind !== 'risk_score')) {
      await q.query(
        `insert into rules (key, name, kind, params, severity, action, cohort_threshold, enabled) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (key) do nothing`,
        [r.key, r.name, r.kind, JSON.stringify(r.params), r.severity, JSON.stringify(r.action), r.cohortThreshold, r.enabled],
      );
    }
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
    await q.query(
      `delete from rules where key = any($1::text[])
      and not exists (select 1 from alerts a where a.rule_key = rules.key) and not exists (select 1 from cohort_alerts c where c.rule_key = rules.key)`,
      [defaultRules().map((r) => r.key)],
    );
    await q.query(`drop function if exists careloop_iso(timestamptz)`);
  }
}
