// Drops the databases this run created (other runs' databases are left alone).
import pg from 'pg';

export default async function globalTeardown() {
  const run = process.env.CARELOOP_TEST_RUN;
  if (!run || process.env.KEEP_TEST_DB) return;
  const client = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query(`select datname from pg_database where datname like $1`, [`careloop_test_${run}_%`]);
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  } finally {
    await client.end();
  }
}
