import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue, type JobsOptions } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { DEFAULT_JOB_OPTIONS, JOB_QUEUE, QueueName, type JobName, type JobPayloads } from './jobs.js';
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

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, {
        connection: { ...redisConnectionOptions(this.config.redisUrl), enableOfflineQueue: false },
        prefix: this.config.queuePrefix,
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
    await withTimeout(
      Promise.all([...byQueue].map(([q, list]) => this.queue(q).addBulk(list))),
      ENQUEUE_TIMEOUT_MS,
      'Redis did not accept the jobs in time',
    );
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
