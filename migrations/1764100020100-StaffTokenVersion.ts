import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff access tokens carry the staff member's token version (claim `tv`); a password change, a role change and
 * deactivation bump it, so every token issued before stops working at once (tokens are stateless otherwise).
 */
export class StaffTokenVersion1764100020100 implements MigrationInterface {
  name = 'StaffTokenVersion1764100020100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table staff add column if not exists token_version int not null default 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table staff drop column if exists token_version`);
  }
}
