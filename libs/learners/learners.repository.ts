import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { stageSql, type LifecycleStage } from './lifecycle.js';
import { TICKET_TIMELINE_SQL } from '../tickets/ticket-timeline.sql.js';
import { ticketVisibilitySql } from '../tickets/ticket-visibility.sql.js';
import { learnerVisibilitySql } from './learner-visibility.sql.js';
import { riskOfLearnerSql, type toRiskScore } from '../risk/risk-features.js';

export type Risk = 'low' | 'medium' | 'high';

export interface LearnerListFilter {
  q?: string;
  advisorId?: string;
  stage?: LifecycleStage;
  risk?: Risk;
  after?: { name: string; id: string };
  limit: number;
  now: Date;
  churnInactiveDays: number;
}

export interface LearnerRow {
  id: string;
  external_id: string;
  name: string;
  phone: string | null;
  email: string | null;
  timezone: string | null;
  owner_advisor_id: string | null;
  owner_name: string | null;
  holdout: boolean;
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
  stage: LifecycleStage | null;
  risk: Risk;
  risk_score: Parameters<typeof toRiskScore>[0];
}

export interface EnrollmentRow {
  id: string;
  external_id: string;
  course_id: string;
  course_external_id: string;
  course_title: string;
  total_lessons: number;
  duration_days: number;
  status: 'active' | 'paused' | 'completed' | 'cancelled' | 'expired';
  enrolled_at: Date;
  expires_at: Date | null;
  holdout: boolean;
  completed_lessons: number;
  last_login_at: Date | null;
}

export interface AlertRow {
  id: string;
  rule_key: string;
  enrollment_id: string;
  severity: string;
  evidence: unknown;
  opened_at: Date;
}

export interface TimelineRow {
  kind: 'event' | 'alert' | 'task';
  id: string;
  at: Date;
  type: string;
  enrollment_id: string | null;
  course_id: string | null;
  detail: Record<string, unknown> | null;
  /** `at` as exact text (microseconds), for the cursor. */
  at_key: string;
}

/** The learner's "primary" enrolment: running ones first, then the most recent. */
const PRIMARY_ENROLLMENT_ORDER = `(e.status in ('active','paused')) desc, e.enrolled_at desc, e.id`;

/**
 * Read side of learner data. Visibility (docs/design.md §5 roles) is an SQL predicate over alias `l`, so lists,
 * detail and timeline apply the same rule: advisors see learners they own or hold an unresolved case for;
 * supervisors learners owned by / with cases at their teams' advisors, cases of their teams, or enrolled in
 * courses of their teams; admins, the system and `read` keys see all.
 */
@Injectable()
export class LearnersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private visibility(actor: Actor, params: unknown[]): string {
    return learnerVisibilitySql(actor, params, 'l');
  }

  private summarySelect(params: unknown[], now: Date, churnInactiveDays: number): string {
    params.push(now, churnInactiveDays);
    const nowP = `$${params.length - 1}::timestamptz`;
    const daysP = `$${params.length}::int`;
    return `
      select l.id, l.external_id, l.name, l.phone, l.email, l.timezone, l.owner_advisor_id, o.name as owner_name, l.holdout,
             l.last_login_at, l.created_at, l.updated_at, st.stage, coalesce(rk.risk, 'low') as risk, ${riskOfLearnerSql('l.id')} as risk_score
      from learners l
      left join staff o on o.id = l.owner_advisor_id
      left join lateral (
        select ${stageSql('e', nowP, daysP)} as stage from enrollments e where e.learner_id = l.id order by ${PRIMARY_ENROLLMENT_ORDER} limit 1
      ) st on true
      left join lateral (
        select case max(case a.severity when 'high' then 3 when 'medium' then 2 else 1 end) when 3 then 'high' when 2 then 'medium' when 1 then 'low' end as risk
        from alerts a where a.learner_id = l.id and a.status = 'open'
      ) rk on true`;
  }

  list(actor: Actor, f: LearnerListFilter): Promise<LearnerRow[]> {
    const params: unknown[] = [];
    const select = this.summarySelect(params, f.now, f.churnInactiveDays);
    const where = [this.visibility(actor, params)];
    if (f.q) {
      params.push(`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      const p = `$${params.length}`;
      // Phones match on their digits (three or more: fewer match nearly every number), through the trigram index
      // of the same expression (migration LearnerSearchIndexes); names and emails through theirs.
      const digits = f.q.replace(/[^0-9]/g, '');
      let phone = '';
      if (digits.length >= 3) {
        params.push(`%${digits}%`);
        phone = ` or regexp_replace(coalesce(l.phone, ''), '[^0-9]', '', 'g') like $${params.length}`;
      }
      params.push(f.q);
      where.push(`(l.name ilike ${p} or l.external_id = $${params.length} or l.email ilike ${p}${phone})`);
    }
    if (f.advisorId) {
      params.push(f.advisorId);
      where.push(`l.owner_advisor_id = $${params.length}`);
    }
    if (f.after) {
      params.push(f.after.name, f.after.id);
      where.push(`(l.name, l.id) > ($${params.length - 1}, $${params.length}::uuid)`);
    }
    const outer: string[] = [];
    if (f.stage) {
      params.push(f.stage);
      outer.push(`x.stage = $${params.length}`);
    }
    if (f.risk) {
      params.push(f.risk);
      outer.push(`x.risk = $${params.length}`);
    }
    params.push(f.limit + 1);
    // Stage and risk are computed per row; filtering on them happens after the lateral joins.
    return this.dataSource.query(
      `select * from (${select} where ${where.join(' and ')} order by l.name, l.id) x
       ${outer.length ? `where ${outer.join(' and ')}` : ''}
       order by x.name, x.id limit $${params.length}`,
      params,
    );
  }

  async findVisible(actor: Actor, id: string, now: Date, churnInactiveDays: number): Promise<LearnerRow | null> {
    const params: unknown[] = [];
    const select = this.summarySelect(params, now, churnInactiveDays);
    const vis = this.visibility(actor, params);
    params.push(id);
    const rows: LearnerRow[] = await this.dataSource.query(`${select} where l.id = $${params.length} and ${vis}`, params);
    return rows[0] ?? null;
  }

  async isVisible(actor: Actor, id: string): Promise<boolean> {
    const params: unknown[] = [];
    const vis = this.visibility(actor, params);
    params.push(id);
    const rows = await this.dataSource.query(`select 1 from learners l where l.id = $${params.length} and ${vis}`, params);
    return rows.length > 0;
  }

  enrollments(learnerId: string): Promise<EnrollmentRow[]> {
    return this.dataSource.query(
      `select e.id, e.external_id, e.course_id, c.external_id as course_external_id, c.title as course_title, c.total_lessons, c.duration_days,
              e.status, e.enrolled_at, e.expires_at, e.holdout, e.completed_lessons, e.last_login_at
       from enrollments e join courses c on c.id = e.course_id
       where e.learner_id = $1 order by ${PRIMARY_ENROLLMENT_ORDER}`,
      [learnerId],
    );
  }

  openAlerts(learnerId: string): Promise<AlertRow[]> {
    return this.dataSource.query(
      `select id, rule_key, enrollment_id, severity, evidence, opened_at from alerts where learner_id = $1 and status = 'open' order by opened_at desc`,
      [learnerId],
    );
  }

  /** Study minutes per school-tz week (weeks start on Monday) since `fromDay`, summed over the learner's enrolments. */
  async weeklyStudyMinutes(learnerId: string, fromDay: string): Promise<Map<string, number>> {
    const rows: Array<{ week: string; minutes: number }> = await this.dataSource.query(
      `select to_char(date_trunc('week', d.day), 'YYYY-MM-DD') as week, sum(d.study_minutes)::int as minutes
       from enrollment_daily d join enrollments e on e.id = d.enrollment_id
       where e.learner_id = $1 and d.day >= $2::date
       group by 1`,
      [learnerId, fromDay],
    );
    return new Map(rows.map((r) => [r.week, r.minutes]));
  }

  /**
   * The learner's timeline, newest first: a UNION ALL over sources, each tagged with a `kind` and keyset-paged
   * on (at, kind, id): activity events, alerts, tasks with their outcomes, tickets with their SLA outcome.
   */
  timeline(actor: Actor, learnerId: string, limit: number, before?: { at: string; kind: string; id: string }): Promise<TimelineRow[]> {
    const params: unknown[] = [learnerId, limit + 1];
    let cut = 'true';
    if (before) {
      params.push(before.at, before.kind, before.id);
      cut = `(at, kind, id) < ($3::timestamptz, $4::text, $5::text)`;
    }
    // Seeing the learner is not seeing all their tickets: the ticket branch keeps the caller's ticket visibility.
    const ticketsVisible = ticketVisibilitySql(actor, params, 't');
    const branch = (sql: string) => `(select * from (${sql}) s where ${cut} order by at desc, kind desc, id desc limit $2)`;
    return this.dataSource.query(
      `select u.*, u.at::text as at_key from (
         ${branch(`select 'event'::text as kind, ev.event_id as id, ev.occurred_at as at, ev.type, ev.enrollment_id, ev.course_id, ev.data as detail
                   from activity_events ev where ev.learner_id = $1`)}
         union all
         ${branch(`select 'alert'::text as kind, a.id::text as id, a.opened_at as at, a.rule_key as type, a.enrollment_id, null::uuid as course_id,
                          jsonb_build_object('status', a.status, 'severity', a.severity, 'evidence', a.evidence, 'clearedAt', a.cleared_at) as detail
                   from alerts a where a.learner_id = $1`)}
         union all
         ${branch(`select 'task'::text as kind, t.id::text as id, t.due_at as at, t.kind as type, t.enrollment_id, null::uuid as course_id,
                          jsonb_build_object('status', t.status, 'assigneeId', t.assignee_id, 'caseId', t.case_id, 'dayIndex', t.day_index,
                                             'result', t.result, 'completedAt', t.completed_at, 'note', t.note) as detail
                   from tasks t where t.learner_id = $1`)}
         union all
         ${branch(`${TICKET_TIMELINE_SQL} and ${ticketsVisible}`)}
       ) u order by at desc, kind desc, id desc limit $2`,
      params,
    );
  }
}
