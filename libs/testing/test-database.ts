import pg from 'pg';
import { runMigrationsLocked } from '../database/migrator.js';

let ready: Promise<string> | undefined;

/**
 * The database for this Jest worker: careloop_test_<run>_<worker>, created and migrated on first use.
 * Test files that share a worker share it, so tests create their own teams, staff and learners.
 */
export function testDatabaseUrl(): Promise<string> {
  ready ??= (async () => {
    const admin = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const run = process.env.CARELOOP_TEST_RUN ?? `adhoc${process.pid}`;
    const name = `careloop_test_${run}_${process.env.JEST_WORKER_ID ?? '1'}`.toLowerCase();
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (!rowCount) await client.query(`create database "${name}"`);
    } finally {
      await client.end();
    }
    const url = new URL(admin);
    url.pathname = `/${name}`;
    await runMigrationsLocked(url.toString());
    return url.toString();
  })();
  return ready;
}
