import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CASE_SELECT, type CaseRow } from '../cases/cases.repository.js';
import type { CohortAlertRow } from '../rules/alerts.repository.js';

export interface BoardAdvisorRow {
  id: string;
  name: string;
  email: string;
  status: 'active' | 'away' | 'inactive';
  capacity: number;
  open_cases: number;
  tasks_done: number;
  tasks_due: number;
  tasks_overdue: number;
}

/** A team's pool: open cases of the team waiting for an advisor (the same condition the pool backfill uses). */
const POOL = `c.team_id = $1 and c.advisor_id is null and c.status <> 'resolved' and c.queue = 'advisor'`;
/** Escalated: open cases of the team in the escalation queue (complaints) or past their first-contact deadline. */
const ESCALATED = `c.team_id = $1 and c.status <> 'resolved' and (c.escalated_at is not null or c.queue = 'escalation')`;

/**
 * The supervisor's board, read set-based: one query for every advisor's load and day (no query per advisor),
 * one for the two totals, one page each of pool and escalations, one for the cohort alerts.
 */
@Injectable()
export class TeamBoardRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The team's advisors (not inactive), by name, with open cases and their tasks of the day: done in
   * [dayStart, dayEnd) (an outcome was logged: done or missed, as in the advisor's queue), due in [now, dayEnd)
   * and overdue (scheduled, due before now).
   */
  advisors(teamId: string, dayStart: Date, dayEnd: Date, now: Date): Promise<BoardAdvisorRow[]> {
    return this.dataSource.query(
      `with team as (select id from staff where team_id = $1 and role = 'advisor' and status <> 'inactive'),
            open_cases as (
              select advisor_id, count(*)::int as n from cases
               where advisor_id in (select id from team) and status in ('open', 'in_progress') group by advisor_id),
            day_tasks as (
              select assignee_id,
                     count(*) filter (where status in ('done', 'missed') and completed_at >= $2 and completed_at < $3)::int as done,
                     count(*) filter (where status = 'scheduled' and due_at >= $4 and due_at < $3)::int as due,
                     count(*) filter (where status = 'scheduled' and due_at < $4)::int as overdue
                from tasks
               where assignee_id in (select id from team) and (status = 'scheduled' or completed_at >= $2)
               group by assignee_id)
       select a.id, a.name, a.email, a.status, a.capacity, coalesce(oc.n, 0) as open_cases, coalesce(dt.done, 0) as tasks_done,
              coalesce(dt.due, 0) as tasks_due, coalesce(dt.overdue, 0) as tasks_overdue
         from staff a join team on team.id = a.id
         left join open_cases oc on oc.advisor_id = a.id
         left join day_tasks dt on dt.assignee_id = a.id
        order by a.name, a.id`,
      [teamId, dayStart, dayEnd, now],
    );
  }

  async totals(teamId: string): Promise<{ unassigned: number; escalated: number }> {
    const [r] = await this.dataSource.query(
      `select count(*) filter (where ${POOL})::int as unassigned, count(*) filter (where ${ESCALATED})::int as escalated
         from cases c where c.team_id = $1 and c.status <> 'resolved'`,
      [teamId],
    );
    return { unassigned: r.unassigned, escalated: r.escalated };
  }

  /** The pool, oldest first. */
  pool(teamId: string, limit: number): Promise<CaseRow[]> {
    return this.dataSource.query(`${CASE_SELECT} where ${POOL} order by c.opened_at, c.id limit $2`, [teamId, limit]);
  }

  /** Escalations, most recently escalated first. */
  escalated(teamId: string, limit: number): Promise<CaseRow[]> {
    return this.dataSource.query(`${CASE_SELECT} where ${ESCALATED} order by c.escalated_at desc nulls last, c.id limit $2`, [teamId, limit]);
  }

  /**
   * Open cohort alerts of the team's courses: those of the school day `day`. A cohort alert is the record of one
   * school day on which a course was above the threshold; a course that falls back below it gets no record that
   * day, so yesterday's alerts are history, not open.
   */
  cohortAlerts(teamId: string, day: string): Promise<CohortAlertRow[]> {
    return this.dataSource.query(
      `select ca.id, ca.rule_key, ca.course_id, co.title as course_title, co.team_id, to_char(ca.day, 'YYYY-MM-DD') as day,
              ca.affected, ca.population, ca.share, ca.threshold, ca.created_at
         from cohort_alerts ca join courses co on co.id = ca.course_id
        where co.team_id = $1 and ca.day = $2::date
        order by ca.share desc, ca.id`,
      [teamId, day],
    );
  }
}
