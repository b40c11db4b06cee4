import { Inject, Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { AnalyticsRepository, type AnalyticsState, type CohortRow, type CurveBucket, type GroupRow } from './analytics.repository.js';
import {
  CHURN_REASONS,
  type AdvisorsReport,
  type AlertQuality,
  type ChurnFigures,
  type ChurnReasonsReport,
  type CohortReport,
  type Coverage,
  type FirstWeekGroups,
  type FirstWeekReport,
  type PeriodQuery,
  type RetentionReport,
  type RulesReport,
  type SlaClockFigures,
  type TicketGroupFigures,
  type TicketsReport,
} from './analytics.types.js';
import { holdoutUplift, rate, retentionCurve, round6 } from './stats.js';
import { TicketMetricsRepository, type StaleTicket, type TicketFigures } from './ticket-metrics.repository.js';
import { businessMinutesBetween } from '../common/business-time.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const HORIZONS = [30, 60, 90] as const;
export type Horizon = (typeof HORIZONS)[number];

/**
 * Measures the loop (docs/design.md §6). Reports read the enrollment_outcomes summary (refreshed by the
 * analytics.refresh job) plus indexed reads of alerts, cases and tasks.
 *
 * Visibility: admins, the system and `read` API keys see every course; a supervisor sees the courses owned by
 * their teams (courses.team_id) — enrolments, alerts and recorded churn reasons of those courses, and the
 * advisors of their teams; advisors get 403. A courseId outside the caller's courses is 404.
 */
@Injectable()
export class AnalyticsService {
  private readonly logger = new Logger(AnalyticsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: AnalyticsRepository,
    private readonly tickets: TicketMetricsRepository,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- refresh --------------------------------------------------------------------------------

  /** Recomputes every enrolment's outcome as of now (the clock). Idempotent; serialised in the database. */
  async refresh(): Promise<{ asOf: string; enrollments: number; changed: number; durationMs: number; ticketsMeasured: number; ticketsMs: number }> {
    const asOf = this.clock.now();
    const started = Date.now();
    const ticketsMeasured = await this.refreshTicketMetrics();
    const ticketsMs = Date.now() - started;
    const r = await this.dataSource.transaction(async (em) => {
      const counts = await this.repo.refreshOutcomes(em, asOf, this.config.churnInactiveDays, this.config.schoolTimezone);
      const durationMs = Date.now() - started;
      await this.repo.saveState(em, { asOf, inactiveDays: this.config.churnInactiveDays, ...counts, durationMs });
      return { ...counts, durationMs };
    });
    this.logger.log(
      `analytics refreshed as of ${asOf.toISOString()}: ${r.enrollments} enrolments, ${r.changed} changed, ${ticketsMeasured} tickets measured, ${r.durationMs} ms`,
    );
    return { asOf: asOf.toISOString(), ...r, ticketsMeasured, ticketsMs };
  }

  /**
   * Business-minute durations (first response, resolution minus time paused while pending) of every ticket
   * that changed since last time, with the ticket's own calendar; batches of 2,000, each its own transaction.
   */
  async refreshTicketMetrics(): Promise<number> {
    let total = 0;
    // One calendar object per calendar version, so the business-time math reuses its compiled day table.
    const calendars = new Map<string, NonNullable<StaleTicket['calendar']>>();
    const calendarOf = (c: StaleTicket['calendar']) => {
      if (!c) return null;
      const key = `${c.id}@${new Date(c.updatedAt).getTime()}`;
      if (!calendars.has(key)) calendars.set(key, c);
      return calendars.get(key)!;
    };
    for (;;) {
      const batch = await this.tickets.stale(2000);
      if (!batch.length) return total;
      const rows = batch.map((t) => {
        const cal = calendarOf(t.calendar);
        return {
          ticketId: t.id,
          firstResponseMinutes: cal && t.firstRespondedAt ? round6(Math.max(0, businessMinutesBetween(cal, t.createdAt, t.firstRespondedAt))) : null,
          resolutionMinutes: cal && t.resolvedAt ? round6(Math.max(0, businessMinutesBetween(cal, t.createdAt, t.resolvedAt) - t.pausedMinutes)) : null,
          sourceUpdatedAt: t.updatedAt,
          calendarUpdatedAt: t.calendar?.updatedAt ?? null,
        };
      });
      await this.dataSource.transaction((em) => this.tickets.upsert(em, rows));
      total += rows.length;
      if (batch.length < 2000) return total;
    }
  }

  /** On-demand refresh: recorded and handed to the worker through the outbox (202). */
  async requestRefresh(actor: Actor): Promise<{ requestedAt: string; status: 'queued' }> {
    this.scope(actor);
    return this.dataSource.transaction(async (em) => {
      const requestedAt = await this.repo.markRequested(em);
      await this.outbox.publish(em, [
        {
          aggregateType: 'analytics',
          aggregateId: 'outcomes',
          eventType: 'analytics.refresh_requested',
          payload: { requestedBy: actor.id, requestedAt: requestedAt.toISOString() },
        },
      ]);
      return { requestedAt: requestedAt.toISOString(), status: 'queued' as const };
    });
  }

  async status(actor: Actor) {
    this.scope(actor);
    const s = await this.repo.state();
    return {
      asOf: iso(s.asOf),
      refreshedAt: iso(s.refreshedAt),
      requestedAt: iso(s.requestedAt),
      pending: !!s.requestedAt && (!s.refreshedAt || s.requestedAt > s.refreshedAt),
      enrollments: s.enrollments,
      changed: s.changed,
      durationMs: s.durationMs,
      churnInactiveDays: s.churnInactiveDays,
    };
  }

  // ---- retention ------------------------------------------------------------------------------

  async retention(actor: Actor, q: PeriodQuery & { cohort?: 'week' | 'month'; weeks?: number }): Promise<RetentionReport> {
    const teamIds = await this.scopeTo(actor, q.teamId);
    const period = this.days(q);
    await this.checkCourse(q.courseId, teamIds);
    const by = q.cohort ?? 'month';
    const maxWeeks = q.weeks ?? 26;
    const state = await this.repo.state();
    const empty = { cohortBy: by, churnInactiveDays: state.churnInactiveDays, from: period.from ?? null, to: period.to ?? null, courseId: q.courseId ?? null };
    if (!state.asOf)
      return { asOf: null, refreshedAt: null, ...empty, cohorts: [], total: { cohort: 'total', ...cohortFigures(zeroCohort(), []) }, byCourse: [] };
    const scope = { teamIds, courseId: q.courseId, ...period };
    const [{ cohorts: rows, courses }, buckets] = await Promise.all([this.repo.cohorts(state.asOf, scope, by), this.repo.curveBuckets(state.asOf, scope, by)]);
    const titles = await this.repo.courseTitles(courses.map((c) => c.courseId));
    const byCohort = new Map<string, CurveBucket[]>();
    for (const b of buckets) byCohort.set(b.cohort, [...(byCohort.get(b.cohort) ?? []), b]);
    const cohorts: CohortReport[] = rows.map((r) => ({ cohort: r.cohort, ...cohortFigures(r, retentionCurve(byCohort.get(r.cohort) ?? [], maxWeeks)) }));
    const sum = rows.reduce((acc, r) => {
      for (const k of Object.keys(acc) as Array<keyof typeof acc>) acc[k] += r[k];
      return acc;
    }, zeroCohort());
    const totalBuckets = mergeBuckets(buckets);
    const byCourse = courses
      .map(({ courseId, cohort: _c, ...c }) => ({ courseId, courseTitle: titles.get(courseId) ?? '', ...cohortFigures(c, []) }))
      .map(({ curve: _curve, ...c }) => c)
      .sort((a, b) => a.courseTitle.localeCompare(b.courseTitle) || a.courseId.localeCompare(b.courseId));
    return {
      asOf: iso(state.asOf),
      refreshedAt: iso(state.refreshedAt),
      ...empty,
      cohorts,
      total: { cohort: 'total', ...cohortFigures(sum, retentionCurve(totalBuckets, maxWeeks)) },
      byCourse,
    };
  }

  // ---- first week and holdout -----------------------------------------------------------------

  async firstWeek(actor: Actor, q: PeriodQuery & { horizonDays?: Horizon }): Promise<FirstWeekReport> {
    const teamIds = await this.scopeTo(actor, q.teamId);
    const period = this.days(q);
    await this.checkCourse(q.courseId, teamIds);
    const horizon = q.horizonDays ?? 30;
    const state = await this.repo.state();
    const rows = state.asOf ? await this.repo.firstWeekGroups(state.asOf, { teamIds, courseId: q.courseId, ...period }) : [];
    const overall = summariseGroups(rows, horizon);
    const courseIds = [...new Set(rows.map((r) => r.courseId!))];
    const titles = await this.repo.courseTitles(courseIds);
    const byCourse = courseIds
      .map((id) => ({
        courseId: id,
        courseTitle: titles.get(id) ?? '',
        ...summariseGroups(
          rows.filter((r) => r.courseId === id),
          horizon,
        ),
      }))
      .map(({ inFirstWeek: _ignored, ...rest }) => rest)
      .sort((a, b) => a.courseTitle.localeCompare(b.courseTitle) || a.courseId.localeCompare(b.courseId));
    return {
      asOf: iso(state.asOf),
      horizonDays: horizon,
      from: period.from ?? null,
      to: period.to ?? null,
      courseId: q.courseId ?? null,
      ...overall,
      byCourse,
    };
  }

  // ---- rules ----------------------------------------------------------------------------------

  async rules(actor: Actor, q: PeriodQuery): Promise<RulesReport> {
    const teamIds = await this.scopeTo(actor, q.teamId);
    const period = this.days(q);
    await this.checkCourse(q.courseId, teamIds);
    const state = await this.repo.state();
    const { from, to } = this.bounds(period);
    const asOf = state.asOf ?? new Date(0);
    const r = await this.repo.ruleQuality(asOf, { teamIds, courseId: q.courseId, from, to });
    return {
      asOf: iso(state.asOf),
      from: period.from ?? null,
      to: period.to ?? null,
      courseId: q.courseId ?? null,
      churnedEnrolments: r.churned,
      rules: r.rules.map((x) => ({
        ruleKey: x.ruleKey,
        name: x.name,
        enabled: x.enabled,
        alerts: x.alerts,
        alertedEnrolments: x.alertedEnrolments,
        precisionN: x.precisionN,
        churnedWithin30: x.precisionHits,
        precision: rate(x.precisionHits, x.precisionN),
        recallN: r.churned,
        alertedBeforeChurn: x.recallHits,
        recall: rate(x.recallHits, r.churned),
        medianLeadDays: x.medianLeadDays === null ? null : round6(x.medianLeadDays),
        feedback: { useful: x.useful, not_useful: x.notUseful, incorrect: x.incorrect },
      })),
    };
  }

  /**
   * For the rules backtest: precision and recall of the alerts a draft rule would have opened over
   * [from, to) (every enrolment, or one course's with scope.courseId; no visibility filter: the caller checks the actor), same definitions as
   * GET /analytics/rules. Reads the last refreshed outcomes.
   */
  async alertQuality(
    alerts: Array<{ enrollmentId: string; openedAt: Date | string }>,
    from: Date,
    to: Date,
    scope: { courseId?: string | null; teamIds?: string[] | null } = {},
  ): Promise<AlertQuality> {
    const state = await this.repo.state();
    if (!state.asOf) {
      return {
        asOf: null,
        alertedEnrolments: new Set(alerts.map((a) => a.enrollmentId)).size,
        precisionN: 0,
        churnedWithin30: 0,
        precision: null,
        recallN: 0,
        alertedBeforeChurn: 0,
        recall: null,
        medianLeadDays: null,
      };
    }
    const r = await this.repo.alertListQuality(
      state.asOf,
      alerts.map((a) => ({ enrollmentId: a.enrollmentId, openedAt: new Date(a.openedAt) })),
      from,
      to,
      scope.courseId ?? null,
      scope.teamIds ?? null,
    );
    return {
      asOf: iso(state.asOf),
      alertedEnrolments: r.enrolments,
      precisionN: r.precisionN,
      churnedWithin30: r.precisionHits,
      precision: rate(r.precisionHits, r.precisionN),
      recallN: r.churned,
      alertedBeforeChurn: r.recallHits,
      recall: rate(r.recallHits, r.churned),
      medianLeadDays: r.medianLeadDays === null ? null : round6(r.medianLeadDays),
    };
  }

  // ---- churn reasons --------------------------------------------------------------------------

  async churnReasons(actor: Actor, q: PeriodQuery): Promise<ChurnReasonsReport> {
    const teamIds = await this.scopeTo(actor, q.teamId);
    const period = this.days(q);
    await this.checkCourse(q.courseId, teamIds);
    const rows = await this.repo.churnReasons({ teamIds, courseId: q.courseId, ...this.bounds(period) });
    const total = rows.reduce((s, r) => s + r.n, 0);
    return {
      from: period.from ?? null,
      to: period.to ?? null,
      courseId: q.courseId ?? null,
      total,
      reasons: CHURN_REASONS.map((reason) => {
        const fromCases = rows.filter((r) => r.reason === reason && r.source === 'case').reduce((s, r) => s + r.n, 0);
        const fromCalls = rows.filter((r) => r.reason === reason && r.source === 'task').reduce((s, r) => s + r.n, 0);
        return { reason, count: fromCases + fromCalls, share: rate(fromCases + fromCalls, total), fromCases, fromCalls };
      }),
    };
  }

  // ---- advisors -------------------------------------------------------------------------------

  async advisors(actor: Actor, q: { from?: string; to?: string; teamId?: string }): Promise<AdvisorsReport> {
    const teamIds = this.scope(actor);
    const period = this.days(q);
    if (q.teamId && teamIds && !teamIds.includes(q.teamId)) throw DomainError.notFound('team', q.teamId);
    const now = this.clock.now();
    // Without a period: the last 30 days, today included (school time zone).
    const today = DateTime.fromJSDate(now, { zone: this.config.schoolTimezone });
    const effective = { from: period.from ?? today.minus({ days: 29 }).toISODate()!, to: period.to ?? today.toISODate()! };
    const b = this.bounds(effective);
    const rows = await this.repo.advisors(now, { teamIds, teamId: q.teamId, from: b.from!, to: b.to! });
    return {
      asOf: now.toISOString(),
      from: effective.from,
      to: effective.to,
      advisors: rows.map((r) => ({
        advisorId: String(r.id),
        name: String(r.name),
        teamId: (r.team_id as string) ?? null,
        status: String(r.status),
        openCases: Number(r.open_cases),
        tasksDone: Number(r.tasks_done),
        tasksOverdue: Number(r.tasks_overdue),
        callsReached: Number(r.calls_reached),
        medianFirstContactMinutes: r.median_minutes === null ? null : round6(Number(r.median_minutes)),
        firstContactN: Number(r.first_contact_n),
        outcomes: { retained: Number(r.retained), churned: Number(r.churned), unreachable: Number(r.unreachable), not_at_risk: Number(r.not_at_risk) },
      })),
    };
  }

  // ---- tickets -------------------------------------------------------------------------------

  async ticketsReport(actor: Actor, q: { from?: string; to?: string; category?: string; priority?: string; teamId?: string }): Promise<TicketsReport> {
    const teamIds = await this.scopeTo(actor, q.teamId);
    const period = this.days(q);
    const now = this.clock.now();
    const [rows, state] = await Promise.all([
      this.tickets.report(now, { teamIds, ...this.bounds(period), category: q.category, priority: q.priority }),
      this.repo.state(),
    ]);
    const overall = rows.find((r) => r.scope === 'overall');
    const empty: TicketFigures = {
      scope: 'overall',
      category: null,
      priority: null,
      tickets: 0,
      stale: 0,
      fr: { measured: 0, p50: null, p90: null, met: 0, breached: 0, open: 0 },
      res: { measured: 0, p50: null, p90: null, met: 0, breached: 0, open: 0 },
    };
    return {
      asOf: now.toISOString(),
      durationsAsOf: iso(state.refreshedAt),
      staleDurations: overall?.stale ?? 0,
      from: period.from ?? null,
      to: period.to ?? null,
      overall: ticketGroup(overall ?? empty),
      byCategory: rows.filter((r) => r.scope === 'category').map((r) => ({ category: r.category!, ...ticketGroup(r) })),
      byPriority: rows.filter((r) => r.scope === 'priority').map((r) => ({ priority: r.priority!, ...ticketGroup(r) })),
    };
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** null = every course; else the supervisor's teams. Advisors are refused. */
  scope(actor: Actor): string[] | null {
    if (actor.kind !== 'staff' || actor.role === 'admin') return null;
    if (actor.role === 'supervisor') return actor.teamIds;
    throw DomainError.forbidden('Analytics are for supervisors and admins');
  }

  /** The caller's scope, narrowed to one team when `teamId` is given (404 for a team outside it or unknown). */
  async scopeTo(actor: Actor, teamId: string | undefined): Promise<string[] | null> {
    const teamIds = this.scope(actor);
    if (!teamId) return teamIds;
    if ((teamIds && !teamIds.includes(teamId)) || !(await this.repo.teamExists(teamId))) throw DomainError.notFound('team', teamId);
    return [teamId];
  }

  private async checkCourse(courseId: string | undefined, teamIds: string[] | null): Promise<void> {
    if (courseId && !(await this.repo.courseVisible(courseId, teamIds))) throw DomainError.notFound('course', courseId);
  }

  /** Validates from/to as calendar days (YYYY-MM-DD) with from ≤ to. */
  private days(q: { from?: string; to?: string }): { from?: string; to?: string } {
    for (const f of ['from', 'to'] as const) {
      const v = q[f];
      if (v !== undefined && (!DAY.test(v) || !DateTime.fromISO(v, { zone: 'UTC' }).isValid)) throw DomainError.field(f, 'must be a date YYYY-MM-DD');
    }
    if (q.from && q.to && q.from > q.to) throw DomainError.field('to', 'must not be before from');
    return { from: q.from, to: q.to };
  }

  /** Calendar days in the school time zone → [from, to) instants (to is inclusive as a day). */
  private bounds(p: { from?: string; to?: string }): { from: Date | null; to: Date | null } {
    const tz = this.config.schoolTimezone;
    return {
      from: p.from ? DateTime.fromISO(p.from, { zone: tz }).startOf('day').toJSDate() : null,
      to: p.to ? DateTime.fromISO(p.to, { zone: tz }).startOf('day').plus({ days: 1 }).toJSDate() : null,
    };
  }
}

function slaClock(c: TicketFigures['fr']): SlaClockFigures {
  return {
    measured: c.measured,
    p50Minutes: c.p50 === null ? null : round6(c.p50),
    p90Minutes: c.p90 === null ? null : round6(c.p90),
    met: c.met,
    breached: c.breached,
    open: c.open,
    compliance: rate(c.met, c.met + c.breached),
  };
}

function ticketGroup(r: TicketFigures): TicketGroupFigures {
  return { tickets: r.tickets, firstResponse: slaClock(r.fr), resolution: slaClock(r.res) };
}

function iso(d: Date | null): string | null {
  return d ? new Date(d).toISOString() : null;
}

/** One cohort's counts, as the repository reads them. */
type CohortCounts = Omit<CohortRow, 'cohort'>;

function zeroCohort(): CohortCounts {
  return { enrolments: 0, mature30: 0, mature60: 0, mature90: 0, churned30: 0, churned60: 0, churned90: 0, churnedToDate: 0, renewed: 0, renewalDue: 0 };
}

function churnFigures(c: Omit<ChurnFigures, 'churnRate30' | 'churnRate60' | 'churnRate90'>): ChurnFigures {
  return {
    enrolments: c.enrolments,
    mature30: c.mature30,
    churned30: c.churned30,
    churnRate30: rate(c.churned30, c.mature30),
    mature60: c.mature60,
    churned60: c.churned60,
    churnRate60: rate(c.churned60, c.mature60),
    mature90: c.mature90,
    churned90: c.churned90,
    churnRate90: rate(c.churned90, c.mature90),
  };
}

function cohortFigures(c: CohortCounts, curve: CohortReport['curve']): Omit<CohortReport, 'cohort'> {
  return {
    ...churnFigures(c),
    churnedToDate: c.churnedToDate,
    renewed: c.renewed,
    renewalDue: c.renewalDue,
    renewalRate: rate(c.renewed, c.renewalDue),
    curve,
  };
}

function mergeBuckets(buckets: CurveBucket[]): CurveBucket[] {
  const m = new Map<string, CurveBucket>();
  for (const b of buckets) {
    const k = `${b.observedWeeks}:${b.churnWeek}`;
    const cur = m.get(k);
    if (cur) cur.n += b.n;
    else m.set(k, { ...b, cohort: 'total' });
  }
  return [...m.values()];
}

function summariseGroups(
  rows: GroupRow[],
  horizon: Horizon,
): { coverage: Coverage; inFirstWeek: number; groups: FirstWeekGroups; uplift: ReturnType<typeof holdoutUplift> } {
  const sum = (g: GroupRow['group']) => {
    const acc = { enrolments: 0, mature30: 0, mature60: 0, mature90: 0, churned30: 0, churned60: 0, churned90: 0 };
    for (const r of rows) if (r.group === g) for (const k of Object.keys(acc) as Array<keyof typeof acc>) acc[k] += r[k];
    return acc;
  };
  const covered = sum('covered');
  const notCovered = sum('notCovered');
  const holdout = sum('holdout');
  const inFirstWeek = sum('inFirstWeek');
  const m = `mature${horizon}` as const;
  const c = `churned${horizon}` as const;
  const uplift = holdoutUplift(
    { holdoutChurned: holdout[c], holdoutN: holdout[m], treatedChurned: covered[c] + notCovered[c], treatedN: covered[m] + notCovered[m] },
    horizon,
  );
  const eligible = covered.enrolments + notCovered.enrolments;
  return {
    coverage: { eligible, covered: covered.enrolments, share: rate(covered.enrolments, eligible) },
    inFirstWeek: inFirstWeek.enrolments,
    groups: { covered: churnFigures(covered), notCovered: churnFigures(notCovered), holdout: churnFigures(holdout) },
    uplift,
  };
}

export type { AnalyticsState };
