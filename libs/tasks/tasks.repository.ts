import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { WeeklyHours } from '../common/working-hours.js';
import { stageSql } from '../learners/lifecycle.js';
import { PRIORITY_RANK_SQL, type TaskRow } from './task.types.js';
import { preparedQuery } from '../database/prepared.js';
import type { SqlRow } from '../database/sql-row.js';
import { riskJsonSql } from '../risk/risk-features.js';

/** A task with what access checks need: the assignee's team, the learner's owner, the case's advisor and team. */
export interface TaskAccessRow extends TaskRow {
  assignee_team_id: string | null;
  owner_advisor_id: string | null;
  case_advisor_id: string | null;
  case_team_id: string | null;
}

export interface StaffRef {
  id: string;
  role: string;
  team_id: string | null;
  status: string;
  timezone: string;
  working_hours: WeeklyHours;
}

export interface TaskListFilter {
  assigneeId?: string;
  status?: string;
  kind?: string;
  learnerId?: string;
  /** Staff visibility: tasks whose assignee (or, unassigned, whose case/owner) is in these teams. */
  teamIds?: string[];
  /** Advisors: their own tasks only. */
  ownerOnly?: string;
  /** One team: tasks whose assignee is in it (or, unassigned, whose case is). */
  teamId?: string;
  /** Scheduled tasks due before this instant. */
  due?: { before: Date };
  after?: { dueAt: string; id: string };
  limit: number;
}

const LEARNER_ENROLLMENT_JOIN = `
  left join lateral (
    (select e.* from enrollments e where e.id = t.enrollment_id)
    union all
    (select e.* from enrollments e where t.enrollment_id is null and e.learner_id = t.learner_id
      order by (e.status = 'active') desc, e.enrolled_at desc limit 1)
    limit 1) e on true
  left join courses co on co.id = e.course_id`;

/** What a queue row shows of its learner (`l`, enrolment `e`, course `co`): tasks.service.ts `caseLearnerOf`. */
const LEARNER_ROW_COLUMNS = (now: string, days: string) => `
  l.name as learner_name,
  case when e.id is null then null else ${stageSql('e', now, days)} end as stage,
  (select coalesce(json_agg(json_build_object('ruleKey', a.rule_key, 'severity', a.severity) order by a.opened_at), '[]'::json)
     from alerts a where a.learner_id = l.id and a.status = 'open') as open_alerts,
  (select ${riskJsonSql('r')} from enrollment_risk r where r.enrollment_id = e.id) as risk_score`;

/** A call row's learner: also contact and pace (tasks.service.ts `learnerOf`). */
const LEARNER_DETAIL_COLUMNS = (now: string, days: string) => `${LEARNER_ROW_COLUMNS(now, days)},
  l.external_id as learner_external_id, l.phone as learner_phone, l.timezone as learner_timezone,
  e.id as progress_enrollment_id, e.enrolled_at as e_enrolled_at, e.completed_lessons as e_completed_lessons,
  co.total_lessons as co_total_lessons, co.duration_days as co_duration_days`;

/** Only place the tasks context touches the tasks table (besides the first-week repository's bulk path). */
@Injectable()
export class TasksRepository {
  constructor(private readonly dataSource: DataSource) {}

  private q(em?: EntityManager) {
    return em ?? this.dataSource.manager;
  }

  async findForAccess(id: string, em?: EntityManager, lock = false): Promise<TaskAccessRow | undefined> {
    const rows = await this.q(em).query(
      `select t.*, s.team_id as assignee_team_id, l.owner_advisor_id, c.advisor_id as case_advisor_id, c.team_id as case_team_id
         from tasks t join learners l on l.id = t.learner_id
         left join staff s on s.id = t.assignee_id
         left join cases c on c.id = t.case_id
        where t.id = $1 ${lock ? 'for update of t' : ''}`,
      [id],
    );
    return rows[0];
  }

  async findById(id: string, em?: EntityManager): Promise<TaskRow | undefined> {
    const rows = await this.q(em).query(`select * from tasks where id = $1`, [id]);
    return rows[0];
  }

  async staffRef(id: string, em?: EntityManager): Promise<StaffRef | undefined> {
    const rows = await this.q(em).query(`select id, role, team_id, status, timezone, working_hours from staff where id = $1`, [id]);
    return rows[0];
  }

  async teamOfStaff(id: string): Promise<string | null | undefined> {
    const rows = await this.dataSource.query(`select team_id from staff where id = $1`, [id]);
    return rows.length ? rows[0].team_id : undefined;
  }

  /** A retry (`dueAt`) moves the task to a new due time, which gets its own task.due notice. */
  async recordOutcome(
    em: EntityManager,
    id: string,
    o: {
      status: string;
      result: string;
      durationMinutes: number | null;
      note: string | null;
      riskRead: string | null;
      churnReason: string | null;
      completedAt: Date | null;
      completedBy: string | null;
      dueAt?: Date;
      windowEndAt?: Date;
    },
  ): Promise<TaskRow> {
    const [rows] = await em.query(
      `update tasks set status = $2, result = $3, duration_minutes = coalesce($4, duration_minutes), note = coalesce($5, note),
              risk_read = coalesce($6, risk_read), churn_reason = coalesce($7, churn_reason), completed_at = $8, completed_by = $9,
              due_at = coalesce($10, due_at), window_end_at = coalesce($11, window_end_at), attempts = attempts + 1, updated_at = now(),
              due_notified_at = case when $10::timestamptz is not null and $10::timestamptz <> due_at then null else due_notified_at end
        where id = $1
        returning *`,
      [id, o.status, o.result, o.durationMinutes, o.note, o.riskRead, o.churnReason, o.completedAt, o.completedBy, o.dueAt ?? null, o.windowEndAt ?? null],
    );
    return rows[0];
  }

  /** Creates the follow-up once per parent task (dedupe key), returning its id either way. */
  async insertFollowUp(em: EntityManager, parent: TaskRow, assigneeId: string | null, dueAt: Date): Promise<string> {
    await em.query(
      `insert into tasks (kind, assignee_id, learner_id, enrollment_id, case_id, parent_task_id, due_at, window_end_at, planned_minutes, status, dedupe_key)
       values ('follow_up', $1, $2, $3, $4, $5, $6, $7, 15, 'scheduled', $8)
       on conflict (dedupe_key) where dedupe_key is not null do nothing`,
      [assigneeId, parent.learner_id, parent.enrollment_id, parent.case_id, parent.id, dueAt, new Date(dueAt.getTime() + 15 * 60_000), `fu:${parent.id}`],
    );
    const [row] = await em.query(`select id from tasks where dedupe_key = $1`, [`fu:${parent.id}`]);
    return row.id;
  }

  /** First reached contact and open → in progress; returns the case before/after when it changed. */
  async touchCase(
    em: EntityManager,
    caseId: string,
    reached: boolean,
    at: Date,
  ): Promise<{ before: Record<string, unknown>; after: Record<string, unknown> } | undefined> {
    const [before] = await em.query(`select id, status, first_contact_at from cases where id = $1 for update`, [caseId]);
    if (!before || before.status === 'resolved') return undefined;
    const status = before.status === 'open' ? 'in_progress' : before.status;
    const firstContact = before.first_contact_at ?? (reached ? at : null);
    if (status === before.status && String(firstContact) === String(before.first_contact_at)) return undefined;
    await em.query(`update cases set status = $2, first_contact_at = $3, updated_at = now() where id = $1`, [caseId, status, firstContact]);
    return {
      before: { status: before.status, firstContactAt: before.first_contact_at },
      after: { status, firstContactAt: firstContact },
    };
  }

  /** A new due time is a new task.due notice: due_notified_at is cleared when due_at changes. */
  async reschedule(em: EntityManager, id: string, dueAt: Date): Promise<void> {
    await em.query(
      `update tasks set due_at = $2, window_end_at = $2::timestamptz + make_interval(mins => planned_minutes), updated_at = now(),
              due_notified_at = case when due_at is distinct from $2::timestamptz then null else due_notified_at end
        where id = $1`,
      [id, dueAt],
    );
  }

  async reassign(em: EntityManager, id: string, assigneeId: string): Promise<void> {
    await em.query(`update tasks set assignee_id = $2, updated_at = now() where id = $1`, [id, assigneeId]);
  }

  list(f: TaskListFilter): Promise<Array<TaskRow & { learner_name: string; learner_external_id: string }>> {
    const params: unknown[] = [];
    const where: string[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.assigneeId) where.push(`t.assignee_id = ${p(f.assigneeId)}`);
    if (f.status) where.push(`t.status = ${p(f.status)}`);
    if (f.kind) where.push(`t.kind = ${p(f.kind)}`);
    if (f.learnerId) where.push(`t.learner_id = ${p(f.learnerId)}`);
    if (f.ownerOnly) where.push(`t.assignee_id = ${p(f.ownerOnly)}`);
    if (f.teamIds) {
      const teams = p(f.teamIds);
      where.push(`(exists (select 1 from staff s where s.id = t.assignee_id and s.team_id = any(${teams}::uuid[]))
        or (t.assignee_id is null and (exists (select 1 from cases c where c.id = t.case_id and c.team_id = any(${teams}::uuid[]))
          or exists (select 1 from learners l join staff o on o.id = l.owner_advisor_id where l.id = t.learner_id and o.team_id = any(${teams}::uuid[])))))`);
    }
    if (f.teamId) {
      const team = p(f.teamId);
      where.push(`(exists (select 1 from staff s where s.id = t.assignee_id and s.team_id = ${team}::uuid)
        or (t.assignee_id is null and exists (select 1 from cases c where c.id = t.case_id and c.team_id = ${team}::uuid)))`);
    }
    if (f.due) where.push(`t.status = 'scheduled' and t.due_at < ${p(f.due.before)}`);
    if (f.after) where.push(`(t.due_at, t.id) > (${p(f.after.dueAt)}::timestamptz, ${p(f.after.id)}::uuid)`);
    return this.dataSource.query(
      `select t.*, l.name as learner_name, l.external_id as learner_external_id
         from tasks t join learners l on l.id = t.learner_id
        ${where.length ? `where ${where.join(' and ')}` : ''} order by t.due_at, t.id limit ${p(f.limit + 1)}`,
      params,
    );
  }

  /**
   * The advisor's day in one round trip (the queue is read all day): the scheduled tasks due before `dayEnd` (the
   * day's and every overdue one) in queue order, the open cases without a scheduled task (highest priority first, at
   * most `casesLimit`, with their total), and the calls done or missed that day. The rows come as JSON, which is
   * parsed once natively instead of column by column; a prepared statement, planned once per connection (planning
   * was a third of its time).
   */
  async queueDay(
    advisorId: string,
    day: { start: Date; end: Date; overdueBefore: Date },
    now: Date,
    churnDays: number,
    limits: { tasks: number; cases: number },
  ): Promise<{ tasks: Array<SqlRow>; cases: Array<SqlRow>; done: number }> {
    const [row] = await preparedQuery<{ tasks: Array<SqlRow>; cases: Array<SqlRow>; done: number }>(
      this.dataSource,
      'careloop_queue_day_v5',
      `select
         (select coalesce(json_agg(q order by q.ord), '[]'::json) from (
            -- The page is picked on the tasks (and their cases' priority) alone, so the learners, enrolments, alerts
            -- and past outcomes are looked up by key for the page's rows only: joined before the limit, the planner
            -- hashed all 100k learners and 20k cases for a queue of ten calls.
            with page as materialized (
              select p.*, row_number() over (order by p.overdue desc, p.due_at, ${PRIORITY_RANK_SQL('p.case_priority')} desc, p.id) as ord
                from (select t.id, t.kind, t.day_index, t.case_id, t.due_at, t.attempts, t.learner_id, t.enrollment_id, (t.due_at < $3) as overdue,
                             (select c.priority from cases c where c.id = t.case_id) as case_priority,
                             (select c.status from cases c where c.id = t.case_id) as case_status
                        from tasks t
                       where t.assignee_id = $1 and t.status = 'scheduled' and t.due_at < $2) p
               order by ord
               limit $6)
            select t.id, t.kind, t.day_index, t.case_id, t.due_at, t.attempts, t.learner_id, t.overdue, t.case_priority, t.case_status, t.ord,
                   ${LEARNER_DETAIL_COLUMNS('$4::timestamptz', '$5::int')},
                   (select json_build_object('taskId', p.id, 'result', p.result, 'at', coalesce(p.completed_at, p.updated_at))
                      from tasks p where p.learner_id = t.learner_id and p.result is not null
                     order by coalesce(p.completed_at, p.updated_at) desc, p.updated_at desc limit 1) as last_outcome
              from page t
              join learners l on l.id = t.learner_id
              ${LEARNER_ENROLLMENT_JOIN}) q) as tasks,
         (select coalesce(json_agg(q order by q.ord), '[]'::json) from (
            -- The page (and the total) is picked on the cases alone; learner details are joined for the page only.
            with page as (
              select c.id, c.learner_id, c.priority, c.status, c.due_at, c.opened_at,
                     count(*) over () as total,
                     row_number() over (order by ${PRIORITY_RANK_SQL('c.priority')} desc, c.due_at nulls last, c.opened_at, c.id) as ord
                from cases c
               where c.advisor_id = $1 and c.status <> 'resolved'
                 -- offset 0: checked per case through the index; as an anti join it read every scheduled task
                 and not exists (select 1 from tasks t where t.case_id = c.id and t.status = 'scheduled' offset 0)
               order by ord
               limit $7)
            select c.*, ${LEARNER_ROW_COLUMNS('$4::timestamptz', '$5::int')}
              from page c
              join learners l on l.id = c.learner_id
              left join lateral (select e.* from enrollments e where e.learner_id = c.learner_id
                                  order by (e.status = 'active') desc, e.enrolled_at desc limit 1) e on true) q) as cases,
         (select count(*)::int from tasks where assignee_id = $1 and status in ('done','missed') and completed_at >= $8 and completed_at < $2) as done`,
      [advisorId, day.end, day.overdueBefore, now, churnDays, limits.tasks, limits.cases, day.start],
    );
    return row;
  }

  /**
   * The tasks case intake asks for (one per case and rule, libs/cases/case-intake.plan.ts): inserted in one
   * statement, keyed by `dedupe_key` so a repeat inserts nothing.
   */
  async insertCaseTasks(
    em: EntityManager,
    t: Array<{ key: string; kind: string; assignee: string | null; learner: string; enrollment: string; caseId: string; due: Date }>,
    now: Date,
  ): Promise<void> {
    if (!t.length) return;
    await em.query(
      `insert into tasks (kind, assignee_id, learner_id, enrollment_id, case_id, due_at, status, dedupe_key, created_at, updated_at)
       select t.kind, t.assignee, t.learner, t.enrollment, t.case_id, t.due, 'scheduled', t.key, $8, $8
         from unnest($1::text[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::timestamptz[], $7::text[])
              as t(kind, assignee, learner, enrollment, case_id, due, key)
       on conflict (dedupe_key) where dedupe_key is not null do nothing`,
      [
        t.map((v) => v.kind),
        t.map((v) => v.assignee),
        t.map((v) => v.learner),
        t.map((v) => v.enrollment),
        t.map((v) => v.caseId),
        t.map((v) => v.due),
        t.map((v) => v.key),
        now,
      ],
    );
  }

  /** A resolved case's scheduled tasks are cancelled, with the reason. */
  async cancelForCase(em: EntityManager, caseId: string, reason: string, now: Date): Promise<void> {
    await em.query(`update tasks set status = 'cancelled', cancel_reason = $3, updated_at = $2 where case_id = $1 and status = 'scheduled'`, [
      caseId,
      now,
      reason,
    ]);
  }

  /**
   * Scheduled tasks follow their case to its new advisor: those held by the case's previous advisor (`from`, null for
   * a pooled case's unassigned tasks). A task someone else holds, such as a supervisor's escalation task, stays.
   */
  async followCases(em: EntityManager, moves: Array<{ caseId: string; from: string | null; to: string | null }>, now: Date): Promise<void> {
    if (!moves.length) return;
    await em.query(
      `update tasks k set assignee_id = t.advisor, updated_at = $4
         from unnest($1::uuid[], $2::uuid[], $3::uuid[]) as t(case_id, old, advisor)
        where k.case_id = t.case_id and k.status = 'scheduled' and k.assignee_id is not distinct from t.old`,
      [moves.map((m) => m.caseId), moves.map((m) => m.from), moves.map((m) => m.to), now],
    );
  }

  /**
   * A renewal call for each active, treated enrolment expiring within `days`, once per expiry date (dedupe key),
   * for the learner's owner when they are active (else unassigned, for the supervisor). Returns how many were new.
   */
  async scheduleRenewalCalls(now: Date, days: number): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `insert into tasks (kind, assignee_id, learner_id, enrollment_id, due_at, window_end_at, planned_minutes, status, dedupe_key)
        select 'renewal_call', case when s.status = 'active' then s.id end, e.learner_id, e.id, $1, e.expires_at, 15, 'scheduled',
               'renewal:' || e.id || ':' || to_char(e.expires_at at time zone 'UTC', 'YYYYMMDD')
          from enrollments e join learners l on l.id = e.learner_id left join staff s on s.id = l.owner_advisor_id
         where e.status = 'active' and not e.holdout and not l.holdout
           and e.expires_at > $1 and e.expires_at <= $1::timestamptz + make_interval(days => $2::int)
        on conflict (dedupe_key) where dedupe_key is not null do nothing
        returning id`,
      [now, days],
    );
    return rows.length;
  }

  /** Scheduled tasks not announced yet, due in (now, now + `horizonS`], soonest first, `limit` at most. */
  dueSoon(now: Date, horizonS: number, limit: number): Promise<Array<{ id: string; due_ms: string }>> {
    return this.dataSource.query(
      `select id, floor(extract(epoch from due_at) * 1000)::bigint as due_ms from tasks
        where status = 'scheduled' and due_notified_at is null
          and due_at > $1::timestamptz and due_at <= $1::timestamptz + make_interval(secs => $2::int)
        order by due_at, id limit $3`,
      [now, horizonS, limit],
    );
  }

  /**
   * Marks due tasks announced and returns them: those due since `now - maxLateness` (up to `f.dueBy`), or the tasks
   * `f.taskIds` (waiting for a concurrent change to them), or those due at exactly `f.dueAt`; the sweep skips
   * locked rows. Due times compare to the millisecond, as job payloads carry JavaScript dates.
   */
  markDueAnnounced(
    em: EntityManager,
    now: Date,
    maxLateness: string,
    f: { dueBy: Date | null; taskIds: string[] | null; dueAt: Date | null },
    limit: number,
  ): Promise<
    Array<{
      id: string;
      kind: string;
      assignee_id: string | null;
      learner_id: string;
      enrollment_id: string | null;
      case_id: string | null;
      due_at: Date;
      day_index: number | null;
    }>
  > {
    return em.query(
      `with due as (
           select id from tasks
            where status = 'scheduled' and due_notified_at is null
              and due_at > $1::timestamptz - $2::interval
              and ($3::timestamptz is null or due_at <= $3::timestamptz)
              and ($4::uuid[] is null or id = any($4::uuid[]))
              and ($5::timestamptz is null or date_trunc('milliseconds', due_at) = $5::timestamptz)
            order by due_at, id limit $6
            for update${f.taskIds ? '' : ' skip locked'}),
         u as (
           update tasks t set due_notified_at = $1 from due where t.id = due.id and t.due_notified_at is null
           returning t.id, t.kind, t.assignee_id, t.learner_id, t.enrollment_id, t.case_id, t.due_at, t.day_index)
         select * from u`,
      [now, maxLateness, f.dueBy, f.taskIds, f.dueAt, limit],
    );
  }
}
