import 'reflect-metadata';
import { ConfigError, loadConfig } from '../../../libs/config/config.js';
import { prepareInfrastructure } from '../../../libs/database/infrastructure.js';
import { createWorkerApp } from './worker-app.js';

/** Production entry point for the worker alone: `node dist/apps/worker/src/main.js`. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, { signsTokens: false });
  const infra = await prepareInfrastructure(config, (m) => console.log(`[careloop worker] ${m}`));
  const app = await createWorkerApp({ ...config, databaseUrl: infra.databaseUrl, redisUrl: infra.redisUrl });
  console.log('[careloop worker] running');
  const stop = async () => {
    await app.close();
    await infra.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
