import 'reflect-metadata';
import { ConfigError, loadConfig } from '../../../libs/config/config.js';
import { prepareInfrastructure } from '../../../libs/database/infrastructure.js';
import { createApiApp } from '../../api/src/api-app.js';
import { createWorkerApp } from '../../worker/src/worker-app.js';

/**
 * `npm start`: API and worker in one process. With no DATABASE_URL it runs the embedded PostgreSQL
 * (data in .data/, kept across restarts); Redis as docs/design.md §8 says.
 */
async function main(): Promise<void> {
  const log = (m: string) => console.log(`[careloop] ${m}`);
  const config = loadConfig();
  const infra = await prepareInfrastructure(config, log);
  const resolved = { ...config, databaseUrl: infra.databaseUrl, redisUrl: infra.redisUrl };
  const worker = await createWorkerApp(resolved);
  const api = await createApiApp(resolved);
  await api.listen({ port: config.port, host: config.host });
  const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
  log(`ready: http://${shown}:${config.port}/api/v1  (API docs: http://${shown}:${config.port}/docs, health: /health/ready)`);
  if (!config.databaseUrl) log(`database: embedded PostgreSQL, data in ${config.dataDir}/postgres`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down (draining HTTP, closing workers, stopping embedded servers)`);
    const timer = setTimeout(() => {
      console.error('[careloop] shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    await api.close().catch((e) => console.error(e));
    await worker.close().catch((e) => console.error(e));
    await infra.stop().catch((e) => console.error(e));
    clearTimeout(timer);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? `[careloop] ${e.message}` : e);
  process.exit(1);
});
