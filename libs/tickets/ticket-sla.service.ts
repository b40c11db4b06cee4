import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SYSTEM } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { NO_SUPERVISOR_REASON } from '../staff/escalation-target.js';
import { jobId, QueueName, type JobPayloads } from '../queue/jobs.js';
import { QueueService } from '../queue/queue.service.js';
import { pendingChecks, type SlaCheck } from './sla-clock.js';
import { TicketsRepository } from './tickets.repository.js';

type SlaCheckJob = JobPayloads['tickets.sla-check'];

export type SlaCheckOutcome = 'warned' | 'escalated' | 'not_due' | 'stale' | 'done' | 'missing';

export function slaCheckJobId(ticketId: string, c: { target: string; kind: string; at: Date | string }): string {
  return jobId('tickets.sla-check', ticketId, c.target, c.kind, new Date(c.at).getTime());
}

/**
 * SLA escalation: delayed `tickets.sla-check` jobs at 80% of each target (warning to the assignee) and at
 * the deadline (escalation to the team supervisor). Jobs are scheduled from outbox events, so a Redis
 * outage delays them but never loses them; every check re-reads the ticket and acts at most once.
 */
@Injectable()
export class TicketSlaService {
  private readonly logger = new Logger(TicketSlaService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: TicketsRepository,
    private readonly queues: QueueService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** From `ticket.created` / `ticket.sla_changed`: drop the obsolete delayed checks and (re)add the current ones. */
  async scheduleChecks(ticketId: string, obsolete: Array<{ target: string; kind: string; at: string }> = []): Promise<{ removed: number; scheduled: number }> {
    let removed = 0;
    const queue = this.queues.queue(QueueName.Tickets);
    for (const c of obsolete) {
      const job = await queue.getJob(slaCheckJobId(ticketId, c));
      if (job && (await job.isDelayed())) {
        await job.remove();
        removed++;
      }
    }
    const t = await this.repo.findById(ticketId);
    if (!t) return { removed, scheduled: 0 };
    const checks = pendingChecks(t);
    const now = this.clock.now().getTime();
    await this.queues.enqueueMany(
      checks.map((c: SlaCheck) => ({
        name: 'tickets.sla-check' as const,
        payload: { ticketId, target: c.target, kind: c.kind, at: c.at.toISOString() } satisfies SlaCheckJob,
        // Delays are relative to the business clock, so a fixed test clock still gets a proportionate delay.
        opts: { jobId: slaCheckJobId(ticketId, c), delay: Math.max(0, c.at.getTime() - now) },
      })),
    );
    return { removed, scheduled: checks.length };
  }

  /**
   * One check, re-verified under the ticket's row lock: it acts only if the clock it was scheduled for still
   * runs with the same deadline and this warning/breach was not recorded yet. A breach escalates exactly once.
   */
  async runCheck(job: SlaCheckJob): Promise<SlaCheckOutcome> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (em) => {
      const t = await this.repo.lock(em, job.ticketId);
      if (!t) return 'missing';
      const current = pendingChecks(t).find((c) => c.target === job.target && c.kind === job.kind);
      if (!current) return 'done';
      if (current.at.getTime() !== new Date(job.at).getTime()) return 'stale';
      if (now.getTime() < current.at.getTime()) return 'not_due';
      const prefix = job.target === 'first_response' ? 'first_response' : 'resolution';
      const dueAt = (job.target === 'first_response' ? t.first_response_due_at : t.resolution_due_at)!;
      const base = {
        ticketId: t.id,
        learnerId: t.learner_id,
        learnerExternalId: t.learner_external_id,
        target: job.target,
        dueAt: new Date(dueAt).toISOString(),
        teamId: t.team_id,
      };
      if (job.kind === 'warning') {
        await this.repo.update(em, t.id, { [`${prefix}_warned_at`]: now }, now);
        await this.outbox.publish(em, [
          { aggregateType: 'ticket', aggregateId: t.id, eventType: 'ticket.sla_warning', payload: { ...base, assigneeId: t.assignee_id } },
        ]);
        return 'warned';
      }
      const target = await this.repo.escalationTarget(em, t.team_id);
      const supervisorId = target.staffId;
      const patch: Record<string, unknown> = { [`${prefix}_breached_at`]: now };
      if (!t.escalated_at) {
        patch.escalated_at = now;
        patch.escalated_to_id = supervisorId;
      }
      await this.repo.update(em, t.id, patch, now);
      await this.audit.record(em, {
        actor: SYSTEM,
        action: 'ticket.escalated',
        entity: 'ticket',
        entityId: t.id,
        before: { escalatedToId: t.escalated_to_id },
        after: { target: job.target, escalatedToId: supervisorId, assigneeId: t.assignee_id, teamId: t.team_id },
        reason: `${job.target === 'first_response' ? 'first-response' : 'resolution'} SLA breached (due ${base.dueAt})${target.toAdmins ? `; ${NO_SUPERVISOR_REASON}` : ''}`,
      });
      await this.outbox.publish(em, [
        {
          aggregateType: 'ticket',
          aggregateId: t.id,
          eventType: 'ticket.escalated',
          payload: { ...base, supervisorId, escalatedToAdmins: target.toAdmins, assigneeId: t.assignee_id },
        },
      ]);
      if (!supervisorId) this.logger.warn(`ticket ${t.id} breached its ${job.target} SLA, its team has no supervisor and no admin is active`);
      return 'escalated';
    });
  }
}
