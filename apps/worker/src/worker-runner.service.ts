import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../../../libs/config/index.js';
import { QUEUE_CONCURRENCY } from '../../../libs/queue/jobs.js';
import { redisConnectionOptions } from '../../../libs/queue/redis-connection.js';
import { JOB_PROCESSORS, type JobProcessor } from './job-processor.js';

/** Starts one BullMQ Worker per processor and closes them (finishing active jobs) on shutdown. */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JOB_PROCESSORS) private readonly processors: JobProcessor[],
  ) {}

  onApplicationBootstrap(): void {
    for (const p of this.processors) {
      const worker = new Worker(p.queue, (job) => p.process(job), {
        connection: redisConnectionOptions(this.config.redisUrl),
        prefix: this.config.queuePrefix,
        concurrency: QUEUE_CONCURRENCY[p.queue],
        lockDuration: 60_000,
        maxStalledCount: 3,
        autorun: true,
      });
      worker.on('failed', (job, err) => this.logger.warn(`${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
      worker.on('error', (err) => this.logger.warn(`worker ${p.queue}: ${err.message}`));
      this.workers.push(worker);
    }
    this.logger.log(`processing queues: ${this.processors.map((p) => p.queue).join(', ')}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close().catch(() => undefined)));
  }
}
