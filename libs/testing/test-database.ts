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

let scratchCount = 0;

/**
 * A fresh, migrated database of its own for one test file (dropped by the caller, and by the global teardown).
 * For suites that change school-wide settings (rules, SLA policies, routes, webhooks), which would otherwise
 * leak into other files sharing this Jest worker's database.
 */
export async function createScratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const run = process.env.CARELOOP_TEST_RUN ?? `adhoc${process.pid}`;
  const name = `careloop_test_${run}_${process.env.JEST_WORKER_ID ?? '1'}_s${process.pid}_${++scratchCount}`.toLowerCase();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  await runMigrationsLocked(url.toString());
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`).catch(() => undefined);
      await c.end();
    },
  };
}
