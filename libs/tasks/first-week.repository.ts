import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WeeklyHours } from '../common/working-hours.js';
import { CHECKIN_MINUTES, type ExistingTask, type PlannedCheckin, type PlannerAdvisor } from './first-week-planner.js';
import { lockLearnerDecisions } from '../learners/learner-lock.js';

export interface FirstWeekEnrollmentRow {
  id: string;
  learner_id: string;
  enrolled_at: Date;
  status: string;
  holdout: boolean;
  learner_timezone: string | null;
  owner_advisor_id: string | null;
  team_id: string | null;
  category: string | null;
}

/** The SQL of the first-week program: narrow reads and set-based writes. */
@Injectable()
export class FirstWeekRepository {
  /**
   * The enrolments with their learner and course. `for key share` keeps each row from a status change's handler
   * (which locks it `for update`, and so cancels what this planned after it commits) without blocking sync's updates
   * of the row (last login, lessons). Concurrent plans for one enrolment queue on the team lock (lockTeams) and
   * see each other's check-ins; owners are set with a guarded update. `lock` false: the same read without the
   * row locks (deciding owners, which serialise on the learners' decision locks instead).
   */
  lockEnrollments(em: EntityManager, ids: string[], lock = true): Promise<FirstWeekEnrollmentRow[]> {
    return em.query(
      `select e.id, e.learner_id, e.enrolled_at, e.status, (e.holdout or l.holdout) as holdout,
              l.timezone as learner_timezone, l.owner_advisor_id, c.team_id, c.category
         from enrollments e join learners l on l.id = e.learner_id join courses c on c.id = e.course_id
        where e.id = any($1::uuid[])
        order by e.enrolled_at, e.id
        ${lock ? 'for key share of e' : ''}`,
      [ids],
    );
  }

  async markHoldout(em: EntityManager, enrollmentIds: string[]): Promise<void> {
    if (!enrollmentIds.length) return;
    await em.query(`update enrollments set holdout = true, updated_at = now() where id = any($1::uuid[]) and not holdout`, [enrollmentIds]);
  }

  /**
   * Locks these learners' decisions (lockLearnerDecisions) before the staff rows are locked for their owners: the
   * order every writer keeps (learners first, staff last; libs/assignment/assignment.contract.ts), so first-week
   * planning and case intake never deadlock over a learner and an advisor.
   */
  lockLearners(em: EntityManager, learnerIds: string[]): Promise<void> {
    return lockLearnerDecisions(em, learnerIds);
  }

  /** Sets owners where none is set yet; returns the learners actually changed. */
  async setOwners(em: EntityManager, owners: Array<{ learnerId: string; advisorId: string }>): Promise<Set<string>> {
    if (!owners.length) return new Set();
    const rows: Array<{ id: string }> = await em.query(
      `with u as (
         update learners l set owner_advisor_id = o.advisor_id, updated_at = now()
           from unnest($1::uuid[], $2::uuid[]) as o(learner_id, advisor_id)
          where l.id = o.learner_id and l.owner_advisor_id is null
          returning l.id)
       select id from u`,
      [owners.map((o) => o.learnerId), owners.map((o) => o.advisorId)],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Current owners of these learners (after a concurrent job may have set them first). */
  async owners(em: EntityManager, learnerIds: string[]): Promise<Map<string, string | null>> {
    const rows: Array<{ id: string; owner_advisor_id: string | null }> = await em.query(
      `select id, owner_advisor_id from learners where id = any($1::uuid[])`,
      [learnerIds],
    );
    return new Map(rows.map((r) => [r.id, r.owner_advisor_id]));
  }

  /** Serialises first-week planning per team, so concurrent jobs never overbook an advisor-day. */
  async lockTeams(em: EntityManager, teamIds: string[]): Promise<void> {
    for (const t of [...new Set(teamIds)].sort()) await em.query(`select pg_advisory_xact_lock(hashtext($1))`, [`first-week:${t}`]);
  }

  async advisors(em: EntityManager, teamIds: string[], staffIds: string[]): Promise<PlannerAdvisor[]> {
    const rows: Array<{ id: string; team_id: string | null; timezone: string; working_hours: WeeklyHours; active: boolean }> = await em.query(
      `select id, team_id, timezone, working_hours, (status = 'active' and role = 'advisor') as active
         from staff where team_id = any($1::uuid[]) or id = any($2::uuid[])`,
      [teamIds, staffIds],
    );
    return rows.map((r) => ({ id: r.id, teamId: r.team_id, timezone: r.timezone, workingHours: r.working_hours ?? {}, active: r.active }));
  }

  /** Scheduled tasks of these advisors in [from, to), as compact per-advisor arrays of due times. */
  async scheduledTasks(em: EntityManager, advisorIds: string[], from: Date, to: Date): Promise<ExistingTask[]> {
    if (!advisorIds.length) return [];
    const rows: Array<{ assignee_id: string; due: string[] }> = await em.query(
      `select assignee_id, array_agg((extract(epoch from due_at) * 1000)::bigint) as due from tasks
        where assignee_id = any($1::uuid[]) and status = 'scheduled' and due_at >= $2 and due_at < $3
        group by assignee_id`,
      [advisorIds, from, to],
    );
    return rows.flatMap((r) => r.due.map((ms) => ({ assigneeId: r.assignee_id, dueAt: new Date(Number(ms)) })));
  }

  /** Day indexes that already have a live check-in (cancelled ones free their dedupe key). */
  async existingDays(em: EntityManager, enrollmentIds: string[]): Promise<Map<string, number[]>> {
    const rows: Array<{ enrollment_id: string; day_index: number }> = await em.query(
      `select enrollment_id, day_index from tasks
        where enrollment_id = any($1::uuid[]) and kind = 'first_week_checkin' and dedupe_key is not null`,
      [enrollmentIds],
    );
    const out = new Map<string, number[]>();
    for (const r of rows) out.set(r.enrollment_id, [...(out.get(r.enrollment_id) ?? []), r.day_index]);
    return out;
  }

  /**
   * One unnest insert. The caller holds the enrolment rows' locks and has left out the days that exist, so a
   * plain insert is safe; the unique dedupe key still refuses a duplicate (the job then fails and retries).
   */
  async insertCheckins(em: EntityManager, plan: PlannedCheckin[]): Promise<number> {
    if (!plan.length) return 0;
    await em.query(
      `insert into tasks (kind, day_index, assignee_id, learner_id, enrollment_id, due_at, window_end_at, planned_minutes, status, dedupe_key)
       select 'first_week_checkin', p.day_index, p.assignee_id, p.learner_id, p.enrollment_id, p.due_at, p.window_end_at, ${CHECKIN_MINUTES}, 'scheduled',
              'fw:' || p.enrollment_id || ':' || p.day_index
         from unnest($1::int[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[])
              as p(day_index, assignee_id, learner_id, enrollment_id, due_at, window_end_at)`,
      [
        plan.map((p) => p.dayIndex),
        plan.map((p) => p.assigneeId),
        plan.map((p) => p.learnerId),
        plan.map((p) => p.enrollmentId),
        plan.map((p) => p.dueAt.toISOString()),
        plan.map((p) => p.windowEndAt.toISOString()),
      ],
    );
    return plan.length;
  }

  currentStatus(em: EntityManager, enrollmentId: string): Promise<Array<{ status: string }>> {
    return em.query(`select status from enrollments where id = $1 for update`, [enrollmentId]);
  }

  /**
   * Cancels the open check-ins (and renewal calls when the enrolment ended) and frees their dedupe keys,
   * so a later resume can plan the days still ahead again.
   */
  async cancelOpen(em: EntityManager, enrollmentId: string, kinds: string[], reason: string): Promise<number> {
    const rows: unknown[] = await em.query(
      `with u as (
         update tasks set status = 'cancelled', cancel_reason = $3, dedupe_key = null, updated_at = now()
          where enrollment_id = $1 and kind = any($2::text[]) and status = 'scheduled'
          returning id)
       select id from u`,
      [enrollmentId, kinds, reason],
    );
    return rows.length;
  }
}
