import type { MigrationInterface, QueryRunner } from 'typeorm';
import { defaultRules } from '../libs/rules/kinds/index.js';

/**
 * Learned churn risk (docs/admins.md "Learned risk"): each training attempt and the model it produced, the score of
 * every active enrolment under the active model, and the rule kind `risk_score` (seeded disabled: an admin switches
 * it on after reading the model's comparison with the rules).
 */
export class LearnedRisk1764100030000 implements MigrationInterface {
  name = 'LearnedRisk1764100030000';

  async up(q: QueryRunner): Promise<void> {
    // One row per training attempt (on demand or weekly); a ready row carries the model. `version` numbers attempts.
    await q.query(`
      create table risk_models (
        id uuid primary key default gen_random_uuid(),
        version int generated always as identity unique,
        status text not null check (status in ('queued','training','ready','insufficient','failed')),
        trigger text not null check (trigger in ('schedule','manual')),
        requested_by uuid references staff(id),
        requested_at timestamptz not null default now(),
        started_at timestamptz,
        finished_at timestamptz,
        message text,
        active boolean not null default false,
        as_of timestamptz,
        feature_keys text[],
        means float8[],
        sds float8[],
        coef float8[],
        intercept float8,
        training jsonb,
        evaluation jsonb,
        constraint risk_models_ready_has_model check (status <> 'ready' or (coef is not null and means is not null and sds is not null and intercept is not null))
      )`);
    await q.query(`create unique index risk_models_one_active on risk_models (active) where active`);
    await q.query(`create unique index risk_models_one_in_flight on risk_models ((true)) where status in ('queued','training')`);
    await q.query(`create index risk_models_requested_idx on risk_models (requested_at desc)`);
    // The score of each active enrolment under the active model, refreshed with every rule run.
    await q.query(`
      create table enrollment_risk (
        enrollment_id uuid primary key references enrollments(id) on delete cascade,
        learner_id uuid not null,
        course_id uuid not null,
        model_version int not null,
        score float8 not null check (score >= 0 and score <= 1),
        reasons jsonb not null,
        scored_at timestamptz not null
      )`);
    await q.query(`create index enrollment_risk_learner_idx on enrollment_risk (learner_id, score desc)`);
    await q.query(`alter table rules drop constraint rules_kind_check`);
    await q.query(`
      alter table rules add constraint rules_kind_check
        check (kind in ('inactive_days','low_completion','late_assignments','complaints','study_time_drop','risk_score'))`);
    // The kind's default rule (libs/rules/kinds/risk-score.ts), switched off.
    const r = defaultRules().find((d) => d.kind === 'risk_score')!;
    await q.query(
      `insert into rules (key, name, kind, params, severity, action, cohort_threshold, enabled) values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (key) do nothing`,
      [r.key, r.name, r.kind, JSON.stringify(r.params), r.severity, JSON.stringify(r.action), r.cohortThreshold, r.enabled],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`delete from rules where kind = 'risk_score' and not exists (select 1 from alerts a where a.rule_key = rules.key)`);
    await q.query(`alter table rules drop constraint rules_kind_check`);
    await q.query(`
      alter table rules add constraint rules_kind_check
        check (kind in ('inactive_days','low_completion','late_assignments','complaints','study_time_drop')) not valid`);
    await q.query(`drop table if exists enrollment_risk`);
    await q.query(`drop table if exists risk_models`);
  }
}
