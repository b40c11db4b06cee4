import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options.js';

/** Arbitrary constant: the pg advisory lock key that serialises migration runs across processes. */
const MIGRATION_LOCK_KEY = 727_100_001;

/**
 * Runs pending migrations under a session-level advisory lock held on a dedicated connection, so two
 * processes starting together apply each migration once; the second waits, then finds nothing to do.
 */
export async function runMigrationsLocked(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<string[]> {
  const lock = new pg.Client({ connectionString: databaseUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const ds = new DataSource({ ...buildDataSourceOptions(databaseUrl, 2), migrationsRun: false });
    await ds.initialize();
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      for (const m of applied) log(`applied migration ${m.name}`);
      return applied.map((m) => m.name);
    } finally {
      await ds.destroy();
    }
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.end();
  }
}
