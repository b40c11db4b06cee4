import type { AppConfig } from '../config/config.js';
import { ensureRedis } from '../queue/redis-bootstrap.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';
import { runMigrationsLocked } from './migrator.js';

export interface Infrastructure {
  databaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

/**
 * Resolves where PostgreSQL and Redis are (starting the embedded ones when nothing is configured)
 * and applies pending migrations under the migration lock. Returns the config to boot the apps with.
 */
export async function prepareInfrastructure(config: AppConfig, log: (m: string) => void): Promise<Infrastructure> {
  const pg = config.databaseUrl
    ? { url: config.databaseUrl, stop: async () => undefined }
    : await startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort, log);
  try {
    const redis = await ensureRedis({ url: config.redisUrl, explicit: config.redisUrlExplicit, dataDir: config.dataDir, log });
    if (config.migrationsRun) await runMigrationsLocked(pg.url, log);
    return {
      databaseUrl: pg.url,
      redisUrl: redis.url,
      stop: async () => {
        await redis.stop();
        await pg.stop();
      },
    };
  } catch (e) {
    await pg.stop();
    throw e;
  }
}
