import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { DATABASE_IDENTITY, describeIdentity, type DatabaseIdentity } from '../database/database-identity.js';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, QueueName, type JobName, type JobPayloads } from './jobs.js';
import { QUEUE_PREFIX } from './queue-prefix.js';
import { redisConnectionOptions } from './redis-connection.js';

export interface EnqueueOptions {
  jobId?: string;
  delay?: number;
  attempts?: number;
  priority?: number;
}

const ENQUEUE_TIMEOUT_MS = 5000;

/**
 * Producer side of every queue. Used by the worker (outbox relay, schedules, follow-up jobs) and by
 * anything that must put a job on a queue directly. Calls fail fast (5 s) when Redis is unreachable,
 * so callers can keep work in the outbox instead of hanging.
 */
@Injectable()
export class QueueService implements OnModuleDestroy {
  private readonly logger = new Logger(QueueService.name);
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(QUEUE_PREFIX) readonly prefix: string,
    @Inject(DATABASE_IDENTITY) private readonly identity: DatabaseIdentity,
  ) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: { ...redisConnectionOptions(this.config.redisUrl), enableOfflineQueue: false },
        prefix: this.prefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      });
      q.on('error', (e) => this.logger.warn(`queue ${name}: ${e.message}`));
      this.queues.set(name, q);
    }
    return q;
  }

  allQueues(): Queue[] {
    return Object.values(QueueName).map((n) => this.queue(n));
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N], opts: EnqueueOptions = {}): Promise<void> {
    await this.enqueueMany([{ name, payload, opts }]);
  }

  async enqueueMany(jobs: Array<{ name: JobName; payload: unknown; opts?: EnqueueOptions }>): Promise<void> {
    const byQueue = new Map<QueueName, Array<{ name: string; data: unknown; opts: JobsOptions }>>();
    for (const j of jobs) {
      const q = JOB_QUEUE[j.name];
      const list = byQueue.get(q) ?? [];
      list.push({ name: j.name, data: j.payload, opts: { ...DEFAULT_JOB_OPTIONS, ...j.opts } });
      byQueue.set(q, list);
    }
    await withTimeout(Promise.all([...byQueue].map(([q, list]) => this.queue(q).addBulk(list))), ENQUEUE_TIMEOUT_MS, 'Redis did not accept the jobs in time');
  }

  /**
   * Marks this prefix as this installation's in Redis, and says loudly when another database already uses it
   * (two installations given the same QUEUE_PREFIX take each other's jobs), or when jobs wait under the old
   * fixed default prefix `careloop` that nothing processes any more. Never stops the start: Redis may be down.
   */
  async claimPrefix(): Promise<void> {
    const client = new Redis({
      ...(redisConnectionOptions(this.config.redisUrl) as RedisOptions),
      lazyConnect: true,
      connectTimeout: 2000,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await this.checkPrefix(client);
    } finally {
      client.disconnect();
    }
  }

  private async checkPrefix(client: Redis): Promise<void> {
    const owner = describeIdentity(this.identity);
    const key = `${this.prefix}:careloop:installation`;
    const claimed = await client.set(key, owner, 'NX');
    const current = claimed ? owner : await client.get(key);
    if (current !== owner) {
      this.logger.error(
        `queue prefix "${this.prefix}" is already used by the installation with database ${current}; this one is ${owner}. ` +
          `Each will take the other's jobs: give each installation its own QUEUE_PREFIX, or unset it to derive one from the database (if that installation is gone, delete the Redis key ${key}).`,
      );
    }
    if (!this.config.queuePrefix) {
      let waiting = 0;
      for (const q of Object.values(QueueName)) {
        const [wait, delayed, prioritized] = await Promise.all([
          client.llen(`careloop:${q}:wait`),
          client.zcard(`careloop:${q}:delayed`),
          client.zcard(`careloop:${q}:prioritized`),
        ]);
        waiting += wait + delayed + prioritized;
      }
      if (waiting) {
        this.logger.warn(
          `${waiting} job(s) wait under the old default queue prefix "careloop", which this installation no longer uses (it uses "${this.prefix}"). ` +
            'If this is the only installation on this Redis, set QUEUE_PREFIX=careloop until they are done, or keep it.',
        );
      }
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    this.queues.clear();
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
