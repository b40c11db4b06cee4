import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Learner search (`GET /learners?q=`, libs/learners/learners.repository.ts `list`) matches the name, the email and
 * the phone's digits anywhere. Only the name had a trigram index, so every search read every learner and ran a
 * regular expression over each phone (45 ms at 44k learners, under load the third most expensive statement). With
 * trigram indexes on the email and on the phone's digits, the search is a union of index scans.
 */
export class LearnerSearchIndexes1764100060000 implements MigrationInterface {
  name = 'LearnerSearchIndexes1764100060000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index learners_email_trgm on learners using gin (email gin_trgm_ops)`);
    await q.query(`create index learners_phone_digits_trgm on learners using gin ((regexp_replace(coalesce(phone, ''), '[^0-9]', '', 'g')) gin_trgm_ops)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists learners_phone_digits_trgm`);
    await q.query(`drop index if exists learners_email_trgm`);
  }
}
