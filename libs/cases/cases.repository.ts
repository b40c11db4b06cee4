import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { stageSql, type LifecycleStage } from '../learners/lifecycle.js';
import type { SqlRow } from '../database/sql-row.js';
import type { CaseDraft } from './case-intake.plan.js';
import { riskOfLearnerSql, type toRiskScore } from '../risk/risk-features.js';

export interface CaseRow {
  id: string;
  learner_id: string;
  learner_external_id: string;
  learner_name: string;
  owner_advisor_id: string | null;
  team_id: string | null;
  advisor_id: string | null;
  advisor_team_id: string | null;
  course_id: string | null;
  category: string | null;
  status: 'open' | 'in_progress' | 'resolved';
  priority: string;
  priority_score: number;
  queue: 'advisor' | 'escalation';
  due_at: Date | null;
  first_contact_at: Date | null;
  escalated_at: Date | null;
  escalated_to: string | null;
  all_alerts_cleared_at: Date | null;
  outcome: string | null;
  churn_reason: string | null;
  resolution_note: string | null;
  opened_at: Date;
  assigned_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  assignment_reason: string | null;
  open_alerts: number;
  rule_keys: string[] | null;
  risk_score: Parameters<typeof toRiskScore>[0];
}

/** Who may see which cases, as SQL over `c` (case) and `adv` (its advisor). */
export type CaseScope = { kind: 'all' } | { kind: 'teams'; teamIds: string[] } | { kind: 'own'; staffId: string };

export interface CaseListFilter {
  scope: CaseScope;
  status?: string;
  advisorId?: string;
  teamId?: string;
  unassigned?: boolean;
  priority?: string;
  learnerId?: string;
  queue?: string;
  escalated?: boolean;
  /** not resolved (open or in progress) */
  open?: boolean;
  /** has an alert of this rule */
  ruleKey?: string;
  /** the lifecycle stage of the case's enrolment (the learner's course of the case), as of `now` */
  stage?: LifecycleStage;
  /** first contact still to make: overdue (due before now), today (due by the end of `endOfToday`) */
  due?: 'overdue' | 'today';
  now?: Date;
  endOfToday?: Date;
  churnInactiveDays?: number;
  /** priority (default): priority score, then first due; risk: learned risk, highest first (unscored last) */
  sort?: 'priority' | 'risk';
  after?: { score: number; due: string; id: string };
  limit: number;
}

/** The columns of a case view (`toCaseView`), over `c` (case), `l` (learner), `adv` (its advisor) and `co` (course). */
export const CASE_SELECT = `
  select c.id, c.learner_id, l.external_id as learner_external_id, l.name as learner_name, l.owner_advisor_id, c.team_id, c.advisor_id,
         adv.team_id as advisor_team_id, c.course_id, co.category, c.status, c.priority, c.priority_score, c.queue, c.due_at,
         c.first_contact_at, c.escalated_at, c.escalated_to, c.all_alerts_cleared_at, c.outcome, c.churn_reason, c.resolution_note,
         c.opened_at, c.assigned_at, c.resolved_at, c.resolved_by, c.assignment_reason,
         (select count(*)::int from case_alerts ca join alerts a on a.id = ca.alert_id where ca.case_id = c.id and a.status = 'open') as open_alerts,
         (select array_agg(distinct a.rule_key) from case_alerts ca join alerts a on a.id = ca.alert_id where ca.case_id = c.id) as rule_keys,
         ${riskOfLearnerSql('c.learner_id', 'c.course_id')} as risk_score
    from cases c
    join learners l on l.id = c.learner_id
    left join staff adv on adv.id = c.advisor_id
    left join courses co on co.id = c.course_id`;

@Injectable()
export class CasesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(f: CaseListFilter): Promise<CaseRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    this.scopeSql(f.scope, p, where);
    if (f.status) where.push(`c.status = ${p(f.status)}`);
    if (f.advisorId) where.push(`c.advisor_id = ${p(f.advisorId)}`);
    if (f.teamId) where.push(`c.team_id = ${p(f.teamId)}`);
    if (f.unassigned === true) where.push(`c.advisor_id is null`);
    if (f.unassigned === false) where.push(`c.advisor_id is not null`);
    if (f.priority) where.push(`c.priority = ${p(f.priority)}`);
    if (f.learnerId) where.push(`c.learner_id = ${p(f.learnerId)}`);
    if (f.queue) where.push(`c.queue = ${p(f.queue)}`);
    if (f.escalated === true) where.push(`c.escalated_at is not null`);
    if (f.escalated === false) where.push(`c.escalated_at is null`);
    if (f.open) where.push(`c.status <> 'resolved'`);
    if (f.ruleKey)
      where.push(`exists (select 1 from case_alerts ca join alerts a on a.id = ca.alert_id where ca.case_id = c.id and a.rule_key = ${p(f.ruleKey)})`);
    if (f.stage) {
      const [now, days] = [p(f.now ?? new Date()), p(f.churnInactiveDays ?? 30)];
      where.push(`exists (select 1 from enrollments e where e.learner_id = c.learner_id and (c.course_id is null or e.course_id = c.course_id)
                            and ${stageSql('e', `${now}::timestamptz`, `${days}::int`)} = ${p(f.stage)})`);
    }
    if (f.due === 'overdue') where.push(`c.first_contact_at is null and c.due_at < ${p(f.now ?? new Date())}`);
    if (f.due === 'today') where.push(`c.first_contact_at is null and c.due_at >= ${p(f.now ?? new Date())} and c.due_at < ${p(f.endOfToday ?? new Date())}`);
    if (f.sort === 'risk') {
      // Learned risk first; the cursor is (risk, id) with -1 for an unscored case.
      const outer: string[] = [];
      if (f.after) {
        const [r, i] = [p(f.after.score), p(f.after.id)];
        outer.push(`(x.risk < ${r} or (x.risk = ${r} and x.id > ${i}::uuid))`);
      }
      return this.dataSource.query(
        `select * from (select k.*, coalesce((k.risk_score->>'score')::float8, -1) as risk from (${CASE_SELECT} ${where.length ? `where ${where.join(' and ')}` : ''}) k) x
         ${outer.length ? `where ${outer.join(' and ')}` : ''}
         order by x.risk desc, x.id asc limit ${p(f.limit + 1)}`,
        params,
      );
    }
    if (f.after) {
      const [s, d, i] = [p(f.after.score), p(f.after.due), p(f.after.id)];
      where.push(`(c.priority_score < ${s} or (c.priority_score = ${s} and (coalesce(c.due_at, 'infinity') > ${d}::timestamptz
                   or (coalesce(c.due_at, 'infinity') = ${d}::timestamptz and c.id > ${i}::uuid))))`);
    }
    return this.dataSource.query(
      `${CASE_SELECT} ${where.length ? `where ${where.join(' and ')}` : ''}
       order by c.priority_score desc, coalesce(c.due_at, 'infinity') asc, c.id asc limit ${p(f.limit + 1)}`,
      params,
    );
  }

  async findById(id: string, em?: EntityManager, lock = false): Promise<CaseRow | null> {
    const rows: CaseRow[] = await (em ?? this.dataSource.manager).query(`${CASE_SELECT} where c.id = $1 ${lock ? 'for update of c' : ''}`, [id]);
    return rows[0] ?? null;
  }

  /** Locks the cases (id order) and returns them; ids that do not exist are simply missing. */
  lockMany(em: EntityManager, ids: string[]): Promise<CaseRow[]> {
    return em.query(`${CASE_SELECT} where c.id = any($1::uuid[]) order by c.id for update of c`, [ids]);
  }

  lockOpenOfAdvisor(em: EntityManager, advisorId: string): Promise<CaseRow[]> {
    return em.query(`${CASE_SELECT} where c.advisor_id = $1 and c.status <> 'resolved' and c.queue = 'advisor' order by c.id for update of c`, [advisorId]);
  }

  alertsOf(caseId: string): Promise<Array<SqlRow>> {
    return this.dataSource.query(
      `select a.id, a.rule_key, a.learner_id, l.external_id as learner_external_id, a.enrollment_id, a.status, a.severity, a.evidence,
              a.opened_at, a.cleared_at, ca.attached_at
         from case_alerts ca join alerts a on a.id = ca.alert_id join learners l on l.id = a.learner_id
        where ca.case_id = $1 order by ca.attached_at, a.id`,
      [caseId],
    );
  }

  tasksOf(caseId: string): Promise<Array<SqlRow>> {
    return this.dataSource.query(
      `select id, kind, day_index, assignee_id, learner_id, case_id, due_at, status, result, completed_at from tasks where case_id = $1 order by due_at, id`,
      [caseId],
    );
  }

  historyOf(caseId: string): Promise<Array<SqlRow>> {
    return this.dataSource.query(
      `select id, at, actor_type, actor_id, action, before, after, reason from audit_log where entity = 'case' and entity_id = $1 order by id`,
      [caseId],
    );
  }

  findStaff(id: string, em?: EntityManager): Promise<Array<{ id: string; role: string; status: string; team_id: string | null; capacity: number }>> {
    return (em ?? this.dataSource.manager).query(`select id, role, status, team_id, capacity from staff where id = $1`, [id]);
  }

  private scopeSql(scope: CaseScope, p: (v: unknown) => string, where: string[]): void {
    if (scope.kind === 'own') where.push(`c.advisor_id = ${p(scope.staffId)}`);
    if (scope.kind === 'teams') {
      const t = p(scope.teamIds);
      where.push(`(c.team_id = any(${t}::uuid[]) or adv.team_id = any(${t}::uuid[]))`);
    }
  }

  /** Cases intake opens (libs/cases/case-intake.plan.ts drafts), in one statement. */
  async insertIntakeCases(em: EntityManager, created: CaseDraft[], now: Date): Promise<void> {
    if (!created.length) return;
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

  /** Open cases an intake batch attached alerts to: priority, due time, queue and escalation, in one statement. */
  async updateIntakeCases(em: EntityManager, updated: CaseDraft[], now: Date): Promise<void> {
    if (!updated.length) return;
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

  /** Links alerts to their cases (a link already there is kept). */
  async attachAlerts(em: EntityManager, links: Array<readonly [caseId: string, alertId: string]>, now: Date): Promise<void> {
    await em.query(
      `insert into case_alerts (case_id, alert_id, attached_at) select t.c, t.a, $3 from unnest($1::uuid[], $2::uuid[]) as t(c, a)
       on conflict do nothing`,
      [links.map((l) => l[0]), links.map((l) => l[1]), now],
    );
  }

  async resolve(
    em: EntityManager,
    id: string,
    r: { outcome: string; churnReason: string | null; note: string | null; by: string | null },
    now: Date,
  ): Promise<void> {
    await em.query(
      `update cases set status = 'resolved', outcome = $2, churn_reason = $3, resolution_note = $4, resolved_at = $5, resolved_by = $6, updated_at = $5 where id = $1`,
      [id, r.outcome, r.churnReason, r.note, now, r.by],
    );
  }

  async setDueAt(em: EntityManager, id: string, dueAt: Date, now: Date): Promise<void> {
    await em.query(`update cases set due_at = $2, updated_at = $3 where id = $1`, [id, dueAt, now]);
  }

  /** The open case an alert is attached to, locked. */
  async lockOpenCaseOfAlert(
    em: EntityManager,
    alertId: string,
  ): Promise<{ id: string; first_contact_at: Date | null; all_alerts_cleared_at: Date | null; advisor_id: string | null; team_id: string | null } | undefined> {
    const [row] = await em.query(
      `select c.id, c.first_contact_at, c.all_alerts_cleared_at, c.advisor_id, c.team_id from case_alerts ca join cases c on c.id = ca.case_id
        where ca.alert_id = $1 and c.status <> 'resolved' for update of c`,
      [alertId],
    );
    return row;
  }

  async openAlertCount(em: EntityManager, caseId: string): Promise<number> {
    const [{ open }] = await em.query(
      `select count(*)::int as open from case_alerts ca join alerts a on a.id = ca.alert_id where ca.case_id = $1 and a.status = 'open'`,
      [caseId],
    );
    return open;
  }

  async markAlertsCleared(em: EntityManager, caseId: string, now: Date): Promise<void> {
    await em.query(`update cases set all_alerts_cleared_at = $2, updated_at = $2 where id = $1`, [caseId, now]);
  }

  /** Cases handed to new advisors (null: back to the team's pool) and teams, with the reason, in one statement. */
  async moveTo(em: EntityManager, moves: Array<{ id: string; advisorId: string | null; teamId: string | null; reason: string }>, now: Date): Promise<void> {
    await em.query(
      `update cases c set advisor_id = t.advisor, team_id = t.team, assigned_at = case when t.advisor is null then null else $5::timestamptz end,
              assignment_reason = t.reason, updated_at = $5
         from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) as t(id, advisor, team, reason) where c.id = t.id`,
      [moves.map((m) => m.id), moves.map((m) => m.advisorId), moves.map((m) => m.teamId), moves.map((m) => m.reason), now],
    );
  }

  /** The team of each of these people (a case handed to someone goes to their team). */
  async teamsOf(em: EntityManager, staffIds: string[]): Promise<Map<string, string | null>> {
    if (!staffIds.length) return new Map();
    const rows: Array<{ id: string; team_id: string | null }> = await em.query(`select id, team_id from staff where id = any($1::uuid[])`, [staffIds]);
    return new Map(rows.map((t) => [t.id, t.team_id]));
  }

  /** Teams with cases waiting in their pool (no advisor yet, advisor queue). */
  async teamsWithPooledCases(): Promise<string[]> {
    const rows: Array<{ team_id: string }> = await this.dataSource.query(
      `select distinct team_id from cases where advisor_id is null and status <> 'resolved' and queue = 'advisor' and team_id is not null`,
    );
    return rows.map((r) => r.team_id);
  }

  /** A team's oldest pooled cases, claimed with SKIP LOCKED (a concurrent backfill takes others, nobody waits). */
  claimPooled(
    em: EntityManager,
    teamId: string,
    limit: number,
  ): Promise<Array<{ id: string; learner_id: string; team_id: string; owner_advisor_id: string | null; category: string | null }>> {
    return em.query(
      `select c.id, c.learner_id, c.team_id, l.owner_advisor_id, co.category
         from cases c join learners l on l.id = c.learner_id left join courses co on co.id = c.course_id
        where c.team_id = $1 and c.advisor_id is null and c.status <> 'resolved' and c.queue = 'advisor'
        order by c.opened_at, c.id
        limit $2
        for update of c skip locked`,
      [teamId, limit],
    );
  }

  /** Pooled cases handed to advisors, with the reason, in one statement. */
  async assignFromPool(em: EntityManager, picks: Array<{ id: string; advisorId: string; reason: string }>, now: Date): Promise<void> {
    await em.query(
      `update cases c set advisor_id = t.advisor, assigned_at = $4, assignment_reason = t.reason, updated_at = $4
         from unnest($1::uuid[], $2::uuid[], $3::text[]) as t(id, advisor, reason) where c.id = t.id`,
      [picks.map((p) => p.id), picks.map((p) => p.advisorId), picks.map((p) => p.reason), now],
    );
  }
}
