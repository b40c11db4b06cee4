import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/index.js';
import { QueueName } from '../../../../libs/queue/jobs.js';
import { QueueService } from '../../../../libs/queue/queue.service.js';

export const ANALYTICS_SCHEDULER_ID = 'analytics-refresh';

/**
 * ANALYTICS_CRON (default 02:30 daily, school time zone) → analytics.refresh. A BullMQ job scheduler, so
 * several worker replicas upsert the same one schedule and the job runs once per tick.
 */
@Injectable()
export class AnalyticsSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger('AnalyticsSchedule');

  constructor(
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.queues.queue(QueueName.Analytics).upsertJobScheduler(
        ANALYTICS_SCHEDULER_ID,
        { pattern: this.config.analyticsCron, tz: this.config.schoolTimezone },
        {
          name: 'analytics.refresh',
          data: {},
          opts: {
            attempts: 3,
            backoff: { type: 'exponential', delay: 5000 },
            removeOnComplete: { age: 24 * 3600, count: 100 },
            removeOnFail: { age: 14 * 24 * 3600 },
          },
        },
      );
    } catch (e) {
      // Redis down at boot: the schedule is re-registered on the next start; refreshes can still be requested.
      this.logger.warn(`could not register the analytics schedule: ${(e as Error).message}`);
    }
  }
}
