import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '../../../libs/config/index.js';
import { JobAnchorsRepository } from '../../../libs/queue/job-anchors.repository.js';
import { jobAnchor, QUEUE_CONCURRENCY, WORKER_LOCK_OPTIONS, type JobAnchor } from '../../../libs/queue/jobs.js';
import { QueueService } from '../../../libs/queue/queue.service.js';
import { redisConnectionOptions } from '../../../libs/queue/redis-connection.js';
import { JOB_PROCESSORS, type JobProcessor } from './job-processor.js';

/**
 * Starts one BullMQ Worker per processor and closes them (finishing active jobs) on shutdown. Before a job reaches
 * its processor, the rows it names must exist in this database; otherwise it is logged and failed, never dropped.
 */
@Injectable()
export class WorkerRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JOB_PROCESSORS) private readonly processors: JobProcessor[],
    private readonly queues: QueueService,
    private readonly anchors: JobAnchorsRepository,
  ) {}

  onApplicationBootstrap(): void {
    for (const p of this.processors) {
      const worker = new Worker(p.queue, (job) => this.run(p, job), {
        connection: redisConnectionOptions(this.config.redisUrl),
        prefix: this.queues.prefix,
        concurrency: QUEUE_CONCURRENCY[p.queue],
        ...WORKER_LOCK_OPTIONS,
        autorun: true,
      });
      worker.on('failed', (job, err) => this.logger.warn(`${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
      worker.on('stalled', (jobId) => this.logger.warn(`${p.queue} job ${jobId} stalled (its worker died or was blocked); it runs again`));
      worker.on('error', (err) => this.logger.warn(`worker ${p.queue}: ${err.message}`));
      this.workers.push(worker);
    }
    this.logger.log(`processing queues: ${this.processors.map((p) => p.queue).join(', ')} (prefix ${this.queues.prefix})`);
    this.queues.claimPrefix().catch((e) => this.logger.warn(`could not check who else uses queue prefix ${this.queues.prefix}: ${(e as Error).message}`));
  }

  private async run(p: JobProcessor, job: Job): Promise<unknown> {
    const anchor = jobAnchor(job.name, job.data);
    if (anchor && !(await this.anchors.present(anchor))) {
      const message =
        `${job.name} job ${job.id} names ${describe(anchor)} that this database does not have: deleted since, or the job ` +
        `belongs to another installation using queue prefix "${this.queues.prefix}" on this Redis. Moved to failed, not retried.`;
      this.logger.error(`${message} Job data: ${JSON.stringify(job.data).slice(0, 1000)}`);
      throw new UnrecoverableError(message);
    }
    return p.process(job);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close().catch(() => undefined)));
  }
}

function describe(anchor: JobAnchor): string {
  if (anchor.table === 'outbox') return `outbox event(s) ${anchor.events.map((e) => `${e.id} (aggregate ${e.aggregateId})`).join(', ')}`;
  return `${anchor.table} ${anchor.ids.join(', ')}`;
}
