import 'reflect-metadata';
import { ConfigError, loadConfig } from '../../../libs/config/config.js';
import { prepareInfrastructure } from '../../../libs/database/infrastructure.js';
import { createApiApp } from './api-app.js';

/** Production entry point for the HTTP API alone: `node dist/apps/api/src/main.js`. */
async function main(): Promise<void> {
  const config = loadConfig();
  const infra = await prepareInfrastructure(config, (m) => console.log(`[careloop api] ${m}`));
  const app = await createApiApp({ ...config, databaseUrl: infra.databaseUrl, redisUrl: infra.redisUrl });
  await app.listen({ port: config.port, host: config.host });
  console.log(`[careloop api] listening on http://${config.host}:${config.port} (docs at /docs)`);
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
