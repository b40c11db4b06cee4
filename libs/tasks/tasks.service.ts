import { toRiskScore, type RiskScoreView } from '../risk/risk-features.js';
import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, type EntityManager } from 'typeorm';
import { isAdmin, isSupervisorOf, seesAllTeams, type Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { progress } from '../learners/lifecycle.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { workingSlots } from './first-week-planner.js';
import { toTaskView, type CallResult, type ChurnReason, type RiskRead, type TaskListItem, type TaskMoveResult, type TaskView } from './task.types.js';
import { TasksRepository, type TaskAccessRow } from './tasks.repository.js';
import { zoneOr } from '../common/time-zone.js';
import type { SqlRow } from '../database/sql-row.js';
import type { CaseTaskDraft } from '../cases/case-intake.plan.js';

export interface OutcomeInput {
  result: CallResult;
  durationMinutes?: number;
  note?: string;
  riskRead?: RiskRead;
  churnReason?: ChurnReason;
  followUpAt?: string;
}

/**
 * The learner as a case row without a call shows them: who, where they are, what flags them. The rest (contact,
 * progress) is on the case, which the row opens.
 */
export interface QueueCaseLearner {
  id: string;
  name: string;
  stage: string | null;
  /** The rules that flag the learner now, oldest first (the alerts themselves: the case or GET /alerts). */
  openAlerts: Array<{ ruleKey: string; severity: string }>;
  /** learned churn risk of the enrolment the row is about, with its reasons (null: not scored) */
  riskScore: RiskScoreView | null;
}

/** The learner as a call row shows them: also how to reach them and their pace (the lesson counts: the learner). */
export interface QueueLearner extends QueueCaseLearner {
  externalId: string;
  phone: string | null;
  timezone: string | null;
  progress: { percent: number; expectedPercent: number } | null;
}

/**
 * A call on the queue: what the list shows and acts on, nothing more (the queue is read all day, so every byte is
 * paid many times). Every call on it is scheduled (a logged call leaves the queue); the learner is `learner.id`.
 * The task's full record (enrolment, slot end, parent, audit times, an outcome's details) is GET /tasks/:id.
 */
export interface QueueTask {
  id: string;
  kind: string;
  dayIndex: number | null;
  dueAt: string;
  attempts: number;
  overdue: boolean;
  learner: QueueLearner;
  case: { id: string; priority: string; status: string } | null;
  /** The learner's latest logged call, as the row words it; its note and reads: GET /tasks/:taskId. */
  lastOutcome: { taskId: string; result: string; at: string } | null;
}

export interface QueueView {
  date: string;
  advisorId: string;
  timezone: string;
  tasks: QueueTask[];
  cases: Array<{ id: string; priority: string; status: string; dueAt: string | null; openedAt: string; learner: QueueCaseLearner }>;
  counts: { tasks: number; overdue: number; dueToday: number; cases: number; doneToday: number };
}

/** How much later a call with no answer is retried the same working day. */
const RETRY_AFTER_MINUTES = 60;
const QUEUE_TASK_LIMIT = 500;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Tasks, the advisor's daily queue and call outcomes (docs/design.md §4.5, §4.6). */
@Injectable()
export class TasksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: TasksRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Cancels a resolved case's scheduled tasks (in the caller's transaction). */
  cancelForCase(em: EntityManager, caseId: string, reason: string, now: Date): Promise<void> {
    return this.repo.cancelForCase(em, caseId, reason, now);
  }

  /** Moves cases' scheduled tasks from their previous advisor to the new one (in the caller's transaction). */
  followCases(em: EntityManager, moves: Array<{ caseId: string; from: string | null; to: string | null }>, now: Date): Promise<void> {
    return this.repo.followCases(em, moves, now);
  }

  /** The tasks case intake opens with its cases, in the caller's transaction (one per case and rule; a repeat adds none). */
  createForCases(em: EntityManager, tasks: CaseTaskDraft[], now: Date): Promise<void> {
    return this.repo.insertCaseTasks(em, tasks, now);
  }

  async queue(actor: Actor, q: { date?: string; advisorId?: string; casesLimit?: number; sort?: 'due' | 'risk' }): Promise<QueueView> {
    if (actor.kind !== 'staff') throw DomainError.forbidden('The queue belongs to a staff member');
    const advisorId = q.advisorId ?? actor.id;
    const advisor = await this.repo.staffRef(advisorId);
    if (!advisor || (advisorId !== actor.id && !isSupervisorOf(actor, advisor.team_id))) throw DomainError.notFound('staff', advisorId);
    const zone = zoneOr(advisor.timezone, this.config.schoolTimezone);
    const now = this.clock.now();
    let day = DateTime.fromJSDate(now, { zone }).startOf('day');
    if (q.date !== undefined) {
      const parsed = DATE.test(q.date) ? DateTime.fromISO(q.date, { zone }) : undefined;
      if (!parsed?.isValid) throw DomainError.field('date', 'must be a date as YYYY-MM-DD');
      day = parsed.startOf('day');
    }
    const dayStart = day.toJSDate();
    const dayEnd = day.plus({ days: 1 }).toJSDate();
    // Overdue: due before now on today's queue, before the day itself on another day's.
    const overdueBefore = new Date(Math.min(Math.max(now.getTime(), dayStart.getTime()), dayEnd.getTime()));
    const casesLimit = Math.min(Math.max(q.casesLimit ?? 50, 1), 500);
    const {
      tasks,
      cases,
      done: doneToday,
    } = await this.repo.queueDay(advisorId, { start: dayStart, end: dayEnd, overdueBefore }, now, this.config.churnInactiveDays, {
      tasks: QUEUE_TASK_LIMIT,
      cases: casesLimit,
    });
    const taskItems = tasks.map((r): QueueTask => ({
      id: r.id,
      kind: r.kind,
      dayIndex: r.day_index,
      dueAt: new Date(r.due_at).toISOString(),
      attempts: r.attempts,
      overdue: r.overdue,
      learner: learnerOf(r, now),
      case: r.case_id ? { id: r.case_id, priority: r.case_priority, status: r.case_status } : null,
      lastOutcome: r.last_outcome ? { ...r.last_outcome, at: new Date(r.last_outcome.at).toISOString() } : null,
    }));
    return {
      date: day.toISODate()!,
      advisorId,
      timezone: zone,
      tasks: q.sort === 'risk' ? byRisk(taskItems) : taskItems,
      cases: (q.sort === 'risk' ? byRisk : <T>(x: T[]) => x)(
        cases.map((c) => ({
          id: c.id,
          priority: c.priority,
          status: c.status,
          dueAt: c.due_at ? new Date(c.due_at).toISOString() : null,
          openedAt: new Date(c.opened_at).toISOString(),
          learner: caseLearnerOf(c),
        })),
      ),
      counts: {
        tasks: taskItems.length,
        overdue: taskItems.filter((t) => t.overdue).length,
        dueToday: taskItems.filter((t) => !t.overdue && new Date(t.dueAt) >= dayStart).length,
        cases: cases.length ? Number(cases[0].total) : 0,
        doneToday,
      },
    };
  }

  async list(
    actor: Actor,
    f: { assigneeId?: string; teamId?: string; status?: string; kind?: string; learnerId?: string; due?: 'overdue' | 'today'; limit?: number; cursor?: string },
  ): Promise<Page<TaskListItem>> {
    const limit = pageLimit(f.limit);
    const after = decodeCursor(f.cursor, 2);
    const visibility = actor.kind !== 'staff' || seesAllTeams(actor) ? {} : actor.role === 'advisor' ? { ownerOnly: actor.id } : { teamIds: actor.teamIds };
    const due = f.due ? this.dueWindow(f.due) : undefined;
    const rows = await this.repo.list({ ...f, ...visibility, due, after: after ? { dueAt: String(after[0]), id: String(after[1]) } : undefined, limit });
    return toPage(
      rows,
      limit,
      (r) => [new Date(r.due_at).toISOString(), r.id],
      (r) => ({ ...toTaskView(r), learnerName: r.learner_name, learnerExternalId: r.learner_external_id }),
    );
  }

  /** `overdue`: due before now; `today`: due before the end of today in the school's time zone (overdue included). */
  private dueWindow(due: 'overdue' | 'today'): { before: Date } {
    const now = this.clock.now();
    if (due === 'overdue') return { before: now };
    const zone = this.config.schoolTimezone;
    return { before: DateTime.fromJSDate(now, { zone }).endOf('day').plus({ milliseconds: 1 }).toJSDate() };
  }

  async get(actor: Actor, id: string): Promise<TaskView> {
    const t = await this.repo.findForAccess(id);
    if (!t || !canSee(actor, t)) throw DomainError.notFound('task', id);
    return toTaskView(t);
  }

  async logOutcome(actor: Actor, id: string, input: OutcomeInput): Promise<TaskView & { followUpTaskId: string | null }> {
    const now = this.clock.now();
    let followUpAt: Date | undefined;
    if (input.followUpAt !== undefined) {
      followUpAt = new Date(input.followUpAt);
      if (Number.isNaN(followUpAt.getTime())) throw DomainError.field('followUpAt', 'must be an ISO-8601 date-time');
      if (followUpAt.getTime() <= now.getTime()) throw DomainError.field('followUpAt', 'must be in the future');
    }
    return this.dataSource.transaction(async (em) => {
      const t = await this.repo.findForAccess(id, em, true);
      this.requireActOn(actor, t, id);
      if (t!.status !== 'scheduled') throw DomainError.conflict(`task ${id} is already ${t!.status}`);
      const task = t!;
      let status: 'done' | 'missed' | 'scheduled' = 'done';
      let retryAt: Date | undefined;
      if (input.result === 'no_answer' && task.kind === 'first_week_checkin') {
        retryAt = task.attempts === 0 ? await this.retrySlot(task, now, em) : undefined;
        status = retryAt ? 'scheduled' : 'missed';
      }
      const completedBy = actor.kind === 'staff' ? actor.id : null;
      const recorded = await this.repo.recordOutcome(em, task.id, {
        status,
        result: input.result,
        durationMinutes: input.durationMinutes ?? null,
        note: input.note ?? null,
        riskRead: input.riskRead ?? null,
        churnReason: input.churnReason ?? null,
        completedAt: status === 'scheduled' ? null : now,
        completedBy: status === 'scheduled' ? null : completedBy,
        dueAt: retryAt,
        windowEndAt: retryAt ? new Date(retryAt.getTime() + task.planned_minutes * 60_000) : undefined,
      });
      const followUpTaskId = followUpAt ? await this.repo.insertFollowUp(em, task, task.assignee_id ?? completedBy, followUpAt) : null;
      const caseChange = task.case_id ? await this.repo.touchCase(em, task.case_id, input.result === 'reached', now) : undefined;
      // The row as recorded: the follow-up and the case touch leave it as it is.
      const after = toTaskView(recorded);
      await this.audit.record(em, [
        { actor, action: 'task.outcome_logged', entity: 'task', entityId: task.id, before: toTaskView(task), after: { ...after, followUpTaskId } },
        ...(caseChange && task.case_id
          ? [
              {
                actor,
                action: 'case.contacted',
                entity: 'case' as const,
                entityId: task.case_id,
                before: caseChange.before,
                after: caseChange.after,
                reason: `outcome ${input.result} on task ${task.id}`,
              },
            ]
          : []),
      ]);
      await this.outbox.publish(em, [
        {
          aggregateType: 'task',
          aggregateId: task.id,
          eventType: 'task.outcome_logged',
          payload: {
            taskId: task.id,
            kind: task.kind,
            learnerId: task.learner_id,
            enrollmentId: task.enrollment_id,
            caseId: task.case_id,
            result: input.result,
            status,
            riskRead: input.riskRead ?? null,
            churnReason: input.churnReason ?? null,
            followUpTaskId,
            at: now.toISOString(),
          },
        },
      ]);
      return { ...after, followUpTaskId };
    });
  }

  async reschedule(actor: Actor, id: string, input: { dueAt: string; reason?: string }): Promise<TaskView> {
    const dueAt = new Date(input.dueAt);
    if (Number.isNaN(dueAt.getTime())) throw DomainError.field('dueAt', 'must be an ISO-8601 date-time');
    if (dueAt.getTime() < this.clock.now().getTime() - 60_000) throw DomainError.field('dueAt', 'must not be in the past');
    return this.dataSource.transaction(async (em) => {
      const t = await this.repo.findForAccess(id, em, true);
      this.requireActOn(actor, t, id);
      if (t!.status !== 'scheduled') throw DomainError.conflict(`task ${id} is already ${t!.status}`);
      if (new Date(t!.due_at).getTime() === dueAt.getTime()) return toTaskView(t!);
      await this.repo.reschedule(em, id, dueAt);
      const after = toTaskView((await this.repo.findById(id, em))!);
      await this.audit.record(em, {
        actor,
        action: 'task.rescheduled',
        entity: 'task',
        entityId: id,
        before: { dueAt: new Date(t!.due_at).toISOString() },
        after: { dueAt: after.dueAt, assigneeId: after.assigneeId },
        reason: input.reason ?? null,
      });
      return after;
    });
  }

  async reassign(actor: Actor, id: string, input: { assigneeId: string; reason: string }): Promise<TaskView> {
    requireReassigner(actor);
    return this.dataSource.transaction(async (em) => {
      const t = await this.repo.findForAccess(id, em, true);
      this.requireReassignable(actor, t, id);
      const target = await this.reassignTarget(em, actor, input.assigneeId, 'assigneeId');
      if (t!.assignee_id === target.id) return toTaskView(t!);
      await this.moveTo(em, actor, t!, target, input.reason);
      return toTaskView((await this.repo.findById(id, em))!);
    });
  }

  /**
   * Moves many scheduled tasks to one person (supervisor of their teams, admin), with a reason; all or nothing, like
   * moving cases. Tasks already with that person are left as they are (not in `items`), so a replay moves nothing.
   */
  async reassignMany(actor: Actor, input: { taskIds: string[]; assigneeId: string; reason: string }): Promise<TaskMoveResult> {
    requireReassigner(actor);
    const ids = [...new Set(input.taskIds)];
    return this.dataSource.transaction(async (em) => {
      const rows: TaskAccessRow[] = [];
      // One at a time, in id order: two overlapping bulk moves lock in the same order and never deadlock.
      for (const id of [...ids].sort()) {
        const t = await this.repo.findForAccess(id, em, true);
        this.requireReassignable(actor, t, id);
        rows.push(t!);
      }
      const target = await this.reassignTarget(em, actor, input.assigneeId, 'assigneeId');
      const items: TaskMoveResult['items'] = [];
      for (const t of rows) {
        if (t.assignee_id === target.id) continue;
        await this.moveTo(em, actor, t, target, input.reason);
        items.push({ taskId: t.id, fromAssigneeId: t.assignee_id, toAssigneeId: target.id });
      }
      return { moved: items.length, items };
    });
  }

  /** 404 when the caller cannot see the task, 403 when it is not their team's, 409 when it is no longer scheduled. */
  private requireReassignable(actor: Actor, t: TaskAccessRow | undefined, id: string): void {
    if (!t || !canSee(actor, t)) throw DomainError.notFound('task', id);
    if (!isSupervisorOf(actor, visibilityTeam(t))) throw DomainError.forbidden("Only the supervisor of this task's team (or an admin) can reassign it");
    if (t.status !== 'scheduled') throw DomainError.conflict(`task ${id} is already ${t.status}`);
  }

  private async reassignTarget(em: EntityManager, actor: Actor, id: string, field: string) {
    const target = await this.repo.staffRef(id, em);
    if (!target || target.role === 'admin' || target.status !== 'active' || !isSupervisorOf(actor, target.team_id)) {
      throw DomainError.field(field, 'must be an active advisor or supervisor of a team you supervise');
    }
    return target;
  }

  private async moveTo(em: EntityManager, actor: Actor, t: TaskAccessRow, target: { id: string; team_id: string | null }, reason: string): Promise<void> {
    await this.repo.reassign(em, t.id, target.id);
    await this.audit.record(em, {
      actor,
      action: 'task.reassigned',
      entity: 'task',
      entityId: t.id,
      before: { assigneeId: t.assignee_id },
      after: { assigneeId: target.id, teamId: target.team_id },
      reason,
    });
  }

  /** Later the same working day of the assignee, at least an hour on; none left → undefined (then missed). */
  private async retrySlot(task: TaskAccessRow, now: Date, em: Parameters<TasksRepository['staffRef']>[1]): Promise<Date | undefined> {
    if (!task.assignee_id) return undefined;
    const a = await this.repo.staffRef(task.assignee_id, em);
    if (!a) return undefined;
    const zone = zoneOr(a.timezone, this.config.schoolTimezone);
    const earliest = Math.max(now.getTime(), new Date(task.due_at).getTime()) + RETRY_AFTER_MINUTES * 60_000;
    const today = DateTime.fromJSDate(now, { zone }).toISODate()!;
    const slot = workingSlots({ timezone: zone, workingHours: a.working_hours ?? {} }, today).find((s) => s >= earliest);
    return slot === undefined ? undefined : new Date(slot);
  }

  /** 404 when the caller cannot see the task; 403 when they can see it but may not act on it. */
  private requireActOn(actor: Actor, t: TaskAccessRow | undefined, id: string): void {
    if (!t || !canSee(actor, t)) throw DomainError.notFound('task', id);
    if (isAdmin(actor)) return;
    if (actor.kind === 'staff' && (t.assignee_id === actor.id || isSupervisorOf(actor, visibilityTeam(t)))) return;
    throw DomainError.forbidden('Only the assignee, their supervisor or an admin can act on this task');
  }
}

function requireReassigner(actor: Actor): void {
  if (actor.kind !== 'staff' || (actor.role !== 'admin' && actor.role !== 'supervisor'))
    throw DomainError.forbidden('Only supervisors and admins can reassign tasks');
}

/** The team a task belongs to: its assignee's, else its case's. */
function visibilityTeam(t: TaskAccessRow): string | null {
  return t.assignee_team_id ?? t.case_team_id ?? null;
}

function canSee(actor: Actor, t: TaskAccessRow): boolean {
  if (actor.kind !== 'staff') return actor.kind === 'system' || actor.scopes.includes('read');
  if (seesAllTeams(actor)) return true;
  if (t.assignee_id === actor.id || t.owner_advisor_id === actor.id || t.case_advisor_id === actor.id) return true;
  return actor.role === 'supervisor' && isSupervisorOf(actor, visibilityTeam(t));
}

/** Highest learned risk first (unscored last), the queue order otherwise kept (a stable sort). */
function byRisk<T extends { learner: QueueCaseLearner }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => (b.learner.riskScore?.score ?? -1) - (a.learner.riskScore?.score ?? -1));
}

function caseLearnerOf(r: SqlRow): QueueCaseLearner {
  return {
    id: r.learner_id,
    name: r.learner_name,
    stage: r.stage,
    openAlerts: r.open_alerts ?? [],
    riskScore: toRiskScore(r.risk_score),
  };
}

function learnerOf(r: SqlRow, now: Date): QueueLearner {
  const p = r.progress_enrollment_id
    ? progress(
        { completedLessons: r.e_completed_lessons, totalLessons: r.co_total_lessons, durationDays: r.co_duration_days, enrolledAt: new Date(r.e_enrolled_at) },
        now,
      )
    : null;
  return {
    ...caseLearnerOf(r),
    externalId: r.learner_external_id,
    phone: r.learner_phone,
    timezone: r.learner_timezone,
    progress: p && { percent: p.percent, expectedPercent: p.expectedPercent },
  };
}
