// Runs once before all test files: checks the real PostgreSQL and Redis answer, and names this run,
// so every Jest worker creates its own isolated database careloop_test_<run>_<worker>.
import pg from 'pg';
import { Redis } from 'ioredis';

export default async function globalSetup() {
  process.env.CARELOOP_TEST_RUN ??= `${Date.now().toString(36)}${process.pid.toString(36)}`;
  process.env.TEST_PG_ADMIN_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.TEST_REDIS_URL ??= 'redis://127.0.0.1:6379';
  const client = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(`Tests need PostgreSQL at ${process.env.TEST_PG_ADMIN_URL} (set TEST_PG_ADMIN_URL): ${e.message}`, { cause: e });
  } finally {
    await client.end().catch(() => undefined);
  }
  const redis = new Redis(process.env.TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    throw new Error(`Tests need Redis at ${process.env.TEST_REDIS_URL} (set TEST_REDIS_URL): ${e.message}`, { cause: e });
  } finally {
    redis.disconnect();
  }
}
