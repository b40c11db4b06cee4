import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { DEFAULT_WORKING_HOURS } from '../common/working-hours.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { escalationTargets } from '../staff/escalation-target.js';
import { TasksService } from '../tasks/tasks.service.js';
import { CaseEscalationService } from './case-escalation.service.js';
import {
  applyDueTimes,
  caseIntakeRecords,
  caseTaskDrafts,
  groupByLearner,
  planCaseDrafts,
  teamsInvolved,
  withoutHoldout,
  type CaseDraft,
} from './case-intake.plan.js';
import { CaseIntakeRepository, MAX_INTAKE_SLOTS } from './case-intake.repository.js';
import { CasesRepository } from './cases.repository.js';

export { INTAKE_LOCK_KEY, MAX_INTAKE_SLOTS } from './case-intake.repository.js';

/** The optimistic plan no longer held when confirmed under the staff row locks; the batch is redone with them. */
class PlanConflict extends Error {}

export interface IntakeResult {
  claimed: number;
  claimedOwn: boolean;
  opened: number;
  attached: number;
  holdout: number;
}

/**
 * Alerts become cases (docs/design.md §3, §4.3): one open case per learner; later alerts attach and can raise its
 * priority; new cases go through the assignment policy (complaints straight to the supervisor's escalation
 * queue); each (case, rule) gets one task of the rule's task kind; holdout learners get nothing.
 *
 * Waiting alerts are the rows of `case_intake_queue`: a trigger adds one for every alert inserted open, and it is
 * defined only in migration CaseIntakeQueue (function alerts_queue_for_intake), not in this code. The relay
 * sends one `cases.on-alerts-opened` job per relay pass of alert.opened events; a job whose alerts are still
 * waiting takes them in together with the oldest other waiting ones, up to CASE_INTAKE_BATCH (1,000) per set-based transaction,
 * and keeps going while full batches come back, so a burst of alerts is processed in a few large transactions and
 * later jobs find their alerts done with one indexed read. Up to CASE_INTAKE_CONCURRENCY intake transactions run at
 * once.
 * Each locks its learners (so a learner's alerts never open two cases), plans the whole batch's assignments in
 * memory from the committed staff loads without locking them, writes cases, case_alerts, tasks, audit and outbox
 * rows with one statement each, deletes the queue rows it took in, and only then locks the staff rows to confirm
 * the plan against the loads at that moment (AssignmentService.confirmMany): nobody over capacity, nothing pooled
 * while an eligible advisor has room. If the plan no longer holds (a concurrent batch took the same room), the
 * transaction rolls back and the batch is redone deciding under the staff locks from the start (chooseMany).
 * Lock order: intake slot → queue and alert rows (SKIP LOCKED) → learner rows → open case rows → staff rows,
 * each set in id order.
 */
@Injectable()
export class CaseIntakeService {
  private readonly logger = new Logger(CaseIntakeService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: CaseIntakeRepository,
    private readonly cases: CasesRepository,
    private readonly tasks: TasksService,
    private readonly assignment: AssignmentService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly escalation: CaseEscalationService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get slots(): number {
    return Math.min(Math.max(1, this.config.caseIntakeConcurrency), MAX_INTAKE_SLOTS);
  }

  /**
   * Job `cases.on-alerts-opened`. In a burst most jobs find their alerts already taken in by an earlier job's
   * batches and return after one indexed read (helping to drain other waiting alerts only if an intake slot is free:
   * they never wait for one). A job whose alerts are still waiting queues for a slot; the job holding it drains the
   * queue batch after batch (oldest first) before letting go, so a queued job usually finds its alerts done.
   * Alerts of its own that a concurrent intake batch holds are waited for; the job throws (and retries) only if
   * some stay waiting, e.g. row-locked by a rule run still updating them.
   */
  async onAlertsOpened(alertIds: string[]): Promise<IntakeResult> {
    const empty: IntakeResult = { claimed: 0, claimedOwn: false, opened: 0, attached: 0, holdout: 0 };
    const { own, pending } = await this.repo.queueState(alertIds);
    if (!own) return pending ? this.run(null, false) : empty;
    const res = await this.run(alertIds, true);
    let left = await this.stillWaiting(alertIds);
    if (left.length) {
      await this.run(left, true);
      left = await this.stillWaiting(left);
      if (left.length) throw new Error(`${left.length} of this job's alerts are still held by another transaction; will retry`);
    }
    return res;
  }

  private stillWaiting(alertIds: string[]): Promise<string[]> {
    return this.repo.stillWaiting(alertIds);
  }

  /** Alerts waiting for intake (exported as a metric). */
  backlog(): Promise<number> {
    return this.repo.backlog();
  }

  /** Periodic safety net: takes in every alert still waiting (e.g. if a job was lost). */
  async drain(): Promise<number> {
    return (await this.run(null, true)).claimed;
  }

  /**
   * Takes an intake slot (a session-level advisory lock on one pooled connection) and runs intake transactions on
   * that connection back to back until a batch comes back short: the caller's alerts (those still waiting) first,
   * then the oldest waiting alerts, CASE_INTAKE_BATCH per transaction. Holding the slot across batches means a burst is
   * drained by one job without a hand-over to another process between batches. With `wait` false it gives up at
   * once when every slot is taken. Escalation deadlines are enqueued after each commit. Returns the totals.
   */
  private async run(ownAlertIds: string[] | null, wait: boolean): Promise<IntakeResult> {
    const total: IntakeResult = { claimed: 0, claimedOwn: false, opened: 0, attached: 0, holdout: 0 };
    const qr = this.dataSource.createQueryRunner();
    let slot: number | null = null;
    let broken: Error | undefined;
    try {
      slot = await this.repo.takeSlot(qr, this.slots, wait);
      if (slot === null) return total;
      let own = ownAlertIds ?? [];
      for (;;) {
        const r = await this.batch(qr, own);
        own = [];
        total.claimed += r.claimed;
        total.claimedOwn ||= r.claimedOwn;
        total.opened += r.opened;
        total.attached += r.attached;
        total.holdout += r.holdout;
        if (r.claimed < this.config.caseIntakeBatch) return total;
      }
    } catch (e) {
      broken = e as Error;
      throw e;
    } finally {
      if (slot !== null && !broken) {
        await this.repo.releaseSlot(qr, slot).catch((e: Error) => (broken = e));
      }
      // After an error the connection is discarded rather than pooled, which also frees a slot still held.
      if (broken) await (qr as unknown as { releasePostgresConnection(err: Error): Promise<void> }).releasePostgresConnection(broken);
      else await qr.release();
    }
  }

  /** One intake transaction; a plan that fails its confirmation is redone once, deciding under the staff locks. */
  private async batch(qr: QueryRunner, own: string[]): Promise<IntakeResult> {
    try {
      return await this.transaction(qr, own, 'optimistic');
    } catch (e) {
      if (!(e instanceof PlanConflict)) throw e;
      this.logger.debug(`intake plan conflicted (${e.message}); redoing the batch under the staff locks`);
      return this.transaction(qr, own, 'locked');
    }
  }

  private async transaction(qr: QueryRunner, own: string[], mode: 'optimistic' | 'locked'): Promise<IntakeResult> {
    const toSchedule: Array<{ caseId: string; dueAt: Date }> = [];
    await qr.startTransaction();
    let result: IntakeResult;
    try {
      // Bounds the waits on learner, case and staff rows held by other writers (the job retries after an error).
      await this.repo.boundLockWaits(qr.manager);
      result = await this.intake(qr.manager, own, this.config.caseIntakeBatch, mode, toSchedule);
      await qr.commitTransaction();
    } catch (e) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    }
    await this.escalation.schedule(toSchedule);
    return result;
  }

  /**
   * One batch: claims waiting alerts, reads and locks what the plan needs, plans (case-intake.plan.ts), assigns
   * (optimistically from committed loads, or under the staff locks), writes, then confirms an optimistic plan.
   */
  private async intake(
    em: EntityManager,
    ownAlertIds: string[],
    batch: number,
    mode: 'optimistic' | 'locked',
    toSchedule: Array<{ caseId: string; dueAt: Date }>,
  ): Promise<IntakeResult> {
    const now = this.clock.now();
    const claimed = await this.repo.claim(em, ownAlertIds, batch);
    const alerts = claimed.filter((a) => a.status === 'open');
    const own = new Set(ownAlertIds);
    const result: IntakeResult = { claimed: claimed.length, claimedOwn: claimed.some((a) => own.has(a.id)), opened: 0, attached: 0, holdout: 0 };
    if (!alerts.length) return result;

    const ctx = new Map((await this.repo.enrollmentContexts(em, [...new Set(alerts.map((a) => a.enrollment_id))])).map((r) => [r.id, r]));
    const live = withoutHoldout(alerts, ctx);
    result.holdout = alerts.length - live.length;
    if (!live.length) return result;

    const byLearner = groupByLearner(live);
    const openCases = await this.repo.lockLearnersAndOpenCases(em, [...byLearner.keys()]);
    const existingAlerts = await this.repo.openCaseAlerts(
      em,
      openCases.map((c) => c.id),
    );
    // Complaints escalate to the team's supervisor, or to the admins when the team has none (null: a case without a team).
    const escalationTargetOf = await escalationTargets(em, [...teamsInvolved(live, ctx, openCases), null]);
    const { drafts, toAssign, requests } = planCaseDrafts({
      byLearner,
      ctx,
      openByLearner: new Map(openCases.map((c) => [c.learner_id, c])),
      existingAlerts,
      escalationTargetOf,
      now,
    });

    const decisions = mode === 'optimistic' ? await this.assignment.planMany(em, 'case', requests) : await this.assignment.chooseMany(em, 'case', requests);
    decisions.forEach((d, i) => {
      toAssign[i].advisorId = d.advisorId;
      toAssign[i].reason = d.reason;
    });

    const assignees = [...new Set(drafts.map((d) => d.advisorId).filter((a): a is string => !!a))];
    const calendarOf = new Map(
      (await this.repo.staffCalendars(em, assignees)).map((h) => [
        h.id,
        { zone: h.timezone, week: h.working_hours, key: `${h.timezone}|${JSON.stringify(h.working_hours)}` },
      ]),
    );
    toSchedule.push(...applyDueTimes(drafts, now, calendarOf, { zone: this.config.schoolTimezone, week: DEFAULT_WORKING_HOURS, key: '' }));

    await this.write(em, drafts, now);
    if (mode === 'optimistic') {
      const problems = await this.assignment.confirmMany(em, 'case', requests, decisions);
      if (problems.length) throw new PlanConflict(problems.slice(0, 3).join('; '));
    }
    result.opened = drafts.filter((d) => d.isNew).length;
    result.attached = drafts.length - result.opened;
    return result;
  }

  /** The batch's cases, alert links, tasks (through the tasks context), audit entries and events, one statement each. */
  private async write(em: EntityManager, drafts: CaseDraft[], now: Date): Promise<void> {
    await this.cases.insertIntakeCases(
      em,
      drafts.filter((d) => d.isNew),
      now,
    );
    await this.cases.updateIntakeCases(
      em,
      drafts.filter((d) => !d.isNew),
      now,
    );
    await this.cases.attachAlerts(
      em,
      drafts.flatMap((d) => d.alerts.map((a) => [d.id, a.id] as const)),
      now,
    );
    await this.tasks.createForCases(em, caseTaskDrafts(drafts), now);
    const { audit, events } = caseIntakeRecords(drafts, now);
    await this.audit.record(em, audit);
    await this.outbox.publish(em, events);
  }
}
