import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/index.js';

/** A small dedicated Redis connection for readiness checks; fails fast instead of queueing commands. */
@Injectable()
export class RedisProbe implements OnModuleDestroy {
  private client: Redis | undefined;
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async ping(): Promise<void> {
    this.client ??= new Redis(this.config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: () => 1000,
    });
    this.client.on('error', () => undefined);
    if (this.client.status === 'wait' || this.client.status === 'end') await this.client.connect().catch(() => undefined);
    const reply = await this.client.ping();
    if (reply !== 'PONG') throw new Error(`unexpected reply ${reply}`);
  }

  async onModuleDestroy(): Promise<void> {
    this.client?.disconnect();
  }
}
