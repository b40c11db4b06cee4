import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { seesAllTeams, type Actor } from '../access/actor.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../common/pagination.js';
import { AlertsRepository, type AlertRow, type AlertVisibility, type CohortAlertRow } from './alerts.repository.js';
import { describeEvidence } from './evidence-summary.js';

export const FEEDBACK_VERDICTS = ['useful', 'not_useful', 'incorrect'] as const;
export type FeedbackVerdict = (typeof FEEDBACK_VERDICTS)[number];

export function toAlertView(r: AlertRow, feedback?: Record<string, number>) {
  return {
    id: r.id,
    ruleKey: r.rule_key,
    ruleName: r.rule_name,
    severity: r.severity,
    learnerId: r.learner_id,
    learnerExternalId: r.learner_external_id,
    learnerName: r.learner_name,
    enrollmentId: r.enrollment_id,
    enrollmentExternalId: r.enrollment_external_id,
    courseId: r.course_id,
    courseTitle: r.course_title,
    status: r.status,
    summary: describeEvidence(r.rule_kind, r.evidence),
    evidence: r.evidence,
    openedAt: r.opened_at.toISOString(),
    refreshedAt: r.refreshed_at.toISOString(),
    clearedAt: r.cleared_at?.toISOString() ?? null,
    feedback: feedback ?? { useful: 0, not_useful: 0, incorrect: 0 },
  };
}
export type AlertView = ReturnType<typeof toAlertView>;

export function toCohortAlertView(r: CohortAlertRow) {
  return {
    id: r.id,
    ruleKey: r.rule_key,
    courseId: r.course_id,
    courseTitle: r.course_title,
    teamId: r.team_id,
    day: r.day,
    affected: r.affected,
    population: r.population,
    share: Number(r.share),
    threshold: Number(r.threshold),
    createdAt: r.created_at.toISOString(),
  };
}
export type CohortAlertView = ReturnType<typeof toCohortAlertView>;

/** Reading alerts (with the visibility of learners) and recording staff feedback on them. */
@Injectable()
export class AlertsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: AlertsRepository,
  ) {}

  private visibility(actor: Actor): AlertVisibility {
    if (seesAllTeams(actor)) return null;
    if (actor.kind !== 'staff') return null;
    return actor.role === 'advisor' ? { advisorId: actor.id } : { teamIds: actor.teamIds };
  }

  async list(
    actor: Actor,
    f: { status?: 'open' | 'cleared'; ruleKey?: string; learnerId?: string; enrollmentId?: string; limit?: number; cursor?: string },
  ): Promise<Page<AlertView>> {
    const limit = pageLimit(f.limit);
    const after = decodeCursor(f.cursor, 2);
    const rows = await this.repo.list(this.visibility(actor), {
      status: f.status,
      ruleKey: f.ruleKey,
      learnerId: f.learnerId,
      enrollmentId: f.enrollmentId,
      after: after ? { openedAt: String(after[0]), id: String(after[1]) } : undefined,
      limit,
    });
    const feedback = await this.repo.feedbackCounts(rows.slice(0, limit).map((r) => r.id));
    return toPage(
      rows,
      limit,
      (r) => [r.opened_at.toISOString(), r.id],
      (r) => toAlertView(r, feedback.get(r.id)),
    );
  }

  async get(actor: Actor, id: string): Promise<AlertView> {
    const row = await this.repo.findVisible(this.visibility(actor), id);
    if (!row) throw DomainError.notFound('alert', id);
    const feedback = await this.repo.feedbackCounts([id]);
    return toAlertView(row, feedback.get(id));
  }

  async feedback(actor: Actor, id: string, input: { verdict: FeedbackVerdict; note?: string }) {
    if (actor.kind !== 'staff') throw DomainError.forbidden('Feedback comes from staff');
    if (!(FEEDBACK_VERDICTS as readonly string[]).includes(input.verdict)) throw DomainError.field('verdict', `must be one of ${FEEDBACK_VERDICTS.join(', ')}`);
    return this.dataSource.transaction(async (em) => {
      const alert = await this.repo.findVisible(this.visibility(actor), id, em);
      if (!alert) throw DomainError.notFound('alert', id);
      const { row } = await this.repo.upsertFeedback(em, id, actor.id, input.verdict, input.note ?? null);
      return {
        alertId: row.alert_id,
        ruleKey: alert.rule_key,
        staffId: row.staff_id,
        verdict: row.verdict,
        note: row.note,
        createdAt: new Date(row.created_at).toISOString(),
        updatedAt: new Date(row.updated_at).toISOString(),
      };
    });
  }

  async listCohortAlerts(
    actor: Actor,
    f: { courseId?: string; ruleKey?: string; from?: string; to?: string; limit?: number; cursor?: string },
  ): Promise<Page<CohortAlertView>> {
    if (actor.kind === 'staff' && actor.role === 'advisor') throw DomainError.forbidden('Cohort alerts are for supervisors and admins');
    if (f.from && f.to && f.from > f.to) throw DomainError.field('to', 'must not be before from');
    const limit = pageLimit(f.limit);
    const after = decodeCursor(f.cursor, 2);
    const rows = await this.repo.listCohortAlerts({
      teamIds: seesAllTeams(actor) || actor.kind !== 'staff' ? undefined : actor.teamIds,
      courseId: f.courseId,
      ruleKey: f.ruleKey,
      from: f.from,
      to: f.to,
      after: after ? { day: String(after[0]), id: String(after[1]) } : undefined,
      limit,
    });
    return toPage(rows, limit, (r) => [r.day, r.id], toCohortAlertView);
  }
}
