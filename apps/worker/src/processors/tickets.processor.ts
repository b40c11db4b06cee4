import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueName, type JobPayloads } from '../../../../libs/queue/jobs.js';
import { TicketSlaService } from '../../../../libs/tickets/ticket-sla.service.js';
import { TicketAssignmentService } from '../../../../libs/tickets/ticket-assignment.service.js';
import { UnknownJobError, type JobProcessor } from '../job-processor.js';

/** The tickets queue: SLA scheduling, SLA checks (warning / breach escalation) and pool backfill. */
@Injectable()
export class TicketsProcessor implements JobProcessor {
  readonly queue = QueueName.Tickets;

  constructor(
    private readonly sla: TicketSlaService,
    private readonly tickets: TicketAssignmentService,
  ) {}

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'tickets.schedule-sla': {
        const evt = job.data as JobPayloads['tickets.schedule-sla'];
        return this.sla.scheduleChecks(evt.aggregateId, evt.payload.obsolete ?? []);
      }
      case 'tickets.sla-check': {
        const outcome = await this.sla.runCheck(job.data as JobPayloads['tickets.sla-check']);
        // Fired before its time by our clock (clock skew): fail so BullMQ retries with backoff.
        if (outcome === 'not_due') throw new Error(`ticket ${job.data.ticketId} ${job.data.target} ${job.data.kind} is not due yet`);
        return outcome;
      }
      case 'tickets.backfill': {
        const evt = job.data as JobPayloads['tickets.backfill'];
        const teamId = (evt.payload.teamId as string | null | undefined) ?? null;
        return this.tickets.backfill(teamId, `${evt.eventType} ${evt.aggregateId}`);
      }
      default:
        throw new UnknownJobError(job);
    }
  }
}
