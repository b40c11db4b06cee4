import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { deadlineJobId } from '../queue/jobs.js';
import { QueueService } from '../queue/queue.service.js';
import { TasksRepository } from './tasks.repository.js';

/** How far ahead the sweep schedules notices: longer than its period, so every task is seen before it is due. */
export const DUE_NOTICE_HORIZON_MS = 10 * 60_000;
/** A task's notice delayed this long is not worth sending any more (an outage, a task created overdue). */
const MAX_LATENESS = '1 day';
/** Task ids per delayed job, so a busy slot (a whole team's check-ins at 10:00) stays a few bounded jobs. */
const IDS_PER_JOB = 1000;
const UPCOMING_LIMIT = 20_000;
const BATCH = 5000;

/**
 * `task.due` at the task's due time. A frequent sweep enqueues one delayed tasks.due-notify job per due time
 * coming up within the horizon; the job announces, in one guarded UPDATE, those of its tasks still scheduled,
 * still due then and not yet announced, so a task done, cancelled or rescheduled meanwhile is left alone and
 * replays change nothing. Tasks already due (created late, rescheduled to within a sweep period, or a lost job)
 * are announced by the sweep itself. `due_notified_at` marks the notice; moving `due_at` clears it.
 */
@Injectable()
export class DueNoticesService {
  private readonly logger = new Logger(DueNoticesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: TasksRepository,
    private readonly queues: QueueService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /** The periodic sweep: announces what is due now, schedules a delayed notice for what comes due soon. */
  async sweep(): Promise<{ announced: number; scheduled: number }> {
    // One "now" for both halves: a task due between two readings of the clock would fall through the gap.
    const now = this.clock.now();
    let announced = 0;
    for (;;) {
      const n = await this.announce({ dueBy: now });
      announced += n;
      if (n < BATCH) break;
    }
    const scheduled = await this.scheduleUpcoming(now);
    if (announced) this.logger.log(`announced ${announced} task(s) already due`);
    return { announced, scheduled };
  }

  /** The delayed job: announces those of `taskIds` still scheduled, due at exactly `dueAt` and not yet announced. */
  async notify(taskIds: string[], dueAt: string): Promise<{ announced: number }> {
    const due = new Date(dueAt);
    if (!taskIds.length || Number.isNaN(due.getTime())) return { announced: 0 };
    return { announced: await this.announce({ taskIds, dueAt: due }) };
  }

  /** Enqueues the notices of tasks due in (now, now + horizon]; the same tasks at the same time give the same job id. */
  private async scheduleUpcoming(now: Date): Promise<number> {
    const rows = await this.repo.dueSoon(now, DUE_NOTICE_HORIZON_MS / 1000, UPCOMING_LIMIT);
    if (!rows.length) return 0;
    const byDue = new Map<number, string[]>();
    for (const r of rows) {
      const ids = byDue.get(Number(r.due_ms)) ?? [];
      ids.push(r.id);
      byDue.set(Number(r.due_ms), ids);
    }
    const jobs = [...byDue].flatMap(([due, ids]) =>
      chunks(ids.sort(), IDS_PER_JOB).map((chunk) => ({
        name: 'tasks.due-notify' as const,
        payload: { taskIds: chunk, dueAt: new Date(due).toISOString() },
        opts: { jobId: dueNoticeJobId(chunk, due), delay: Math.max(0, due - now.getTime()) },
      })),
    );
    await this.queues.enqueueMany(jobs);
    return jobs.length;
  }

  /**
   * One batch in one transaction: marks the tasks announced and writes their task.due events to the outbox.
   * A delayed job waits for a task locked by a concurrent change (a reschedule, an outcome) and re-checks it
   * afterwards; the sweep skips locked tasks, which the job holding them or the next sweep announces.
   */
  private announce(f: { dueBy?: Date; taskIds?: string[]; dueAt?: Date }): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      // Due times are compared to the millisecond: job payloads carry JavaScript dates.
      const rows = await this.repo.markDueAnnounced(
        em,
        now,
        MAX_LATENESS,
        { dueBy: f.dueBy ?? null, taskIds: f.taskIds ?? null, dueAt: f.dueAt ?? null },
        BATCH,
      );
      await this.outbox.publish(
        em,
        rows.map((r) => ({
          aggregateType: 'task',
          aggregateId: r.id,
          eventType: 'task.due',
          payload: {
            taskId: r.id,
            kind: r.kind,
            dayIndex: r.day_index,
            assigneeId: r.assignee_id,
            learnerId: r.learner_id,
            enrollmentId: r.enrollment_id,
            caseId: r.case_id,
            dueAt: new Date(r.due_at).toISOString(),
          },
        })),
      );
      return rows.length;
    });
  }
}

/** Deterministic id of the notice job for these tasks at this due time (a second sweep adds nothing). */
export function dueNoticeJobId(taskIds: string[], dueAtMs: number): string {
  return deadlineJobId('task-due', dueAtMs, taskIds);
}

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}
