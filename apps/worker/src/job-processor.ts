import type { Job } from 'bullmq';
import type { QueueName } from '../../../libs/queue/jobs.js';

/** One per queue: a thin adapter that routes each job name to one service method (CONTRIBUTING rule 1). */
export interface JobProcessor {
  readonly queue: QueueName;
  process(job: Job): Promise<unknown>;
}

export const JOB_PROCESSORS = Symbol('JOB_PROCESSORS');

export class UnknownJobError extends Error {
  constructor(job: Job) {
    super(`No handler for job ${job.name} on queue ${job.queueName}`);
  }
}
