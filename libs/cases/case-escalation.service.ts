import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SYSTEM } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { deadlineJobId } from '../queue/jobs.js';
import { QueueService } from '../queue/queue.service.js';
import { FALLBACK_ADMIN_SQL, NO_SUPERVISOR_REASON, supervisorCanReceive } from '../staff/escalation-target.js';
import { updateReturning } from './sql.js';

interface EscalatedRow {
  id: string;
  learner_id: string;
  advisor_id: string | null;
  team_id: string | null;
  escalated_to: string | null;
  due_at: Date;
  priority: string;
  /** The team had no supervisor: escalated to the admins. */
  to_admins: boolean;
}

/**
 * Cases not contacted by their due time escalate to the team supervisor (docs/design.md §4.7), or to the admins
 * when the team has none (libs/staff/escalation-target.ts). A delayed job per
 * (case, due time) fires at the deadline and re-checks everything in one guarded UPDATE, so a case that was
 * contacted, resolved or rescheduled in the meantime is left alone; the periodic sweep catches any job that
 * Redis lost.
 */
@Injectable()
export class CaseEscalationService {
  private readonly logger = new Logger(CaseEscalationService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  /**
   * Enqueues the deadline checks (called by the worker after the transaction that set the due times): one delayed
   * job per distinct due time, checking every case due then. An intake batch gives hundreds of cases a handful of
   * due times (same hours, same working week), so this is a few jobs, not one per case.
   */
  async schedule(items: Array<{ caseId: string; dueAt: Date }>): Promise<void> {
    if (!items.length) return;
    const now = this.clock.now().getTime();
    const byDue = new Map<number, string[]>();
    for (const i of items) {
      const ids = byDue.get(i.dueAt.getTime()) ?? [];
      ids.push(i.caseId);
      byDue.set(i.dueAt.getTime(), ids);
    }
    try {
      await this.queues.enqueueMany(
        [...byDue].map(([due, ids]) => ({
          name: 'cases.escalation-check' as const,
          payload: { caseIds: ids.sort(), dueAt: new Date(due).toISOString() },
          opts: { jobId: escalationJobId(ids, due), delay: Math.max(0, due - now) },
        })),
      );
    } catch (e) {
      // The sweep escalates overdue cases anyway; a lost deadline job only delays the escalation.
      this.logger.warn(`could not schedule ${items.length} escalation check(s): ${(e as Error).message}`);
    }
  }

  /** The deadline job: escalates those of its cases still due at exactly this time and untouched. */
  async check(caseIds: string[], dueAt: string): Promise<number> {
    return this.escalate({ caseIds, dueAt: new Date(dueAt) });
  }

  /** Periodic safety net: escalates every overdue, uncontacted case. */
  async sweep(): Promise<number> {
    return this.escalate({});
  }

  private async escalate(f: { caseIds?: string[]; dueAt?: Date }): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      const now = this.clock.now();
      const rows = await updateReturning<EscalatedRow>(
        em,
        `update cases c set escalated_at = $1, updated_at = $1,
                escalated_to = coalesce(c.escalated_to, sup.id, ${FALLBACK_ADMIN_SQL}),
                priority = case when c.priority in ('low','medium') then 'high' else c.priority end,
                priority_score = greatest(c.priority_score, 30)
           from cases c0 left join teams t on t.id = c0.team_id
           left join staff sup on sup.id = t.supervisor_id and ${supervisorCanReceive('sup')}
          where c.id = c0.id and c.status <> 'resolved' and c.first_contact_at is null and c.escalated_at is null
            and c.due_at <= $1
            and ($2::uuid[] is null or c.id = any($2::uuid[]))
            and ($3::timestamptz is null or c.due_at = $3::timestamptz)
         returning c.id, c.learner_id, c.advisor_id, c.team_id, c.escalated_to, c.due_at, c.priority,
                   (c0.escalated_to is null and sup.id is null) as to_admins`,
        [now, f.caseIds ?? null, f.dueAt ?? null],
      );
      await this.record(em, rows, now);
      return rows.length;
    });
  }

  private async record(em: EntityManager, rows: EscalatedRow[], now: Date): Promise<void> {
    if (!rows.length) return;
    const reason = (r: EscalatedRow) => `no first contact by the due time ${new Date(r.due_at).toISOString()}${r.to_admins ? `; ${NO_SUPERVISOR_REASON}` : ''}`;
    await this.audit.record(
      em,
      rows.map((r) => ({
        actor: SYSTEM,
        action: 'case.escalated',
        entity: 'case' as const,
        entityId: r.id,
        after: { escalatedAt: now.toISOString(), escalatedTo: r.escalated_to, advisorId: r.advisor_id, teamId: r.team_id, priority: r.priority },
        reason: reason(r),
      })),
    );
    await this.outbox.publish(
      em,
      rows.map((r) => ({
        aggregateType: 'case',
        aggregateId: r.id,
        eventType: 'case.escalated',
        payload: {
          caseId: r.id,
          learnerId: r.learner_id,
          advisorId: r.advisor_id,
          teamId: r.team_id,
          supervisorId: r.escalated_to,
          escalatedToAdmins: r.to_admins,
          dueAt: new Date(r.due_at).toISOString(),
          escalatedAt: now.toISOString(),
          reason: reason(r),
        },
      })),
    );
  }
}

/** Id of the deadline job for these cases at this due time (a re-schedule of the same set is a no-op). */
export function escalationJobId(caseIds: string[], dueAtMs: number): string {
  return deadlineJobId('esc', dueAtMs, caseIds);
}
