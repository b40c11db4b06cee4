import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { WeeklyHours } from '../common/working-hours.js';
import type { AlertRow, EnrollmentCtx, OpenCaseRow } from './case-intake.plan.js';
import type { Severity } from './case-priority.js';
import { lockLearnerDecisions } from '../learners/learner-lock.js';

/**
 * Session-level advisory locks (INTAKE_LOCK_KEY, slot) for slot 0 … CASE_INTAKE_CONCURRENCY - 1 (at most
 * MAX_INTAKE_SLOTS), each held by the job draining a burst: how many intake transactions run at once. One by default: every batch spans the teams its
 * alerts belong to, and on the 2-core machine the benchmark runs on, two at a time measured no faster (they meet on
 * the same index pages and the same CPUs). A database server with cores to spare may allow more.
 */
export const INTAKE_LOCK_KEY = 727_100_005;
export const MAX_INTAKE_SLOTS = 16;

/**
 * The intake queue and what intake reads and locks. `case_intake_queue` is filled by a trigger on `alerts` (one row
 * for every alert inserted open): it exists only in migration CaseIntakeQueue (the function alerts_queue_for_intake), not in code.
 * Lock order: intake slot → queue and alert rows (SKIP LOCKED) → learner rows → open case rows → staff rows.
 */
@Injectable()
export class CaseIntakeRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** How many of these alerts wait, and whether any alert waits at all. */
  async queueState(alertIds: string[]): Promise<{ own: number; pending: boolean }> {
    const [row] = await this.dataSource.query(
      `select (select count(*)::int from case_intake_queue where alert_id = any($1::uuid[])) as own,
              exists (select 1 from case_intake_queue) as pending`,
      [alertIds],
    );
    return row;
  }

  /** Which of these alerts are still waiting, once the intake batches holding any of them have finished. */
  async stillWaiting(alertIds: string[]): Promise<string[]> {
    return this.dataSource.transaction(async (em) => {
      // A key-share lock waits for a batch that claimed a queue row (it holds it for update) and then skips the row
      // it deleted; rows no one holds come straight back.
      await this.boundLockWaits(em);
      const rows: Array<{ alert_id: string }> = await em.query(`select alert_id from case_intake_queue where alert_id = any($1::uuid[]) for key share`, [
        alertIds,
      ]);
      return rows.map((r) => r.alert_id);
    });
  }

  /** Bounds this transaction's waits on rows other writers hold (an intake job retries after the error). */
  async boundLockWaits(em: EntityManager): Promise<void> {
    await em.query(`select set_config('lock_timeout', '60s', true)`);
  }

  async backlog(): Promise<number> {
    const [{ n }] = await this.dataSource.query(`select count(*)::int as n from case_intake_queue`);
    return n;
  }

  /** A free slot of `slots` if there is one; otherwise waits for one (bounded by lock_timeout), or null without `wait`. */
  async takeSlot(qr: QueryRunner, slots: number, wait: boolean): Promise<number | null> {
    const free: Array<{ slot: number }> = await qr.query(
      `select s as slot from generate_series(0, $2::int - 1) s where pg_try_advisory_lock($1::int, s) limit 1`,
      [INTAKE_LOCK_KEY, slots],
    );
    if (free.length) return free[0].slot;
    if (!wait) return null;
    const pick = Math.floor(Math.random() * slots);
    await qr.startTransaction();
    try {
      // The session-level lock outlives this transaction, which only bounds the wait.
      await this.boundLockWaits(qr.manager);
      await qr.query(`select pg_advisory_lock($1::int, $2::int)`, [INTAKE_LOCK_KEY, pick]);
      await qr.commitTransaction();
    } catch (e) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw e;
    }
    return pick;
  }

  async releaseSlot(qr: QueryRunner, slot: number): Promise<void> {
    await qr.query(`select pg_advisory_unlock($1::int, $2::int)`, [INTAKE_LOCK_KEY, slot]);
  }

  /**
   * Claims and removes from the queue in one statement: the caller's alerts first, then the oldest waiting ones,
   * skipping queue rows another intake holds and alerts a rule run is updating (they stay queued). The alerts are
   * share-locked, so one cannot be cleared under this transaction; one cleared before it comes back not open.
   */
  claim(em: EntityManager, ownAlertIds: string[], batch: number): Promise<Array<AlertRow & { status: string }>> {
    return em.query(
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
  }

  enrollmentContexts(em: EntityManager, enrollmentIds: string[]): Promise<EnrollmentCtx[]> {
    return em.query(
      `select e.id, e.learner_id, e.status, e.enrolled_at, e.expires_at, e.holdout as e_holdout, l.holdout as l_holdout,
              e.course_id, c.team_id as course_team_id, c.category, l.owner_advisor_id, o.team_id as owner_team_id
         from enrollments e join learners l on l.id = e.learner_id join courses c on c.id = e.course_id
         left join staff o on o.id = l.owner_advisor_id
        where e.id = any($1::uuid[])`,
      [enrollmentIds],
    );
  }

  /**
   * Locks the learners' decisions (lockLearnerDecisions), then their open cases in id order. Only intake creates
   * cases, and a concurrent batch may hold another alert of one of these learners: with the learners locked first,
   * the open cases read stay exactly theirs until commit (the partial unique index cases_one_open_per_learner backs
   * this up). The learner rows themselves stay free for sync's updates.
   */
  async lockLearnersAndOpenCases(em: EntityManager, learnerIds: string[]): Promise<OpenCaseRow[]> {
    await lockLearnerDecisions(em, learnerIds);
    return em.query(
      `select id, learner_id, advisor_id, team_id, queue, priority, priority_score, due_at, escalated_at, escalated_to
         from cases where learner_id = any($1::uuid[]) and status <> 'resolved' order by id for update`,
      [learnerIds],
    );
  }

  /** The open alerts already on these cases (their severities and kinds count towards the priority). */
  openCaseAlerts(em: EntityManager, caseIds: string[]): Promise<Array<{ case_id: string; severity: Severity; kind: string }>> {
    if (!caseIds.length) return Promise.resolve([]);
    return em.query(
      `select ca.case_id, a.severity, r.kind from case_alerts ca join alerts a on a.id = ca.alert_id join rules r on r.key = a.rule_key
        where ca.case_id = any($1::uuid[]) and a.status = 'open'`,
      [caseIds],
    );
  }

  /** Each person's time zone and working week (first-contact due times are counted in them). */
  staffCalendars(em: EntityManager, staffIds: string[]): Promise<Array<{ id: string; timezone: string; working_hours: WeeklyHours }>> {
    if (!staffIds.length) return Promise.resolve([]);
    return em.query(`select id, timezone, working_hours from staff where id = any($1::uuid[])`, [staffIds]);
  }
}
