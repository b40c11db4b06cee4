import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/index.js';
import { DEFAULT_JOB_OPTIONS, QueueName } from '../../../../libs/queue/jobs.js';
import { QueueService } from '../../../../libs/queue/queue.service.js';

export const RULES_SCHEDULER_ID = 'rules-cron';

/**
 * RULES_CRON (default hourly) as a BullMQ job scheduler: one schedule however many worker replicas upsert
 * it. It only enqueues rules.schedule, which requests a (single-flight) rule run.
 */
@Injectable()
export class RulesSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger('RulesSchedule');

  constructor(
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.queues.queue(QueueName.Rules).upsertJobScheduler(
        RULES_SCHEDULER_ID,
        { pattern: this.config.rulesCron, tz: this.config.schoolTimezone },
        {
          name: 'rules.schedule',
          data: {},
          opts: {
            attempts: 3,
            backoff: DEFAULT_JOB_OPTIONS.backoff,
            removeOnComplete: DEFAULT_JOB_OPTIONS.removeOnComplete,
            removeOnFail: DEFAULT_JOB_OPTIONS.removeOnFail,
          },
        },
      );
    } catch (e) {
      // Redis down at boot: the scheduler is upserted again on the next start; runs can still be requested.
      this.logger.warn(`could not register the rules schedule (${this.config.rulesCron}): ${(e as Error).message}`);
    }
  }
}
