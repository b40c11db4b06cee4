import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The login throttle counts failures per (email, address) and per address: index the address side too. */
export class LoginThrottleByAddress1764100020200 implements MigrationInterface {
  name = 'LoginThrottleByAddress1764100020200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index if not exists login_failures_ip_idx on login_failures (ip, failed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists login_failures_ip_idx`);
  }
}
