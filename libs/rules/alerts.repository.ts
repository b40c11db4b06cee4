import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface AlertRow {
  id: string;
  rule_key: string;
  rule_name: string;
  rule_kind: string;
  learner_id: string;
  learner_external_id: string;
  learner_name: string;
  enrollment_id: string;
  enrollment_external_id: string;
  course_id: string;
  course_title: string;
  status: 'open' | 'cleared';
  severity: string;
  evidence: Record<string, unknown>;
  opened_at: Date;
  refreshed_at: Date;
  cleared_at: Date | null;
}

export interface CohortAlertRow {
  id: string;
  rule_key: string;
  course_id: string;
  course_title: string;
  team_id: string | null;
  day: string;
  affected: number;
  population: number;
  share: string;
  threshold: string;
  created_at: Date;
}

/** Who may see an alert: everyone (null), or an advisor, or a supervisor's teams. */
export type AlertVisibility = null | { advisorId: string } | { teamIds: string[] };

export interface AlertListFilter {
  status?: 'open' | 'cleared';
  ruleKey?: string;
  learnerId?: string;
  enrollmentId?: string;
  after?: { openedAt: string; id: string };
  limit: number;
}

const ALERT_SELECT = `
  select a.id, a.rule_key, r.name as rule_name, r.kind as rule_kind, a.learner_id, l.external_id as learner_external_id,
         l.name as learner_name, a.enrollment_id, e.external_id as enrollment_external_id, e.course_id, co.title as course_title,
         a.status, a.severity, a.evidence, a.opened_at, a.refreshed_at, a.cleared_at
  from alerts a
  join rules r on r.key = a.rule_key
  join learners l on l.id = a.learner_id
  join enrollments e on e.id = a.enrollment_id
  join courses co on co.id = e.course_id`;

@Injectable()
export class AlertsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Advisors: learners they own or hold an unresolved case for. Supervisors: that, for anyone in their teams, plus their teams' courses and cases. */
  private visibility(v: AlertVisibility, params: unknown[]): string {
    if (v === null) return 'true';
    if ('advisorId' in v) {
      params.push(v.advisorId);
      const p = `$${params.length}`;
      return `(l.owner_advisor_id = ${p} or exists (select 1 from cases cs where cs.learner_id = a.learner_id and cs.advisor_id = ${p} and cs.status <> 'resolved'))`;
    }
    params.push(v.teamIds);
    const p = `$${params.length}::uuid[]`;
    return `(co.team_id = any(${p})
      or exists (select 1 from staff s where s.id = l.owner_advisor_id and s.team_id = any(${p}))
      or exists (select 1 from cases cs left join staff s on s.id = cs.advisor_id
                 where cs.learner_id = a.learner_id and cs.status <> 'resolved' and (cs.team_id = any(${p}) or s.team_id = any(${p}))))`;
  }

  async list(v: AlertVisibility, f: AlertListFilter): Promise<AlertRow[]> {
    const params: unknown[] = [];
    const where: string[] = [this.visibility(v, params)];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.status) add('a.status = ?', f.status);
    if (f.ruleKey) add('a.rule_key = ?', f.ruleKey);
    if (f.learnerId) add('a.learner_id = ?::uuid', f.learnerId);
    if (f.enrollmentId) add('a.enrollment_id = ?::uuid', f.enrollmentId);
    if (f.after) {
      params.push(f.after.openedAt, f.after.id);
      where.push(`(a.opened_at, a.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(f.limit + 1);
    return this.dataSource.query(`${ALERT_SELECT} where ${where.join(' and ')} order by a.opened_at desc, a.id desc limit $${params.length}`, params);
  }

  async findVisible(v: AlertVisibility, id: string, em?: EntityManager): Promise<AlertRow | null> {
    const params: unknown[] = [id];
    const vis = this.visibility(v, params);
    const rows = await (em ?? this.dataSource.manager).query(`${ALERT_SELECT} where a.id = $1 and ${vis}`, params);
    return rows[0] ?? null;
  }

  /** One verdict per staff member and alert; sending it again (same or changed) updates it in place. */
  async upsertFeedback(em: EntityManager, alertId: string, staffId: string, verdict: string, note: string | null) {
    const rows = await em.query(
      `insert into alert_feedback (alert_id, staff_id, verdict, note) values ($1, $2, $3, $4)
       on conflict (alert_id, staff_id) do update set verdict = excluded.verdict, note = excluded.note, updated_at = now()
         where (alert_feedback.verdict, alert_feedback.note) is distinct from (excluded.verdict, excluded.note)
       returning id`,
      [alertId, staffId, verdict, note],
    );
    const [row] = await em.query(`select alert_id, staff_id, verdict, note, created_at, updated_at from alert_feedback where alert_id = $1 and staff_id = $2`, [
      alertId,
      staffId,
    ]);
    return { row, changed: rows.length > 0 };
  }

  async feedbackCounts(alertIds: string[]): Promise<Map<string, Record<string, number>>> {
    const out = new Map<string, Record<string, number>>();
    if (!alertIds.length) return out;
    const rows: Array<{ alert_id: string; verdict: string; n: number }> = await this.dataSource.query(
      `select alert_id, verdict, count(*)::int as n from alert_feedback where alert_id = any($1::uuid[]) group by 1, 2`,
      [alertIds],
    );
    for (const r of rows) {
      const m = out.get(r.alert_id) ?? { useful: 0, not_useful: 0, incorrect: 0 };
      m[r.verdict] = r.n;
      out.set(r.alert_id, m);
    }
    return out;
  }

  async listCohortAlerts(f: {
    teamIds?: string[];
    courseId?: string;
    ruleKey?: string;
    from?: string;
    to?: string;
    after?: { day: string; id: string };
    limit: number;
  }): Promise<CohortAlertRow[]> {
    const params: unknown[] = [];
    const where: string[] = ['true'];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace(/\?/g, `$${params.length}`));
    };
    if (f.teamIds) add('(co.team_id is null or co.team_id = any(?::uuid[]))', f.teamIds);
    if (f.courseId) add('ca.course_id = ?::uuid', f.courseId);
    if (f.ruleKey) add('ca.rule_key = ?', f.ruleKey);
    if (f.from) add('ca.day >= ?::date', f.from);
    if (f.to) add('ca.day <= ?::date', f.to);
    if (f.after) {
      params.push(f.after.day, f.after.id);
      where.push(`(ca.day, ca.id) < ($${params.length - 1}::date, $${params.length}::uuid)`);
    }
    params.push(f.limit + 1);
    return this.dataSource.query(
      `select ca.id, ca.rule_key, ca.course_id, co.title as course_title, co.team_id, to_char(ca.day, 'YYYY-MM-DD') as day,
              ca.affected, ca.population, ca.share, ca.threshold, ca.created_at
       from cohort_alerts ca join courses co on co.id = ca.course_id
       where ${where.join(' and ')} order by ca.day desc, ca.id desc limit $${params.length}`,
      params,
    );
  }
}
