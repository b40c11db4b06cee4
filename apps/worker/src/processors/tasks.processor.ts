import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueName, type DomainEventJob, type JobPayloads } from '../../../../libs/queue/jobs.js';
import { DueNoticesService } from '../../../../libs/tasks/due-notices.service.js';
import { FirstWeekScheduler } from '../../../../libs/tasks/first-week.scheduler.js';
import { RemindersService } from '../../../../libs/tasks/reminders.service.js';
import { UnknownJobError, type JobProcessor } from '../job-processor.js';

/**
 * tasks queue: the first-week program on enrollment.created / enrollment.status_changed, the hourly sweeps
 * (learner reminders, renewal calls), and task.due notices (the 5-minute sweep and the delayed job per due time).
 * Every handler re-reads state, so replays change nothing.
 */
@Injectable()
export class TasksProcessor implements JobProcessor {
  readonly queue = QueueName.Tasks;

  constructor(
    private readonly firstWeek: FirstWeekScheduler,
    private readonly reminders: RemindersService,
    private readonly dueNotices: DueNoticesService,
  ) {}

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'tasks.first-week': {
        // One relay pass's enrolments (the enrollment.created aggregate is the enrolment), planned together.
        const d = job.data as JobPayloads['tasks.first-week'];
        return this.firstWeek.schedule('outboxIds' in d ? [...new Set(d.aggregateIds)] : [enrollmentIdOf(d)]);
      }
      case 'tasks.on-enrollment-status':
        return this.firstWeek.onStatusChanged(enrollmentIdOf(job.data));
      case 'tasks.reminders':
        return this.reminders.sendReminders();
      case 'tasks.renewal-calls':
        return this.reminders.scheduleRenewalCalls();
      case 'tasks.due-sweep':
        return this.dueNotices.sweep();
      case 'tasks.due-notify': {
        const d = job.data as JobPayloads['tasks.due-notify'];
        return this.dueNotices.notify(d.taskIds, d.dueAt);
      }
      default:
        throw new UnknownJobError(job);
    }
  }
}

function enrollmentIdOf(evt: DomainEventJob): string {
  const id = (evt.payload as { enrollmentId?: unknown }).enrollmentId ?? evt.aggregateId;
  return String(id);
}
