import { Global, Logger, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { DATABASE_IDENTITY, readDatabaseIdentity, type DatabaseIdentity } from '../database/database-identity.js';
import { derivedQueuePrefix, QUEUE_PREFIX } from './queue-prefix.js';
import { QueueService } from './queue.service.js';

/**
 * Queues for API and worker. The key prefix is resolved once the database connection is up (Nest awaits these
 * factories before any queue or worker exists): QUEUE_PREFIX if set, else derived from the database identity.
 */
@Global()
@Module({
  providers: [
    { provide: DATABASE_IDENTITY, inject: [DataSource], useFactory: (ds: DataSource) => readDatabaseIdentity(ds) },
    {
      provide: QUEUE_PREFIX,
      inject: [APP_CONFIG, DATABASE_IDENTITY],
      useFactory: (config: AppConfig, identity: DatabaseIdentity) => {
        if (config.queuePrefix) return config.queuePrefix;
        const prefix = derivedQueuePrefix(identity);
        new Logger('Queues').log(
          `queue prefix ${prefix}, derived from database "${identity.database}" (${identity.source} ${identity.cluster}); QUEUE_PREFIX overrides it`,
        );
        return prefix;
      },
    },
    QueueService,
  ],
  exports: [QueueService, QUEUE_PREFIX, DATABASE_IDENTITY],
})
export class QueueModule {}
