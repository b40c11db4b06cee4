import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from '../../migrations/index.js';

/**
 * One definition of the connection, shared by the apps, the tests and the migration CLI. `applicationName` names the
 * process in pg_stat_activity (careloop-api, careloop-worker), so an operator sees whose session holds or waits.
 */
export function buildDataSourceOptions(url: string, poolSize: number, applicationName = 'careloop'): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: poolSize,
      connectionTimeoutMillis: 5000,
      idleTimeoutMillis: 30000,
      application_name: applicationName,
    },
  };
}
