import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/index.js';
import { QueueName } from '../../../../libs/queue/jobs.js';
import { QueueService } from '../../../../libs/queue/queue.service.js';
import { DUE_NOTICE_HORIZON_MS } from '../../../../libs/tasks/due-notices.service.js';

export const REMINDERS_SCHEDULER_ID = 'tasks-reminders';
export const RENEWAL_CALLS_SCHEDULER_ID = 'tasks-renewal-calls';
export const DUE_SWEEP_SCHEDULER_ID = 'tasks-due-sweep';
/** task.due sweep period (5 minutes): half the horizon it schedules ahead, so each notice is enqueued before it is due. */
export const DUE_SWEEP_EVERY_MS = DUE_NOTICE_HORIZON_MS / 2;

const SWEEP_OPTS = {
  attempts: 3,
  backoff: { type: 'exponential' as const, delay: 5000 },
  removeOnComplete: { age: 24 * 3600, count: 100 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/**
 * REMINDERS_CRON (default hourly at :10, school time zone) → tasks.reminders and tasks.renewal-calls; every five
 * minutes → tasks.due-sweep (which enqueues the task.due notices at each task's due time). BullMQ job schedulers:
 * several worker replicas upsert the same schedule, and each tick runs once. The due sweep keeps its scheduler id,
 * so upserting it replaces the hourly schedule it had before.
 */
@Injectable()
export class RemindersSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger('RemindersSchedule');

  constructor(
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const repeat = { pattern: this.config.remindersCron, tz: this.config.schoolTimezone };
    try {
      const q = this.queues.queue(QueueName.Tasks);
      await q.upsertJobScheduler(REMINDERS_SCHEDULER_ID, repeat, { name: 'tasks.reminders', data: {}, opts: SWEEP_OPTS });
      await q.upsertJobScheduler(RENEWAL_CALLS_SCHEDULER_ID, repeat, { name: 'tasks.renewal-calls', data: {}, opts: SWEEP_OPTS });
      await q.upsertJobScheduler(DUE_SWEEP_SCHEDULER_ID, { every: DUE_SWEEP_EVERY_MS }, { name: 'tasks.due-sweep', data: {}, opts: SWEEP_OPTS });
    } catch (e) {
      this.logger.warn(`could not register the reminder schedules: ${(e as Error).message}`);
    }
  }
}
