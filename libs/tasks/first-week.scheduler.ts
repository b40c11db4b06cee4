import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service.js';
import { SYSTEM } from '../access/actor.js';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { FirstWeekRepository, type FirstWeekEnrollmentRow } from './first-week.repository.js';
import { FIRST_WEEK_DAYS, NEXT_SLOT_HORIZON_DAYS, planFirstWeek, SlotBook, type PlannerEnrollment } from './first-week-planner.js';
import { zoneOr } from '../common/time-zone.js';

export interface FirstWeekResult {
  enrollments: number;
  created: number;
  holdout: number;
  ownersAssigned: number;
  /** Milliseconds per phase (lock, holdout, owners, load, plan, insert): kept with the job result, read by the benchmark. */
  phases: Record<string, number>;
}

const DAY_MS = 86_400_000;
/** Enrolment statuses that stop the program; paused may resume. */
const STOPPED = new Set(['paused', 'cancelled', 'expired', 'completed']);

/**
 * The first-week program (docs/design.md §4.2): on a new enrolment, an owner advisor (assignment policy, kind 'owner')
 * and seven 15-minute check-ins planned by planFirstWeek(). One code path for one enrolment (the job) and
 * thousands (an initial import): every read and write is set-based over the batch.
 */
@Injectable()
export class FirstWeekScheduler {
  private readonly logger = new Logger(FirstWeekScheduler.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: FirstWeekRepository,
    /** The shared assignment policy; first-week owners use its kind 'owner'. */
    private readonly ownerAssignment: AssignmentService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Plans the program for these enrolments. Owners are decided first, in a short transaction of their own: the
   * assignment policy locks the candidates' staff rows, which case intake and ticket assignment wait on, and held
   * through the planning transaction they were the worker's top lock wait under load. The program is then planned in
   * one transaction. A crash between the two leaves owners without check-ins; the job's retry plans them (owners
   * are never set twice). Replays create nothing new.
   */
  async schedule(enrollmentIds: string[]): Promise<FirstWeekResult> {
    const t0 = performance.now();
    const owners = await this.dataSource.transaction(async (em) =>
      this.giveOwners(em, this.eligible(await this.repo.lockEnrollments(em, [...new Set(enrollmentIds)], false))),
    );
    const ownersMs = Math.round(performance.now() - t0);
    const result = await this.dataSource.transaction((em) => this.scheduleIn(em, enrollmentIds));
    result.ownersAssigned += owners;
    result.phases.owners = (result.phases.owners ?? 0) + ownersMs;
    return result;
  }

  /** Reacts to a status change, re-reading the enrolment's current status (events may arrive late or twice). */
  onStatusChanged(enrollmentId: string): Promise<{ cancelled: number; created: number }> {
    return this.dataSource.transaction(async (em) => {
      const [row] = await this.repo.currentStatus(em, enrollmentId);
      if (!row) return { cancelled: 0, created: 0 };
      if (STOPPED.has(row.status)) {
        const kinds = row.status === 'paused' ? ['first_week_checkin'] : ['first_week_checkin', 'renewal_call'];
        const cancelled = await this.repo.cancelOpen(em, enrollmentId, kinds, `enrollment ${row.status}`);
        return { cancelled, created: 0 };
      }
      const r = await this.scheduleIn(em, [enrollmentId]);
      return { cancelled: 0, created: r.created };
    });
  }

  private async scheduleIn(em: EntityManager, enrollmentIds: string[]): Promise<FirstWeekResult> {
    const result: FirstWeekResult = { enrollments: 0, created: 0, holdout: 0, ownersAssigned: 0, phases: {} };
    if (!enrollmentIds.length) return result;
    let last = performance.now();
    const phase = (name: string) => {
      const t = performance.now();
      result.phases[name] = Math.round(t - last);
      last = t;
    };
    const now = this.clock.now();
    const rows = (await this.repo.lockEnrollments(em, [...new Set(enrollmentIds)])).filter((r) => this.inFirstWeek(r, now));
    result.enrollments = rows.length;
    phase('lock');
    const holdout = rows.filter((r) => r.holdout);
    result.holdout = holdout.length;
    await this.repo.markHoldout(
      em,
      holdout.map((r) => r.id),
    );
    const treated = rows.filter((r) => !r.holdout);
    phase('holdout');
    if (!treated.length) return result;

    // Owners for learners still without one (schedule() has decided them before, in a transaction of its own).
    result.ownersAssigned = await this.giveOwners(em, treated);

    phase('owners');
    const ownerIds = [...new Set(treated.map((r) => r.owner_advisor_id).filter((x): x is string => !!x))];
    let advisors = await this.repo.advisors(em, [...new Set(treated.map((r) => r.team_id).filter((x): x is string => !!x))], ownerIds);
    // A course without a team plans within its owner's team.
    const ownerTeam = new Map(advisors.map((a) => [a.id, a.teamId]));
    const teamOf = (r: (typeof treated)[number]) => r.team_id ?? (r.owner_advisor_id ? (ownerTeam.get(r.owner_advisor_id) ?? null) : null);
    const teams = [...new Set(treated.map(teamOf).filter((x): x is string => !!x))];
    await this.repo.lockTeams(em, teams.length ? teams : ['none']);
    const missingTeams = teams.filter((t) => !treated.some((r) => r.team_id === t));
    if (missingTeams.length) advisors = await this.repo.advisors(em, teams, ownerIds);

    const times = treated.map((r) => new Date(r.enrolled_at).getTime());
    const from = new Date(Math.min(...times) - 2 * DAY_MS);
    const to = new Date(Math.max(...times, now.getTime()) + (FIRST_WEEK_DAYS + NEXT_SLOT_HORIZON_DAYS + 2) * DAY_MS);
    const book = new SlotBook(
      advisors,
      await this.repo.scheduledTasks(
        em,
        advisors.map((a) => a.id),
        from,
        to,
      ),
    );
    const existing = await this.repo.existingDays(
      em,
      treated.map((r) => r.id),
    );
    const input: PlannerEnrollment[] = treated.map((r) => ({
      enrollmentId: r.id,
      learnerId: r.learner_id,
      enrolledAt: new Date(r.enrolled_at),
      timezone: zoneOr(r.learner_timezone, this.config.schoolTimezone),
      ownerId: r.owner_advisor_id,
      teamId: teamOf(r),
      existingDays: existing.get(r.id),
    }));
    phase('load');
    const plan = planFirstWeek(input, book, now);
    phase('plan');
    result.created = await this.repo.insertCheckins(em, plan);
    phase('insert');
    this.logger.debug(`first week: ${result.enrollments} enrolment(s), ${result.created} check-in(s)`);
    return result;
  }

  /** Active enrolments whose first week is not over yet. */
  private inFirstWeek(r: FirstWeekEnrollmentRow, now: Date): boolean {
    return r.status === 'active' && new Date(r.enrolled_at).getTime() > now.getTime() - FIRST_WEEK_DAYS * DAY_MS - DAY_MS;
  }

  /** The enrolments that get a program: in their first week, not held out. */
  private eligible(rows: FirstWeekEnrollmentRow[]): FirstWeekEnrollmentRow[] {
    const now = this.clock.now();
    return rows.filter((r) => this.inFirstWeek(r, now) && !r.holdout);
  }

  /**
   * Owners for these enrolments' learners without one, decided together (oldest enrolment first) by the assignment
   * policy and audited; each row's `owner_advisor_id` is filled in (a learner whose owner another job set meanwhile
   * keeps that owner). Returns how many owners were set.
   */
  private async giveOwners(em: EntityManager, treated: FirstWeekEnrollmentRow[]): Promise<number> {
    const needOwner = new Map<string, FirstWeekEnrollmentRow>();
    for (const r of treated) if (!r.owner_advisor_id && !needOwner.has(r.learner_id)) needOwner.set(r.learner_id, r);
    if (!needOwner.size) return 0;
    const reqs = [...needOwner.values()];
    await this.repo.lockLearners(em, [...needOwner.keys()]);
    const decisions = await this.ownerAssignment.chooseMany(
      em,
      'owner',
      reqs.map((r) => ({ teamId: r.team_id, skill: r.category })),
    );
    const owners = reqs.flatMap((r, i) =>
      decisions[i].advisorId ? [{ learnerId: r.learner_id, advisorId: decisions[i].advisorId!, enrollmentId: r.id, reason: decisions[i].reason }] : [],
    );
    const changed = await this.repo.setOwners(em, owners);
    const entries: AuditRecord[] = owners
      .filter((o) => changed.has(o.learnerId))
      .map((o) => ({
        actor: SYSTEM,
        action: 'learner.owner_assigned',
        entity: 'enrollment',
        entityId: o.enrollmentId,
        after: { learnerId: o.learnerId, ownerAdvisorId: o.advisorId },
        reason: o.reason,
      }));
    await this.audit.record(em, entries);
    const byLearner = new Map(owners.filter((o) => changed.has(o.learnerId)).map((o) => [o.learnerId, o.advisorId]));
    const raced = reqs.filter((r) => !byLearner.has(r.learner_id)).map((r) => r.learner_id);
    if (raced.length) for (const [id, owner] of await this.repo.owners(em, raced)) if (owner) byLearner.set(id, owner);
    for (const r of treated) r.owner_advisor_id ??= byLearner.get(r.learner_id) ?? null;
    return entries.length;
  }
}
