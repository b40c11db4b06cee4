import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/index.js';
import { QueueName } from '../../../../libs/queue/jobs.js';
import { QueueService } from '../../../../libs/queue/queue.service.js';

export const RISK_SCHEDULER_ID = 'risk-train';

/**
 * RISK_TRAIN_CRON (default Mondays 03:45, school time zone, after the nightly analytics refresh) →
 * analytics.risk-schedule, which requests a training attempt like an admin's POST /risk-model/train. A BullMQ job
 * scheduler, so several worker replicas upsert the same one schedule.
 */
@Injectable()
export class RiskSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger('RiskSchedule');

  constructor(
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.queues.queue(QueueName.Analytics).upsertJobScheduler(
        RISK_SCHEDULER_ID,
        { pattern: this.config.riskTrainCron, tz: this.config.schoolTimezone },
        {
          name: 'analytics.risk-schedule',
          data: {},
          opts: {
            attempts: 3,
            backoff: { type: 'exponential', delay: 5000 },
            removeOnComplete: { age: 7 * 24 * 3600, count: 100 },
            removeOnFail: { age: 14 * 24 * 3600 },
          },
        },
      );
    } catch (e) {
      // Redis down at boot: the schedule is re-registered on the next start; admins can still train on demand.
      this.logger.warn(`could not register the risk training schedule: ${(e as Error).message}`);
    }
  }
}
