import { randomUUID } from 'node:crypto';
import { OutboxService } from '../libs/outbox/outbox.service.js';
import type { TestApp } from '../libs/testing/index.js';

const ALL_WEEK = {
  mon: [['00:00', '24:00']],
  tue: [['00:00', '24:00']],
  wed: [['00:00', '24:00']],
  thu: [['00:00', '24:00']],
  fri: [['00:00', '24:00']],
  sat: [['00:00', '24:00']],
  sun: [['00:00', '24:00']],
} as const;
/** Working hours covering every minute, so due times in tests are plain clock hours. */
export const AROUND_THE_CLOCK = ALL_WEEK as unknown as Record<string, Array<[string, string]>>;

/** Learner data, rules and alerts for case tests, written the way the sync and rules contexts write them. */
export class CaseSeed {
  constructor(private readonly app: TestApp) {}

  private q<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.app.db.query(sql, params);
  }

  async rule(opts: { kind?: string; severity?: string; taskKind?: string; dueWithinHours?: number } = {}): Promise<string> {
    const key = `t_${randomUUID().slice(0, 8)}`;
    await this.q(`insert into rules (key, name, kind, params, severity, action) values ($1, $1, $2, '{}', $3, $4)`, [
      key,
      opts.kind ?? 'inactive_days',
      opts.severity ?? 'medium',
      JSON.stringify({ taskKind: opts.taskKind ?? 'care_call', dueWithinHours: opts.dueWithinHours ?? 24 }),
    ]);
    return key;
  }

  async course(teamId: string | null, category: string | null = null): Promise<string> {
    const [row] = await this.q(
      `insert into courses (external_id, title, total_lessons, duration_days, category, team_id) values ($1, 'Course', 20, 90, $2, $3) returning id`,
      [`c-${randomUUID()}`, category, teamId],
    );
    return row.id;
  }

  /** A learner with one enrolment in `courseId` (mid-course unless `enrolledDaysAgo` says otherwise). */
  async learner(
    courseId: string,
    opts: { ownerId?: string | null; holdout?: boolean; enrolledDaysAgo?: number } = {},
  ): Promise<{ learnerId: string; enrollmentId: string }> {
    const [l] = await this.q(`insert into learners (external_id, name, owner_advisor_id, holdout) values ($1, 'Learner', $2, $3) returning id`, [
      `l-${randomUUID()}`,
      opts.ownerId ?? null,
      opts.holdout ?? false,
    ]);
    const [e] = await this.q(
      `insert into enrollments (external_id, learner_id, course_id, enrolled_at, expires_at, status) values ($1, $2, $3, now() - make_interval(days => $4), now() + interval '200 days', 'active') returning id`,
      [`e-${randomUUID()}`, l.id, courseId, opts.enrolledDaysAgo ?? 40],
    );
    return { learnerId: l.id, enrollmentId: e.id };
  }

  /** Opens an alert and publishes alert.opened in the same transaction, as the rules engine does. */
  async alert(ruleKey: string, who: { learnerId: string; enrollmentId: string }, severity = 'medium'): Promise<string> {
    const outbox = this.app.get(OutboxService);
    return this.app.db.transaction(async (em) => {
      const [a] = await em.query(
        `insert into alerts (rule_key, learner_id, enrollment_id, status, severity, evidence, opened_at, refreshed_at)
         values ($1, $2, $3, 'open', $4, '{"daysInactive": 9}', now(), now()) returning id, opened_at`,
        [ruleKey, who.learnerId, who.enrollmentId, severity],
      );
      await outbox.publish(em, [
        {
          aggregateType: 'alert',
          aggregateId: a.id,
          eventType: 'alert.opened',
          payload: {
            alertId: a.id,
            ruleKey,
            learnerId: who.learnerId,
            enrollmentId: who.enrollmentId,
            severity,
            evidence: { daysInactive: 9 },
            openedAt: new Date(a.opened_at).toISOString(),
          },
        },
      ]);
      return a.id as string;
    });
  }

  async clear(alertId: string): Promise<void> {
    const outbox = this.app.get(OutboxService);
    await this.app.db.transaction(async (em) => {
      const [a] = await em.query(`update alerts set status = 'cleared', cleared_at = now() where id = $1 returning rule_key, learner_id, enrollment_id`, [
        alertId,
      ]);
      const row = a[0];
      await outbox.publish(em, [
        {
          aggregateType: 'alert',
          aggregateId: alertId,
          eventType: 'alert.cleared',
          payload: { alertId, ruleKey: row.rule_key, learnerId: row.learner_id, enrollmentId: row.enrollment_id, clearedAt: new Date().toISOString() },
        },
      ]);
    });
  }

  async caseOf(learnerId: string): Promise<any | undefined> {
    const [c] = await this.q(`select * from cases where learner_id = $1 and status <> 'resolved'`, [learnerId]);
    return c;
  }

  async intakeDone(alertId: string): Promise<boolean> {
    const [a] = await this.q(`select not exists (select 1 from case_intake_queue where alert_id = $1) as done`, [alertId]);
    return a.done;
  }
}
