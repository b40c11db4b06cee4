import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AnalyticsService } from '../../../../libs/analytics/analytics.service.js';
import { QueueName } from '../../../../libs/queue/jobs.js';
import { RiskService } from '../../../../libs/risk/risk.service.js';
import { UnknownJobError, type JobProcessor } from '../job-processor.js';

/**
 * analytics queue: analytics.refresh (cron and on demand) recomputes the outcome summary; analytics.risk-train
 * trains one learned risk model attempt, analytics.risk-schedule (weekly cron) requests one.
 */
@Injectable()
export class AnalyticsProcessor implements JobProcessor {
  readonly queue = QueueName.Analytics;

  constructor(
    private readonly analytics: AnalyticsService,
    private readonly risk: RiskService,
  ) {}

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'analytics.refresh':
        return this.analytics.refresh();
      case 'analytics.risk-train': {
        const modelId = (job.data as { payload?: { modelId?: string } }).payload?.modelId;
        if (!modelId) throw new Error('analytics.risk-train without a modelId');
        try {
          return await this.risk.train(modelId);
        } catch (e) {
          // The last attempt records the failure on the attempt, so GET /risk-model says what went wrong.
          if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await this.risk.markFailed(modelId, (e as Error).message);
          throw e;
        }
      }
      case 'analytics.risk-schedule':
        return this.risk.requestScheduled();
      default:
        throw new UnknownJobError(job);
    }
  }
}
