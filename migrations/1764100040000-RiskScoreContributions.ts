import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored risk scores keep each feature's value and its contribution to the logit (in FEATURES order) instead of
 * the reasons as JSON: picking the three strongest reasons per enrolment in SQL cost as much as the scoring itself,
 * and only the few rows a page shows need them (libs/risk/risk-features.ts `topReasons`). The scores are derived
 * data, rebuilt by the next rule run or training; the old rows go, since their contributions cannot be recovered.
 */
export class RiskScoreContributions1764100040000 implements MigrationInterface {
  name = 'RiskScoreContributions1764100040000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`truncate enrollment_risk`);
    await q.query(`alter table enrollment_risk drop column reasons`);
    await q.query(`alter table enrollment_risk add column x float8[] not null, add column contrib float8[] not null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`truncate enrollment_risk`);
    await q.query(`alter table enrollment_risk drop column x, drop column contrib`);
    await q.query(`alter table enrollment_risk add column reasons jsonb not null`);
  }
}
