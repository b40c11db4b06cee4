import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PartitionsService } from '../../../../libs/learners/partitions.service.js';
import { QueueName } from '../../../../libs/queue/jobs.js';
import { UnknownJobError, type JobProcessor } from '../job-processor.js';

/** maintenance queue: maintenance.partitions keeps monthly activity_events partitions ahead of time. */
@Injectable()
export class MaintenanceProcessor implements JobProcessor {
  readonly queue = QueueName.Maintenance;

  constructor(private readonly partitions: PartitionsService) {}

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'maintenance.partitions':
        return this.partitions.ensureAhead();
      default:
        throw new UnknownJobError(job);
    }
  }
}
