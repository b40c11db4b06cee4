import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import type { Actor } from '../access/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { lifecycleStage, progress, type LifecycleStage } from './lifecycle.js';
import { LearnersRepository, type LearnerRow, type Risk, type TimelineRow } from './learners.repository.js';
import { TicketReadsService } from '../tickets/ticket-reads.service.js';
import { toRiskScore } from '../risk/risk-features.js';

export const STUDY_WEEKS = 8;

function toSummary(r: LearnerRow) {
  return {
    id: r.id,
    externalId: r.external_id,
    name: r.name,
    phone: r.phone,
    email: r.email,
    timezone: r.timezone,
    ownerAdvisorId: r.owner_advisor_id,
    owner: r.owner_advisor_id ? { id: r.owner_advisor_id, name: r.owner_name } : null,
    holdout: r.holdout,
    stage: r.stage,
    risk: r.risk,
    riskScore: toRiskScore(r.risk_score),
    lastLoginAt: r.last_login_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
export type LearnerSummary = ReturnType<typeof toSummary>;

function toTimelineItem(r: TimelineRow) {
  return {
    kind: r.kind,
    id: r.id,
    at: new Date(r.at).toISOString(),
    type: r.type,
    enrollmentId: r.enrollment_id,
    courseId: r.course_id,
    detail: r.detail,
  };
}

/** Staff views of learners: list with search and filters, detail with progress and stage, timeline. */
@Injectable()
export class LearnersService {
  constructor(
    private readonly repo: LearnersRepository,
    private readonly clock: Clock,
    private readonly tickets: TicketReadsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(
    actor: Actor,
    f: { q?: string; advisorId?: string; stage?: LifecycleStage; risk?: Risk; limit?: number; cursor?: string },
  ): Promise<Page<LearnerSummary>> {
    const limit = pageLimit(f.limit);
    const after = decodeCursor(f.cursor, 2);
    const rows = await this.repo.list(actor, {
      q: f.q?.trim() || undefined,
      advisorId: f.advisorId,
      stage: f.stage,
      risk: f.risk,
      after: after ? { name: String(after[0]), id: String(after[1]) } : undefined,
      limit,
      now: this.clock.now(),
      churnInactiveDays: this.config.churnInactiveDays,
    });
    return toPage(rows, limit, (r) => [r.name, r.id], toSummary);
  }

  async get(actor: Actor, id: string) {
    const now = this.clock.now();
    const row = await this.repo.findVisible(actor, id, now, this.config.churnInactiveDays);
    if (!row) throw DomainError.notFound('learner', id);
    const tz = this.config.schoolTimezone;
    const thisWeek = DateTime.fromJSDate(now, { zone: tz }).startOf('week');
    const weeks = Array.from({ length: STUDY_WEEKS }, (_, i) => thisWeek.minus({ weeks: STUDY_WEEKS - 1 - i }).toISODate()!);
    const [enrollments, alerts, minutes, openTickets] = await Promise.all([
      this.repo.enrollments(id),
      this.repo.openAlerts(id),
      this.repo.weeklyStudyMinutes(id, weeks[0]),
      this.tickets.openTicketsFor(actor, id),
    ]);
    return {
      ...toSummary(row),
      enrollments: enrollments.map((e) => ({
        id: e.id,
        externalId: e.external_id,
        courseId: e.course_id,
        courseExternalId: e.course_external_id,
        courseTitle: e.course_title,
        status: e.status,
        stage: lifecycleStage(
          { status: e.status, enrolledAt: e.enrolled_at, expiresAt: e.expires_at, lastLoginAt: e.last_login_at },
          now,
          this.config.churnInactiveDays,
        ),
        enrolledAt: e.enrolled_at.toISOString(),
        expiresAt: e.expires_at?.toISOString() ?? null,
        holdout: e.holdout,
        lastLoginAt: e.last_login_at?.toISOString() ?? null,
        progress: progress(
          { completedLessons: e.completed_lessons, totalLessons: e.total_lessons, durationDays: e.duration_days, enrolledAt: e.enrolled_at },
          now,
        ),
      })),
      openAlerts: alerts.map((a) => ({
        id: a.id,
        ruleKey: a.rule_key,
        learnerId: id,
        learnerExternalId: row.external_id,
        enrollmentId: a.enrollment_id,
        severity: a.severity,
        status: 'open' as const,
        evidence: a.evidence,
        openedAt: a.opened_at.toISOString(),
      })),
      weeklyStudyMinutes: weeks.map((weekStart) => ({ weekStart, minutes: minutes.get(weekStart) ?? 0 })),
      openTickets,
    };
  }

  async timeline(actor: Actor, id: string, f: { limit?: number; cursor?: string }) {
    if (!(await this.repo.isVisible(actor, id))) throw DomainError.notFound('learner', id);
    const limit = pageLimit(f.limit);
    const c = decodeCursor(f.cursor, 3);
    const before = c ? { at: String(c[0]), kind: String(c[1]), id: String(c[2]) } : undefined;
    if (before && !/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?|Z)?$/.test(before.at))
      throw DomainError.field('cursor', 'is not a cursor returned by this list');
    const rows = await this.repo.timeline(actor, id, limit, before);
    // The cursor keeps the database's exact (microsecond) timestamp text, so paging never skips or repeats a row.
    return toPage(rows, limit, (r) => [r.at_key, r.kind, r.id], toTimelineItem);
  }
}
