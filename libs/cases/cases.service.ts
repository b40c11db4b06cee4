import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, type EntityManager } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service.js';
import { isAdmin, isSupervisorOf, seesAllTeams, type Actor } from '../access/actor.js';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../common/pagination.js';
import { OutboxService, type DomainEvent } from '../outbox/outbox.service.js';
import { CaseEscalationService } from './case-escalation.service.js';
import { toCaseAlertView, toCaseTaskView, toCaseView, toHistoryView, type CaseView } from './case.mapper.js';
import { CHURN_REASONS, OUTCOMES, type CaseOutcome, type ChurnReason } from './case-tasks.js';
import { CasesRepository, type CaseListFilter, type CaseRow, type CaseScope } from './cases.repository.js';
import { TasksService } from '../tasks/tasks.service.js';

/** The list filters of CaseListFilter, as a caller gives them: scope comes from the actor, `after` from the cursor. */
export type ListCasesInput = Omit<CaseListFilter, 'scope' | 'after' | 'limit'> & { limit?: number; cursor?: string };

export interface ReassignInput {
  caseIds?: string[];
  fromAdvisorId?: string;
  toAdvisorId?: string;
  reason: string;
}

export interface ResolveInput {
  outcome: CaseOutcome;
  churnReason?: ChurnReason;
  note?: string;
}

export interface MoveResult {
  moved: number;
  pooled: number;
  items: Array<{ caseId: string; fromAdvisorId: string | null; toAdvisorId: string | null; reason: string }>;
}

/**
 * Cases for people (docs/design.md §5): the list and detail views, manual assignment, bulk all-or-nothing
 * reassignment (supervisors within their teams, admins anywhere), resolution, and what happens when alerts
 * clear. Lock order: case rows (id order) first, staff rows last — the same as intake and backfill.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: CasesRepository,
    private readonly assignment: AssignmentService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly escalation: CaseEscalationService,
    private readonly tasks: TasksService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(actor: Actor, f: ListCasesInput): Promise<Page<CaseView>> {
    const limit = pageLimit(f.limit);
    const byRisk = f.sort === 'risk';
    const after = decodeCursor(f.cursor, byRisk ? 2 : 3);
    const now = this.clock.now();
    const rows = await this.repo.list({
      ...f,
      now,
      endOfToday: DateTime.fromJSDate(now, { zone: this.config.schoolTimezone }).endOf('day').toJSDate(),
      churnInactiveDays: this.config.churnInactiveDays,
      scope: scopeOf(actor),
      after: after
        ? byRisk
          ? { score: Number(after[0]), due: '', id: String(after[1]) }
          : { score: Number(after[0]), due: String(after[1]), id: String(after[2]) }
        : undefined,
      limit,
    });
    if (byRisk) return toPage(rows, limit, (r) => [r.risk_score ? Number(r.risk_score.score) : -1, r.id], toCaseView);
    return toPage(rows, limit, (r) => [r.priority_score, r.due_at ? new Date(r.due_at).toISOString() : 'infinity', r.id], toCaseView);
  }

  async get(actor: Actor, id: string) {
    const row = await this.repo.findById(id);
    if (!row || !canSee(actor, row)) throw DomainError.notFound('case', id);
    const [alerts, tasks, history] = await Promise.all([this.repo.alertsOf(id), this.repo.tasksOf(id), this.repo.historyOf(id)]);
    return { ...toCaseView(row), alerts: alerts.map(toCaseAlertView), tasks: tasks.map(toCaseTaskView), history: history.map(toHistoryView) };
  }

  /** One case to one advisor (supervisor of the case's team and of the target's team, or admin). */
  async assign(actor: Actor, id: string, advisorId: string, reason: string): Promise<CaseView> {
    await this.dataSource.transaction(async (em) => {
      const row = await this.repo.findById(id, em, true);
      if (!row || !canSee(actor, row)) throw DomainError.notFound('case', id);
      this.requireSupervisorOfCase(actor, row);
      if (row.status === 'resolved') throw DomainError.conflict(`case ${id} is resolved`);
      if (row.advisor_id === advisorId) return; // already theirs: nothing changes
      await this.checkTarget(em, actor, advisorId, 'advisorId', 1);
      await this.move(em, actor, [{ row, to: advisorId, reason: `manual assignment: ${reason}` }], reason);
    });
    return toCaseView((await this.repo.findById(id))!);
  }

  /**
   * Bulk reassignment, all or nothing: listed cases (`caseIds`) or every open case of one advisor
   * (`fromAdvisorId`, e.g. someone away), to one advisor or — without `toAdvisorId` — through the policy.
   */
  async reassign(actor: Actor, input: ReassignInput): Promise<MoveResult> {
    if (!isAdmin(actor) && !(actor.kind === 'staff' && actor.role === 'supervisor'))
      throw DomainError.forbidden('Only supervisors and admins can reassign cases');
    if (!!input.caseIds === !!input.fromAdvisorId) throw DomainError.field('caseIds', 'give either caseIds or fromAdvisorId (exactly one)');
    if (input.fromAdvisorId && input.toAdvisorId === input.fromAdvisorId) throw DomainError.field('toAdvisorId', 'must differ from fromAdvisorId');
    return this.dataSource.transaction(async (em) => {
      let rows: CaseRow[];
      if (input.fromAdvisorId) {
        const [from] = await this.repo.findStaff(input.fromAdvisorId, em);
        if (!from) throw DomainError.field('fromAdvisorId', `staff ${input.fromAdvisorId} does not exist`);
        if (!isSupervisorOf(actor, from.team_id)) throw DomainError.forbidden("Supervisors can only move cases of their own teams' advisors");
        rows = await this.repo.lockOpenOfAdvisor(em, input.fromAdvisorId);
      } else {
        const ids = [...new Set(input.caseIds!)];
        rows = await this.repo.lockMany(em, ids);
        const found = new Set(rows.map((r) => r.id));
        const missing = ids.filter((i) => !found.has(i));
        if (missing.length) throw DomainError.notFound('case', missing[0]);
        for (const r of rows) this.requireSupervisorOfCase(actor, r);
        const resolved = rows.filter((r) => r.status === 'resolved');
        if (resolved.length) throw DomainError.field('caseIds', `case ${resolved[0].id} is resolved`);
      }
      if (input.toAdvisorId) {
        const incoming = rows.filter((r) => r.advisor_id !== input.toAdvisorId).length;
        await this.checkTarget(em, actor, input.toAdvisorId, 'toAdvisorId', incoming);
        const moves = rows
          .filter((r) => r.advisor_id !== input.toAdvisorId)
          .map((row) => ({ row, to: input.toAdvisorId!, reason: `bulk reassignment: ${input.reason}` }));
        await this.move(em, actor, moves, input.reason);
        return summary(moves);
      }
      const decisions = await this.assignment.chooseMany(
        em,
        'case',
        rows.map((r) => ({
          teamId: r.team_id ?? r.advisor_team_id,
          preferredAdvisorId: r.owner_advisor_id,
          skill: r.category,
          excludeAdvisorIds: r.advisor_id ? [r.advisor_id] : [],
        })),
      );
      const moves = rows.map((row, i) => ({
        row,
        to: decisions[i].advisorId,
        reason: `bulk reassignment by policy (${input.reason}): ${decisions[i].reason}`,
      }));
      await this.move(em, actor, moves, input.reason);
      return summary(moves);
    });
  }

  async resolve(actor: Actor, id: string, input: ResolveInput): Promise<CaseView> {
    if (!(OUTCOMES as readonly string[]).includes(input.outcome)) throw DomainError.field('outcome', `must be one of ${OUTCOMES.join(', ')}`);
    if (input.outcome === 'churned' && !input.churnReason) throw DomainError.field('churnReason', 'is required when the outcome is churned');
    if (input.churnReason && !(CHURN_REASONS as readonly string[]).includes(input.churnReason))
      throw DomainError.field('churnReason', `must be one of ${CHURN_REASONS.join(', ')}`);
    await this.dataSource.transaction(async (em) => {
      const row = await this.repo.findById(id, em, true);
      if (!row || !canSee(actor, row)) throw DomainError.notFound('case', id);
      if (actor.kind !== 'staff' && !isAdmin(actor)) throw DomainError.forbidden();
      if (row.status === 'resolved') {
        if (row.outcome === input.outcome && (row.churn_reason ?? undefined) === input.churnReason) return;
        throw DomainError.conflict(`case ${id} is already resolved as ${row.outcome}`);
      }
      const now = this.clock.now();
      const by = actor.kind === 'staff' ? actor.id : null;
      await this.repo.resolve(em, id, { outcome: input.outcome, churnReason: input.churnReason ?? null, note: input.note ?? null, by }, now);
      await this.tasks.cancelForCase(em, id, 'case resolved', now);
      const reason = input.outcome === 'churned' ? `churned: ${input.churnReason}` : input.outcome;
      await this.audit.record(em, {
        actor,
        action: 'case.resolved',
        entity: 'case',
        entityId: id,
        before: { status: row.status, advisorId: row.advisor_id, teamId: row.team_id },
        after: {
          status: 'resolved',
          outcome: input.outcome,
          churnReason: input.churnReason ?? null,
          note: input.note ?? null,
          advisorId: row.advisor_id,
          teamId: row.team_id,
        },
        reason: input.note ? `${reason} — ${input.note}` : reason,
      });
      const events: DomainEvent[] = [
        {
          aggregateType: 'case',
          aggregateId: id,
          eventType: 'case.resolved',
          payload: {
            caseId: id,
            learnerId: row.learner_id,
            advisorId: row.advisor_id,
            teamId: row.team_id,
            outcome: input.outcome,
            churnReason: input.churnReason ?? null,
            resolvedAt: now.toISOString(),
          },
        },
      ];
      if (row.advisor_id && row.queue === 'advisor') events.push(capacityFreed(row.advisor_team_id ?? row.team_id, id, 'case resolved'));
      await this.outbox.publish(em, events);
    });
    return toCaseView((await this.repo.findById(id))!);
  }

  /** Moves the first-contact deadline; the old deadline's job then finds nothing to do. */
  async reschedule(actor: Actor, id: string, dueAt: Date, reason: string): Promise<CaseView> {
    if (Number.isNaN(dueAt.getTime())) throw DomainError.field('dueAt', 'must be an ISO-8601 date-time');
    const changed = await this.dataSource.transaction(async (em) => {
      const row = await this.repo.findById(id, em, true);
      if (!row || !canSee(actor, row)) throw DomainError.notFound('case', id);
      if (row.status === 'resolved') throw DomainError.conflict(`case ${id} is resolved`);
      if (row.due_at && new Date(row.due_at).getTime() === dueAt.getTime()) return false;
      await this.repo.setDueAt(em, id, dueAt, this.clock.now());
      await this.audit.record(em, {
        actor,
        action: 'case.rescheduled',
        entity: 'case',
        entityId: id,
        before: { dueAt: row.due_at ? new Date(row.due_at).toISOString() : null, advisorId: row.advisor_id, teamId: row.team_id },
        after: { dueAt: dueAt.toISOString(), advisorId: row.advisor_id, teamId: row.team_id },
        reason,
      });
      return !row.escalated_at;
    });
    if (changed) await this.escalation.schedule([{ caseId: id, dueAt }]);
    return toCaseView((await this.repo.findById(id))!);
  }

  /** Job `cases.on-alert-cleared`: when every alert of an untouched case has cleared, the case says so. */
  async onAlertCleared(alertId: string): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const row = await this.repo.lockOpenCaseOfAlert(em, alertId);
      if (!row || row.all_alerts_cleared_at || row.first_contact_at) return false;
      if ((await this.repo.openAlertCount(em, row.id)) > 0) return false;
      const now = this.clock.now();
      await this.repo.markAlertsCleared(em, row.id, now);
      await this.audit.record(em, {
        actor: { kind: 'system', id: 'careloop' },
        action: 'case.alerts_cleared',
        entity: 'case',
        entityId: row.id,
        after: { allAlertsClearedAt: now.toISOString(), advisorId: row.advisor_id, teamId: row.team_id },
        reason: 'every alert of the case cleared before first contact; it can be closed as not_at_risk',
      });
      return true;
    });
  }

  private requireSupervisorOfCase(actor: Actor, row: CaseRow): void {
    if (isAdmin(actor)) return;
    if (isSupervisorOf(actor, row.team_id) || isSupervisorOf(actor, row.advisor_team_id)) return;
    throw DomainError.forbidden(`Only a supervisor of the case's team (or an admin) can move case ${row.id}`);
  }

  /** The target must be an active advisor/supervisor the actor supervises, with room for `incoming` more cases. */
  private async checkTarget(em: EntityManager, actor: Actor, staffId: string, field: string, incoming: number): Promise<void> {
    const [target] = await this.repo.findStaff(staffId, em);
    if (!target || target.role === 'admin') throw DomainError.field(field, `must be the id of an advisor or supervisor`);
    if (!isSupervisorOf(actor, target.team_id)) throw DomainError.forbidden('Supervisors can only assign to people of their own teams');
    if (target.status !== 'active') throw DomainError.field(field, `${staffId} is ${target.status} and cannot take cases`);
    const s = (await this.assignment.loadOf(em, 'case', staffId))!;
    if (s.load + incoming > s.capacity) {
      throw DomainError.conflict(`advisor ${staffId} has ${s.load} of ${s.capacity} open cases; ${incoming} more would exceed the capacity`);
    }
  }

  private async move(em: EntityManager, actor: Actor, moves: Array<{ row: CaseRow; to: string | null; reason: string }>, reason: string): Promise<void> {
    if (!moves.length) return;
    const now = this.clock.now();
    const teamOf = await this.repo.teamsOf(em, [...new Set(moves.map((m) => m.to).filter((t): t is string => !!t))]);
    const rows = moves.map((m) => ({ ...m, team: (m.to && teamOf.get(m.to)) || m.row.team_id }));
    await this.repo.moveTo(
      em,
      rows.map((r) => ({ id: r.row.id, advisorId: r.to, teamId: r.team, reason: r.reason })),
      now,
    );
    // The advisor's scheduled work on the case follows it (a supervisor's escalation task stays with them).
    await this.tasks.followCases(
      em,
      rows.map((r) => ({ caseId: r.row.id, from: r.row.advisor_id, to: r.to })),
      now,
    );
    const audit: AuditRecord[] = rows.map((r) => ({
      actor,
      action: 'case.reassigned',
      entity: 'case',
      entityId: r.row.id,
      before: { advisorId: r.row.advisor_id, teamId: r.row.team_id },
      after: { advisorId: r.to, teamId: r.team },
      reason: r.reason,
    }));
    await this.audit.record(em, audit);
    const events: DomainEvent[] = rows
      .filter((r) => r.to)
      .map((r) => ({
        aggregateType: 'case',
        aggregateId: r.row.id,
        eventType: 'case.assigned',
        payload: { caseId: r.row.id, learnerId: r.row.learner_id, advisorId: r.to, previousAdvisorId: r.row.advisor_id, teamId: r.team, reason },
      }));
    const freedTeams = new Set(rows.filter((r) => r.row.advisor_id && r.row.queue === 'advisor').map((r) => r.row.advisor_team_id ?? r.row.team_id));
    for (const t of freedTeams) if (t) events.push(capacityFreed(t, rows[0].row.id, 'cases moved away'));
    await this.outbox.publish(em, events);
  }
}

function scopeOf(actor: Actor): CaseScope {
  if (seesAllTeams(actor)) return { kind: 'all' };
  if (actor.kind === 'staff' && actor.role === 'supervisor') return { kind: 'teams', teamIds: actor.teamIds };
  return { kind: 'own', staffId: actor.id };
}

function canSee(actor: Actor, row: CaseRow): boolean {
  const scope = scopeOf(actor);
  if (scope.kind === 'all') return true;
  if (scope.kind === 'own') return row.advisor_id === scope.staffId;
  return (row.team_id !== null && scope.teamIds.includes(row.team_id)) || (row.advisor_team_id !== null && scope.teamIds.includes(row.advisor_team_id));
}

function capacityFreed(teamId: string | null, caseId: string, reason: string): DomainEvent {
  return { aggregateType: 'case', aggregateId: caseId, eventType: 'case.capacity_freed', payload: { teamId, reason } };
}

function summary(moves: Array<{ row: CaseRow; to: string | null; reason: string }>): MoveResult {
  return {
    moved: moves.filter((m) => m.to).length,
    pooled: moves.filter((m) => !m.to).length,
    items: moves.map((m) => ({ caseId: m.row.id, fromAdvisorId: m.row.advisor_id, toAdvisorId: m.to, reason: m.reason })),
  };
}
