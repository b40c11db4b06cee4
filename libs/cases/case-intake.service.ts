import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service.js';
import { addWorkingHours } from '../assignment/working-time.js';
import { SYSTEM } from '../access/actor.js';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import type { WeeklyHours } from '../common/working-hours.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { OutboxService, type DomainEvent } from '../outbox/outbox.service.js';
import { escalationTargets, NO_SUPERVISOR_REASON } from '../staff/escalation-target.js';
import { DEFAULT_WORKING_HOURS } from '../common/working-hours.js';
import { casePriority, lifecycleStage, PRIORITY_RANK, priorityOf, type Severity } from './case-priority.js';
import { CaseEscalationService } from './case-escalation.service.js';
import { caseTaskKey, caseTaskKind } from './case-tasks.js';

/** How many waiting alerts one intake transaction takes in. */

/**
 * Session-level advisory locks (INTAKE_LOCK_KEY, slot) for slot 0 … CASE_INTAKE_CONCURRENCY - 1 (at most
 * MAX_INTAKE_SLOTS), each held by the job draining a burst: how many intake transactions run at once. One by default: every batch spans the teams its
 * alerts belong to, and on the 2-core machine the benchmark runs on, two at a time measured no faster (they meet on
 * the same index pages and the same CPUs). A database server with cores to spare may allow more.
 */
export const INTAKE_LOCK_KEY = 727_100_005;
export const MAX_INTAKE_SLOTS = 16;

/** The optimistic plan no longer held when confirmed under the staff row locks; the batch is redone with them. */
class PlanConflict extends Error {}

interface AlertRow {
  id: string;
  learner_id: string;
  enrollment_id: string;
  rule_key: string;
  severity: Severity;
  rule_kind: string;
  action: { taskKind?: string; dueWithinHours?: number } | null;
}

interface EnrollmentCtx {
  id: string;
  learner_id: string;
  status: string;
  enrolled_at: Date;
  expires_at: Date | null;
  e_holdout: boolean;
  l_holdout: boolean;
  course_id: string;
  course_team_id: string | null;
  category: string | null;
  owner_advisor_id: string | null;
  owner_team_id: string | null;
}

interface OpenCaseRow {
  id: string;
  learner_id: string;
  advisor_id: string | null;
  team_id: string | null;
  queue: 'advisor' | 'escalation';
  priority: string;
  priority_score: number;
  due_at: Date | null;
  escalated_at: Date | null;
  escalated_to: string | null;
}

/** A case this batch creates or changes, before it is written. */
interface CaseDraft {
  id: string;
  isNew: boolean;
  learnerId: string;
  teamId: string | null;
  courseId: string | null;
  advisorId: string | null;
  queue: 'advisor' | 'escalation';
  priority: string;
  score: number;
  previousPriority?: string;
  dueAt: Date;
  previousDueAt?: Date | null;
  escalatedAt: Date | null;
  escalatedTo: string | null;
  newlyEscalated: boolean;
  /** The team had no supervisor: the escalation went to the admins. */
  escalatedToAdmins?: boolean;
  reason: string;
  alerts: AlertRow[];
}

export interface IntakeResult {
  claimed: number;
  claimedOwn: boolean;
  opened: number;
  attached: number;
  holdout: number;
}

const DEFAULT_DUE_HOURS = 24;

/**
 * Alerts become cases (docs/design.md §3, §4.3): one open case per learner; later alerts attach and can raise its
 * priority; new cases go through the assignment policy (complaints straight to the supervisor's escalation
 * queue); each (case, rule) gets one task of the rule's task kind; holdout learners get nothing.
 *
 * Waiting alerts are the rows of `case_intake_queue` (a trigger adds one for every alert inserted open). The relay
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
    const [{ own, pending }]: Array<{ own: number; pending: boolean }> = await this.dataSource.query(
      `select (select count(*)::int from case_intake_queue where alert_id = any($1::uuid[])) as own,
              exists (select 1 from case_intake_queue) as pending`,
      [alertIds],
    );
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

  /** Which of these alerts are still waiting, once the intake batches holding any of them have finished. */
  private async stillWaiting(alertIds: string[]): Promise<string[]> {
    return this.dataSource.transaction(async (em) => {
      // A key-share lock waits for a batch that claimed a queue row (it holds it for update) and then skips the row
      // it deleted; rows no one holds come straight back.
      await em.query(`select set_config('lock_timeout', '60s', true)`);
      const rows: Array<{ alert_id: string }> = await em.query(`select alert_id from case_intake_queue where alert_id = any($1::uuid[]) for key share`, [
        alertIds,
      ]);
      return rows.map((r) => r.alert_id);
    });
  }

  /** Alerts waiting for intake (exported as a metric). */
  async backlog(): Promise<number> {
    const [{ n }] = await this.dataSource.query(`select count(*)::int as n from case_intake_queue`);
    return n;
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
      slot = await this.takeSlot(qr, wait);
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
        await qr.query(`select pg_advisory_unlock($1::int, $2::int)`, [INTAKE_LOCK_KEY, slot]).catch((e: Error) => (broken = e));
      }
      // After an error the connection is discarded rather than pooled, which also frees a slot still held.
      if (broken) await (qr as unknown as { releasePostgresConnection(err: Error): Promise<void> }).releasePostgresConnection(broken);
      else await qr.release();
    }
  }

  /** A free slot if there is one; otherwise waits for one (bounded; the job retries after an error), or null. */
  private async takeSlot(qr: QueryRunner, wait: boolean): Promise<number | null> {
    const free: Array<{ slot: number }> = await qr.query(
      `select s as slot from generate_series(0, $2::int - 1) s where pg_try_advisory_lock($1::int, s) limit 1`,
      [INTAKE_LOCK_KEY, this.slots],
    );
    if (free.length) return free[0].slot;
    if (!wait) return null;
    const pick = Math.floor(Math.random() * this.slots);
    await qr.startTransaction();
    try {
      // The session-level lock outlives this transaction, which only bounds the wait.
      await qr.query(`select set_config('lock_timeout', '60s', true)`);
      await qr.query(`select pg_advisory_lock($1::int, $2::int)`, [INTAKE_LOCK_KEY, pick]);
      await qr.commitTransaction();
    } catch (e) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    }
    return pick;
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
      await qr.query(`select set_config('lock_timeout', '60s', true)`);
      result = await this.intake(qr.manager, own, this.config.caseIntakeBatch, mode, toSchedule);
      await qr.commitTransaction();
    } catch (e) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    }
    await this.escalation.schedule(toSchedule);
    return result;
  }

  private async intake(
    em: EntityManager,
    ownAlertIds: string[],
    batch: number,
    mode: 'optimistic' | 'locked',
    toSchedule: Array<{ caseId: string; dueAt: Date }>,
  ): Promise<IntakeResult> {
    const now = this.clock.now();
    // Claim and remove from the queue in one statement: the caller's alerts first, then the oldest waiting ones,
    // skipping queue rows another intake holds and alerts a rule run is updating (they stay queued). The alerts
    // are share-locked, so one cannot be cleared under this transaction; one cleared before it is just dropped.
    const claimed: Array<AlertRow & { status: string }> = await em.query(
      `with own as (
         select q.alert_id from case_intake_queue q join alerts a on a.id = q.alert_id
          where q.alert_id = any($1::uuid[])
          for update of q skip locked for share of a skip locked),
       oldest as (
         select q.alert_id from case_intake_queue q join alerts a on a.id = q.alert_id
          where not (q.alert_id = any($1::uuid[]))
          order by q.opened_at, q.learner_id, q.alert_id
          limit greatest($2::int - (select count(*) from own), 0)
          for update of q skip locked for share of a skip locked),
       claimed as (select alert_id from own union all select alert_id from oldest),
       taken as (delete from case_intake_queue q using claimed c where q.alert_id = c.alert_id)
       select a.id, a.learner_id, a.enrollment_id, a.rule_key, a.status, coalesce(a.severity, r.severity) as severity, r.kind as rule_kind, r.action
         from claimed c join alerts a on a.id = c.alert_id join rules r on r.key = a.rule_key`,
      [ownAlertIds, batch],
    );
    const alerts = claimed.filter((a) => a.status === 'open');
    const own = new Set(ownAlertIds);
    const result: IntakeResult = { claimed: claimed.length, claimedOwn: claimed.some((a) => own.has(a.id)), opened: 0, attached: 0, holdout: 0 };
    if (!alerts.length) return result;

    const ctxRows: EnrollmentCtx[] = await em.query(
      `select e.id, e.learner_id, e.status, e.enrolled_at, e.expires_at, e.holdout as e_holdout, l.holdout as l_holdout,
              e.course_id, c.team_id as course_team_id, c.category, l.owner_advisor_id, o.team_id as owner_team_id
         from enrollments e join learners l on l.id = e.learner_id join courses c on c.id = e.course_id
         left join staff o on o.id = l.owner_advisor_id
        where e.id = any($1::uuid[])`,
      [[...new Set(alerts.map((a) => a.enrollment_id))]],
    );
    const ctx = new Map(ctxRows.map((r) => [r.id, r]));
    // Holdout learners get alerts but no intervention: their alerts are only marked as taken in.
    const live = alerts.filter((a) => {
      const c = ctx.get(a.enrollment_id);
      return c && !c.e_holdout && !c.l_holdout;
    });
    result.holdout = alerts.length - live.length;
    if (!live.length) return result;

    const byLearner = new Map<string, AlertRow[]>();
    for (const a of live) {
      const group = byLearner.get(a.learner_id) ?? [];
      group.push(a);
      byLearner.set(a.learner_id, group);
    }
    const learnerIds = [...byLearner.keys()].sort();
    // Only intake creates cases, and a concurrent intake batch may hold another alert of one of these learners:
    // the learner rows are locked first, so the open cases read next stay exactly theirs until commit (the partial
    // unique index cases_one_open_per_learner backs this up). Case rows are locked before staff rows, the lock
    // order every writer of cases follows.
    await em.query(`select 1 from learners where id = any($1::uuid[]) order by id for no key update`, [learnerIds]);
    const openCases: OpenCaseRow[] = await em.query(
      `select id, learner_id, advisor_id, team_id, queue, priority, priority_score, due_at, escalated_at, escalated_to
         from cases where learner_id = any($1::uuid[]) and status <> 'resolved' order by id for update`,
      [learnerIds],
    );
    const openByLearner = new Map(openCases.map((c) => [c.learner_id, c]));
    const existingAlerts: Array<{ case_id: string; severity: Severity; kind: string }> = openCases.length
      ? await em.query(
          `select ca.case_id, a.severity, r.kind from case_alerts ca join alerts a on a.id = ca.alert_id join rules r on r.key = a.rule_key
            where ca.case_id = any($1::uuid[]) and a.status = 'open'`,
          [openCases.map((c) => c.id)],
        )
      : [];

    const teamIds = new Set<string>();
    for (const a of live) {
      const c = ctx.get(a.enrollment_id)!;
      if (c.course_team_id) teamIds.add(c.course_team_id);
      if (c.owner_team_id) teamIds.add(c.owner_team_id);
    }
    for (const c of openCases) if (c.team_id) teamIds.add(c.team_id);
    // Complaints escalate to the team's supervisor, or to the admins when the team has none.
    // (null: a case without a team also escalates to the admins.)
    const escalationTargetOf = await escalationTargets(em, [...teamIds, null]);

    const drafts: CaseDraft[] = [];
    const toAssign: CaseDraft[] = [];
    const requests: Array<{ teamId: string | null; preferredAdvisorId: string | null; skill: string | null }> = [];
    for (const learnerId of learnerIds) {
      const group = byLearner.get(learnerId)!;
      const ctxs = group.map((a) => ctx.get(a.enrollment_id)!);
      const stages = ctxs.map((c) =>
        lifecycleStage({ status: c.status, enrolledAt: new Date(c.enrolled_at), expiresAt: c.expires_at ? new Date(c.expires_at) : null }, now),
      );
      const complaint = group.some((a) => a.rule_kind === 'complaints');
      const existing = openByLearner.get(learnerId);
      if (existing) {
        const open = existingAlerts.filter((e) => e.case_id === existing.id);
        const p = casePriority({
          severities: [...open.map((o) => o.severity), ...group.map((a) => a.severity)],
          stages,
          complaint: complaint || open.some((o) => o.kind === 'complaints'),
        });
        const score = Math.max(p.score, existing.priority_score);
        const escalateNow = complaint && existing.queue !== 'escalation';
        const target = escalationTargetOf(existing.team_id);
        drafts.push({
          id: existing.id,
          isNew: false,
          learnerId,
          teamId: existing.team_id,
          courseId: null,
          advisorId: existing.advisor_id,
          queue: complaint ? 'escalation' : existing.queue,
          priority: PRIORITY_RANK[priorityOf(score)] >= PRIORITY_RANK[existing.priority as keyof typeof PRIORITY_RANK] ? priorityOf(score) : existing.priority,
          score,
          previousPriority: existing.priority,
          dueAt: existing.due_at ? new Date(existing.due_at) : now,
          previousDueAt: existing.due_at ? new Date(existing.due_at) : null,
          escalatedAt: existing.escalated_at ?? (escalateNow ? now : null),
          escalatedTo: existing.escalated_to ?? (escalateNow ? target.staffId : null),
          newlyEscalated: escalateNow && !existing.escalated_at,
          escalatedToAdmins: escalateNow && !existing.escalated_to && target.toAdmins,
          reason: !escalateNow
            ? 'alert attached to the open case'
            : existing.escalated_to
              ? 'complaints rule: into the escalation queue (already escalated)'
              : target.toAdmins
                ? `complaints rule: ${NO_SUPERVISOR_REASON}`
                : 'complaints rule: escalated to the team supervisor',
          alerts: group,
        });
        continue;
      }
      // The case is about the most severe alert's course: its team is responsible, else the owner's team.
      const lead = [...group].sort((a, b) => sevRank(b.severity) - sevRank(a.severity))[0];
      const leadCtx = ctx.get(lead.enrollment_id)!;
      const teamId = leadCtx.course_team_id ?? leadCtx.owner_team_id;
      const p = casePriority({ severities: group.map((a) => a.severity), stages, complaint });
      const draft: CaseDraft = {
        id: randomUUID(),
        isNew: true,
        learnerId,
        teamId,
        courseId: leadCtx.course_id,
        advisorId: null,
        queue: 'advisor',
        priority: p.priority,
        score: p.score,
        dueAt: now,
        escalatedAt: null,
        escalatedTo: null,
        newlyEscalated: false,
        reason: '',
        alerts: group,
      };
      if (complaint) {
        const target = escalationTargetOf(teamId);
        Object.assign(draft, {
          queue: 'escalation',
          advisorId: target.staffId,
          escalatedAt: now,
          escalatedTo: target.staffId,
          newlyEscalated: true,
          escalatedToAdmins: target.toAdmins,
          reason: target.toAdmins ? `complaints rule: ${NO_SUPERVISOR_REASON}` : "complaints rule: escalated to the team supervisor's queue",
        });
      } else {
        toAssign.push(draft);
        requests.push({ teamId, preferredAdvisorId: leadCtx.owner_advisor_id, skill: leadCtx.category });
      }
      drafts.push(draft);
    }

    const decisions = mode === 'optimistic' ? await this.assignment.planMany(em, 'case', requests) : await this.assignment.chooseMany(em, 'case', requests);
    decisions.forEach((d, i) => {
      toAssign[i].advisorId = d.advisorId;
      toAssign[i].reason = d.reason;
    });

    // Due time for first contact, counted in the assignee's working hours (the school's default week when pooled).
    const assignees = [...new Set(drafts.map((d) => d.advisorId).filter((a): a is string => !!a))];
    const hoursRows: Array<{ id: string; timezone: string; working_hours: WeeklyHours }> = assignees.length
      ? await em.query(`select id, timezone, working_hours from staff where id = any($1::uuid[])`, [assignees])
      : [];
    // Everyone in the batch starts from the same "now", and most people share a time zone and weekly hours: one
    // calendar walk per distinct (zone, hours, due hours) is enough.
    const calendarOf = new Map(
      hoursRows.map((h) => [h.id, { zone: h.timezone, week: h.working_hours, key: `${h.timezone}|${JSON.stringify(h.working_hours)}` }]),
    );
    const school = { zone: this.config.schoolTimezone, week: DEFAULT_WORKING_HOURS, key: '' };
    const dueMemo = new Map<string, Date>();
    for (const d of drafts) {
      const dueHours = Math.min(...d.alerts.map((a) => dueWithin(a.action)));
      const cal = (d.advisorId ? calendarOf.get(d.advisorId) : undefined) ?? school;
      const memoKey = `${cal.key}|${dueHours}`;
      let due = dueMemo.get(memoKey);
      if (!due) {
        due = addWorkingHours(now, dueHours, cal.week, cal.zone);
        dueMemo.set(memoKey, due);
      }
      d.dueAt = d.isNew || !d.previousDueAt || due < d.previousDueAt ? due : d.previousDueAt;
      if (!d.escalatedAt && (d.isNew || d.dueAt.getTime() !== d.previousDueAt?.getTime())) toSchedule.push({ caseId: d.id, dueAt: d.dueAt });
    }

    await this.write(em, drafts, now);
    if (mode === 'optimistic') {
      const problems = await this.assignment.confirmMany(em, 'case', requests, decisions);
      if (problems.length) throw new PlanConflict(problems.slice(0, 3).join('; '));
    }
    result.opened = drafts.filter((d) => d.isNew).length;
    result.attached = drafts.length - result.opened;
    return result;
  }

  private async write(em: EntityManager, drafts: CaseDraft[], now: Date): Promise<void> {
    const created = drafts.filter((d) => d.isNew);
    const updated = drafts.filter((d) => !d.isNew);
    if (created.length) {
      await em.query(
        `insert into cases (id, learner_id, team_id, advisor_id, status, priority, priority_score, due_at, opened_at, assigned_at,
                            queue, course_id, escalated_at, escalated_to, assignment_reason, updated_at)
         select t.id, t.learner_id, t.team_id, t.advisor_id, 'open', t.priority, t.score, t.due_at, $13,
                case when t.advisor_id is null then null else $13::timestamptz end, t.queue, t.course_id, t.escalated_at, t.escalated_to, t.reason, $13
           from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::timestamptz[], $8::text[], $9::uuid[],
                       $10::timestamptz[], $11::uuid[], $12::text[])
                as t(id, learner_id, team_id, advisor_id, priority, score, due_at, queue, course_id, escalated_at, escalated_to, reason)`,
        [
          created.map((d) => d.id),
          created.map((d) => d.learnerId),
          created.map((d) => d.teamId),
          created.map((d) => d.advisorId),
          created.map((d) => d.priority),
          created.map((d) => d.score),
          created.map((d) => d.dueAt),
          created.map((d) => d.queue),
          created.map((d) => d.courseId),
          created.map((d) => d.escalatedAt),
          created.map((d) => d.escalatedTo),
          created.map((d) => d.reason),
          now,
        ],
      );
    }
    if (updated.length) {
      await em.query(
        `update cases c set priority = t.priority, priority_score = t.score, due_at = t.due_at, queue = t.queue,
                escalated_at = t.escalated_at, escalated_to = t.escalated_to, all_alerts_cleared_at = null, updated_at = $8
           from unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::text[], $6::timestamptz[], $7::uuid[])
                as t(id, priority, score, due_at, queue, escalated_at, escalated_to)
          where c.id = t.id`,
        [
          updated.map((d) => d.id),
          updated.map((d) => d.priority),
          updated.map((d) => d.score),
          updated.map((d) => d.dueAt),
          updated.map((d) => d.queue),
          updated.map((d) => d.escalatedAt),
          updated.map((d) => d.escalatedTo),
          now,
        ],
      );
    }
    const links = drafts.flatMap((d) => d.alerts.map((a) => [d.id, a.id] as const));
    await em.query(
      `insert into case_alerts (case_id, alert_id, attached_at) select t.c, t.a, $3 from unnest($1::uuid[], $2::uuid[]) as t(c, a)
       on conflict do nothing`,
      [links.map((l) => l[0]), links.map((l) => l[1]), now],
    );

    // One task per (case, rule); a complaint's escalation task goes to the supervisor.
    const tasks = new Map<string, { kind: string; assignee: string | null; learner: string; enrollment: string; caseId: string; due: Date }>();
    for (const d of drafts) {
      for (const a of d.alerts) {
        const key = caseTaskKey(d.id, a.rule_key);
        if (tasks.has(key)) continue;
        const assignee = a.rule_kind === 'complaints' ? (d.escalatedTo ?? d.advisorId) : d.advisorId;
        tasks.set(key, { kind: caseTaskKind(a.action?.taskKind), assignee, learner: d.learnerId, enrollment: a.enrollment_id, caseId: d.id, due: d.dueAt });
      }
    }
    const t = [...tasks];
    await em.query(
      `insert into tasks (kind, assignee_id, learner_id, enrollment_id, case_id, due_at, status, dedupe_key, created_at, updated_at)
       select t.kind, t.assignee, t.learner, t.enrollment, t.case_id, t.due, 'scheduled', t.key, $8, $8
         from unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::timestamptz[], $7::text[])
              as t(kind, assignee, learner, enrollment, case_id, due, key)
       on conflict (dedupe_key) where dedupe_key is not null do nothing`,
      [
        t.map(([, v]) => v.kind),
        t.map(([, v]) => v.assignee),
        t.map(([, v]) => v.learner),
        t.map(([, v]) => v.enrollment),
        t.map(([, v]) => v.caseId),
        t.map(([, v]) => v.due),
        t.map(([k]) => k),
        now,
      ],
    );

    const audit: AuditRecord[] = [];
    const events: DomainEvent[] = [];
    for (const d of drafts) {
      const alertIds = d.alerts.map((a) => a.id);
      const ruleKeys = [...new Set(d.alerts.map((a) => a.rule_key))];
      const view = {
        learnerId: d.learnerId,
        teamId: d.teamId,
        advisorId: d.advisorId,
        priority: d.priority,
        queue: d.queue,
        dueAt: d.dueAt.toISOString(),
        alertIds,
        ruleKeys,
      };
      if (d.isNew) {
        audit.push({ actor: SYSTEM, action: 'case.opened', entity: 'case', entityId: d.id, after: view, reason: `alert(s) ${ruleKeys.join(', ')}` });
        audit.push({
          actor: SYSTEM,
          action: d.queue === 'escalation' ? 'case.escalated' : d.advisorId ? 'case.assigned' : 'case.pooled',
          entity: 'case',
          entityId: d.id,
          after: { advisorId: d.advisorId, teamId: d.teamId, queue: d.queue },
          reason: d.reason,
        });
        events.push({ aggregateType: 'case', aggregateId: d.id, eventType: 'case.opened', payload: { caseId: d.id, ...view } });
        if (d.advisorId && d.queue === 'advisor') {
          events.push({
            aggregateType: 'case',
            aggregateId: d.id,
            eventType: 'case.assigned',
            payload: { caseId: d.id, learnerId: d.learnerId, advisorId: d.advisorId, teamId: d.teamId, reason: d.reason },
          });
        }
      } else {
        audit.push({
          actor: SYSTEM,
          action: 'case.alert_attached',
          entity: 'case',
          entityId: d.id,
          before: { priority: d.previousPriority, dueAt: d.previousDueAt?.toISOString() ?? null },
          after: view,
          reason: `alert(s) ${ruleKeys.join(', ')}`,
        });
        if (d.newlyEscalated) {
          audit.push({
            actor: SYSTEM,
            action: 'case.escalated',
            entity: 'case',
            entityId: d.id,
            after: { escalatedTo: d.escalatedTo, advisorId: d.advisorId, teamId: d.teamId, queue: d.queue },
            reason: d.reason,
          });
        }
      }
      if (d.newlyEscalated) {
        events.push({
          aggregateType: 'case',
          aggregateId: d.id,
          eventType: 'case.escalated',
          payload: {
            caseId: d.id,
            learnerId: d.learnerId,
            advisorId: d.advisorId,
            teamId: d.teamId,
            supervisorId: d.escalatedTo,
            escalatedToAdmins: d.escalatedToAdmins ?? false,
            escalatedAt: now.toISOString(),
            reason: d.reason,
          },
        });
      }
    }
    await this.audit.record(em, audit);
    await this.outbox.publish(em, events);
  }
}

function sevRank(s: Severity): number {
  return s === 'high' ? 3 : s === 'medium' ? 2 : 1;
}

function dueWithin(action: AlertRow['action']): number {
  const h = Number(action?.dueWithinHours);
  return Number.isFinite(h) && h >= 0 ? h : DEFAULT_DUE_HOURS;
}
