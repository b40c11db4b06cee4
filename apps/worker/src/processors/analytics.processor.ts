import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AnalyticsService } from '../../../../libs/analytics/analytics.service.js';
import { QueueName } from '../../../../libs/queue/jobs.js';
import { UnknownJobError, type JobProcessor } from '../job-processor.js';

/** analytics queue: analytics.refresh (cron and on demand) recomputes the outcome summary. */
@Injectable()
export class AnalyticsProcessor implements JobProcessor {
  readonly queue = QueueName.Analytics;

  constructor(private readonly analytics: AnalyticsService) {}

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'analytics.refresh':
        return this.analytics.refresh();
      default:
        throw new UnknownJobError(job);
    }
  }
}
