import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DEFAULT_JOB_OPTIONS, QueueName } from '../../../../libs/queue/jobs.js';
import { QueueService } from '../../../../libs/queue/queue.service.js';

export const CASES_SWEEP_SCHEDULER_ID = 'cases-sweep';
/** The safety net runs every five minutes: waiting alerts, the pools, overdue escalations. */
export const CASES_SWEEP_EVERY_MS = 5 * 60_000;

/** A BullMQ job scheduler (one schedule however many replicas) that only enqueues cases.sweep. */
@Injectable()
export class CasesSweepSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger('CasesSweepSchedule');

  constructor(private readonly queues: QueueService) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.queues.queue(QueueName.Cases).upsertJobScheduler(
        CASES_SWEEP_SCHEDULER_ID,
        { every: CASES_SWEEP_EVERY_MS },
        {
          name: 'cases.sweep',
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
      this.logger.warn(`could not register the cases sweep: ${(e as Error).message}`);
    }
  }
}
