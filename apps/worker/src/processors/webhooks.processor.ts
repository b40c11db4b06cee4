import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueName } from '../../../../libs/queue/jobs.js';
import { WebhooksService } from '../../../../libs/webhooks/webhooks.service.js';
import { UnknownJobError, type JobProcessor } from '../job-processor.js';

export class WebhookDeliveryRetry extends Error {}

/** webhooks queue: fan-out of domain events to subscribed webhooks, and one signed delivery per job. */
@Injectable()
export class WebhooksProcessor implements JobProcessor {
  readonly queue = QueueName.Webhooks;

  constructor(private readonly webhooks: WebhooksService) {}

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'webhooks.fan-out':
        return this.webhooks.fanOut(job.data);
      case 'webhooks.deliver': {
        const attempt = job.attemptsMade + 1;
        const outcome = await this.webhooks.deliver(job.data.deliveryId, attempt, attempt >= (job.opts.attempts ?? 1));
        // Throwing hands the retry (with exponential backoff) to BullMQ; the attempt is already logged.
        if (outcome === 'retry') throw new WebhookDeliveryRetry(`delivery ${job.data.deliveryId} attempt ${attempt} failed; retrying`);
        return outcome;
      }
      default:
        throw new UnknownJobError(job);
    }
  }
}
