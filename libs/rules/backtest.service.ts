import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import { AnalyticsService } from '../analytics/analytics.service.js';
import type { AlertQuality } from '../analytics/analytics.types.js';
import type { Actor } from '../access/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, type FieldError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { backtestQuery } from './backtest-queries.js';
import { isRuleKind, normalizeParams, RULE_KINDS, type RuleKind } from './rule-definitions.js';
import { RulesRepository } from './rules.repository.js';

export const MAX_BACKTEST_DAYS = 366;
/** Advisory lock class of the backtest slots (slot = 0 … BACKTEST_CONCURRENCY - 1), held for one transaction. */
export const BACKTEST_LOCK_KEY = 727_100_041;
/** What a caller refused for lack of a slot is told to wait (a typical 90-day backtest takes a few seconds). */
export const BACKTEST_RETRY_AFTER_SECONDS = 5;

export interface BacktestDay {
  day: string;
  /** Enrolments the rule fires for at the end of the day (open alerts). */
  firing: number;
  /** Alerts that would have opened that day: the daily workload (one intervention task each). */
  opened: number;
  cleared: number;
}

export interface BacktestResult {
  rule: { kind: RuleKind; params: Record<string, number> };
  courseId: string | null;
  from: string;
  to: string;
  timezone: string;
  days: BacktestDay[];
  totals: {
    alertsOpened: number;
    openAtStart: number;
    distinctLearners: number;
    distinctEnrollments: number;
    avgDailyWorkload: number;
    maxDailyWorkload: number;
    peakFiring: number;
  };
  /**
   * How well the draft rule would have predicted churn, against the last refreshed enrolment outcomes
   * (GET /analytics/rules definitions): precision = share of flagged enrolments (mature: first flag ≥ 30 days
   * before the outcomes' asOf) that churned within 30 days of first being flagged; recall = share of the
   * enrolments that churned in the period (in the course, with courseId) flagged before they churned; median
   * lead days from first flag to churn. An alert is dated at the end of the day it fires; one already open
   * when the period starts, at the period's start. Rates are null when their sample size is 0.
   */
  quality: AlertQuality;
  elapsedMs: number;
}

/** Evaluates a draft rule (never saved) for each day of a past period, from the daily rollups. */
@Injectable()
export class BacktestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: RulesRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly analytics: AnalyticsService,
  ) {}

  async run(actor: Actor, input: { rule: { kind: string; params?: unknown }; from: string; to: string; courseId?: string }): Promise<BacktestResult> {
    if (actor.kind === 'staff' && actor.role === 'advisor') throw DomainError.forbidden('Only admins and supervisors can backtest rules');
    // A supervisor backtests on their own teams' courses only (null: every course).
    const teamIds = actor.kind === 'staff' && actor.role !== 'admin' ? actor.teamIds : null;
    const errors: FieldError[] = [];
    if (!isRuleKind(input.rule?.kind)) throw DomainError.field('rule.kind', `must be one of ${RULE_KINDS.join(', ')}`);
    const kind = input.rule.kind;
    const p = normalizeParams(kind, input.rule.params, 'rule.params');
    errors.push(...p.errors);
    const tz = this.config.schoolTimezone;
    const from = DateTime.fromISO(input.from.slice(0, 10), { zone: tz });
    const to = DateTime.fromISO(input.to.slice(0, 10), { zone: tz });
    const today = DateTime.fromJSDate(this.clock.now(), { zone: tz }).startOf('day');
    if (!from.isValid) errors.push({ field: 'from', message: 'must be a date (YYYY-MM-DD)' });
    if (!to.isValid) errors.push({ field: 'to', message: 'must be a date (YYYY-MM-DD)' });
    if (from.isValid && to.isValid) {
      if (to < from) errors.push({ field: 'to', message: 'must not be before from' });
      else if (to.diff(from, 'days').days + 1 > MAX_BACKTEST_DAYS) errors.push({ field: 'to', message: `the period is at most ${MAX_BACKTEST_DAYS} days` });
      if (to > today) errors.push({ field: 'to', message: 'must not be after today (school time zone)' });
    }
    if (errors.length) throw DomainError.validation(errors);
    const fromDay = from.toISODate()!;
    const toDay = to.toISODate()!;
    const q = backtestQuery(kind, p.params!, { from: fromDay, to: toDay }, input.courseId ?? null, teamIds);
    const started = Date.now();
    const row = await this.dataSource.transaction(async (em) => {
      if (input.courseId && !(await this.repo.courseInScope(em, input.courseId, teamIds))) throw DomainError.notFound('course', input.courseId);
      // Each backtest is one big read with a lot of memory: at most BACKTEST_CONCURRENCY at a time, across
      // every API process (a transaction-level advisory lock per slot, released at commit or rollback).
      if (!(await this.repo.takeBacktestSlot(em, BACKTEST_LOCK_KEY, this.config.backtestConcurrency))) {
        throw DomainError.rateLimited(
          `${this.config.backtestConcurrency === 1 ? 'A backtest is' : 'Backtests are'} already running; try again in a few seconds`,
          BACKTEST_RETRY_AFTER_SECONDS,
        );
      }
      return this.repo.runBacktest(em, q.sql, [fromDay, toDay, tz, ...q.values], { workMemMb: this.config.backtestWorkMemMb, serial: q.serial });
    });
    const flaggedAt: Date[] = row.flagged_at;
    const quality = await this.analytics.alertQuality(
      (row.flagged_ids as string[]).map((enrollmentId, i) => ({ enrollmentId, openedAt: flaggedAt[i] })),
      from.toJSDate(),
      to.plus({ days: 1 }).toJSDate(),
      { courseId: input.courseId ?? null, teamIds },
    );
    const days: BacktestDay[] = row.days ?? [];
    const opened = days.map((d) => d.opened);
    return {
      rule: { kind, params: p.params as unknown as Record<string, number> },
      courseId: input.courseId ?? null,
      from: fromDay,
      to: toDay,
      timezone: tz,
      days,
      totals: {
        alertsOpened: row.alerts_opened,
        openAtStart: row.open_at_start,
        distinctLearners: row.distinct_learners,
        distinctEnrollments: row.distinct_enrollments,
        avgDailyWorkload: days.length ? Math.round((opened.reduce((a, b) => a + b, 0) / days.length) * 100) / 100 : 0,
        maxDailyWorkload: opened.length ? Math.max(...opened) : 0,
        peakFiring: days.length ? Math.max(...days.map((d) => d.firing)) : 0,
      },
      quality,
      elapsedMs: Date.now() - started,
    };
  }
}
