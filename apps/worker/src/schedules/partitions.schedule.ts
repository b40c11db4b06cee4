import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/index.js';
import { jobId, QueueName } from '../../../../libs/queue/jobs.js';
import { QueueService } from '../../../../libs/queue/queue.service.js';

export const PARTITIONS_SCHEDULER_ID = 'maintenance-partitions';

/**
 * PARTITIONS_CRON (default 03:15 daily, school time zone) → maintenance.partitions, as a BullMQ job scheduler
 * (one schedule however many worker replicas). Also enqueues one run at boot so a fresh install or a worker
 * that was down over a month boundary catches up at once; the job is idempotent.
 */
@Injectable()
export class PartitionsSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger('PartitionsSchedule');

  constructor(
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const opts = {
      attempts: 5,
      backoff: { type: 'exponential' as const, delay: 10_000 },
      removeOnComplete: { age: 24 * 3600, count: 100 },
      removeOnFail: { age: 14 * 24 * 3600 },
    };
    try {
      await this.queues
        .queue(QueueName.Maintenance)
        .upsertJobScheduler(
          PARTITIONS_SCHEDULER_ID,
          { pattern: this.config.partitionsCron, tz: this.config.schoolTimezone },
          { name: 'maintenance.partitions', data: {}, opts },
        );
      await this.queues.enqueue('maintenance.partitions', {}, { jobId: jobId('partitions-boot', new Date().toISOString().slice(0, 10)) });
    } catch (e) {
      this.logger.warn(`could not register the partitions schedule: ${(e as Error).message}`);
    }
  }
}
