import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/config.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { EMBEDDED_DATABASE } from './embedded-postgres.js';

/**
 * The data source the TypeORM CLI uses (npm run migration:generate / migration:run / migration:revert).
 * Without DATABASE_URL it points at the embedded server, which `npm start` (or `npm run db:embedded`) runs.
 */
const config = loadConfig(process.env, { signsTokens: false }); // the CLI signs no tokens
const url = config.databaseUrl ?? `postgres://postgres:careloop-embedded@127.0.0.1:${config.embeddedPostgresPort}/${EMBEDDED_DATABASE}`;
export default new DataSource(buildDataSourceOptions(url, 2));
