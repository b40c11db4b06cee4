import { Inject, Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { AnalyticsService } from '../analytics/analytics.service.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { isRuleKind, normalizeParams, type ParamsByKind, type RuleKind } from '../rules/rule-definitions.js';
import { RulesRepository } from '../rules/rules.repository.js';
import { FEATURE_KEYS, FEATURES } from './risk-features.js';
import { atBudget, calibration, fitLogistic, ofFlags, rocAuc, scoreOf, verdict, type AtBudget, type CalibrationBin, type Verdict } from './risk-model.js';
import { RiskRepository, type FeatureRow, type RiskModelRow, type RiskModelStatus } from './risk.repository.js';
import {
  HORIZON_DAYS,
  MIN_CHURNED_ENROLMENTS,
  MIN_HISTORY_DAYS,
  MIN_LABELLED_ENROLMENTS,
  MIN_TEST_CHURNED,
  MIN_TEST_ROWS,
  splitDays,
  type RiskSplit,
} from './risk-split.js';

/** Rows read for training and for the test, at most (a stable sample beyond). */
export const TRAIN_ROW_CAP = 60_000;
export const TEST_ROW_CAP = 60_000;
/** The L2 penalty of the fit (risk-model.ts). */
export const RISK_LAMBDA = 1;

export interface RiskAttemptView {
  id: string;
  version: number;
  status: RiskModelStatus;
  trigger: 'schedule' | 'manual';
  requestedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  message: string | null;
  /** Why an `insufficient` attempt made no model, as figures (the console words it): what there was and what is needed. */
  shortfall: RiskShortfall | null;
}

export type RiskShortfall =
  | { code: 'history'; minDays: number }
  | { code: 'training'; enrollments: number; churned: number; minEnrollments: number; minChurned: number }
  | { code: 'test'; rows: number; churned: number; minRows: number; minChurned: number };

export interface RiskEvaluation {
  horizonDays: number;
  rows: number;
  churned: number;
  baseRate: number;
  /** alerts compared at: the rows the rules flagged in the test period (their top tenth when the rules flagged none) */
  budget: number;
  model: AtBudget & { auc: number | null };
  rules: AtBudget & { auc: number | null; ruleKeys: string[] };
  calibration: CalibrationBin[];
  verdict: Verdict;
}

export interface RiskModelView {
  id: string;
  version: number;
  trainedAt: string;
  asOf: string;
  trainingWindow: { from: string; to: string };
  testPeriod: { from: string; to: string };
  training: {
    rows: number;
    enrollments: number;
    churnedRows: number;
    churnedEnrollments: number;
    iterations: number;
    converged: boolean;
    lambda: number;
    durationMs: number;
    /** where the time went: analytics refresh (labels), feature rows, fit, evaluation against the rules */
    phases: Record<string, number>;
  };
  intercept: number;
  features: Array<{ key: string; meaning: string; mean: number; sd: number; coefficient: number }>;
  evaluation: RiskEvaluation;
}

export interface RiskReport {
  /** the latest attempt's status; `none` before the first one */
  status: RiskModelStatus | 'none';
  /** why there is no model, or why the latest attempt did not replace it */
  message: string | null;
  latest: RiskAttemptView | null;
  model: RiskModelView | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function attemptView(r: RiskModelRow): RiskAttemptView {
  return {
    id: r.id,
    version: r.version,
    status: r.status,
    trigger: r.trigger,
    requestedAt: r.requested_at.toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    message: r.message,
    shortfall: r.status === 'insufficient' ? ((r.training?.shortfall as RiskShortfall | undefined) ?? null) : null,
  };
}

function modelView(r: RiskModelRow): RiskModelView {
  const t = r.training as RiskModelView['training'] & { trainingWindow: RiskModelView['trainingWindow']; testPeriod: RiskModelView['testPeriod'] };
  return {
    id: r.id,
    version: r.version,
    trainedAt: r.finished_at!.toISOString(),
    asOf: r.as_of!.toISOString(),
    trainingWindow: t.trainingWindow,
    testPeriod: t.testPeriod,
    training: {
      rows: t.rows,
      enrollments: t.enrollments,
      churnedRows: t.churnedRows,
      churnedEnrollments: t.churnedEnrollments,
      iterations: t.iterations,
      converged: t.converged,
      lambda: t.lambda,
      durationMs: t.durationMs,
      phases: t.phases ?? {},
    },
    intercept: r.intercept!,
    features: (r.feature_keys ?? []).map((key, i) => ({
      key,
      meaning: FEATURES.find((f) => f.key === key)?.meaning ?? key,
      mean: r.means![i],
      sd: r.sds![i],
      coefficient: r.coef![i],
    })),
    evaluation: r.evaluation as RiskEvaluation,
  };
}

const distinct = (rows: FeatureRow[], pick: (r: FeatureRow) => boolean = () => true) => new Set(rows.filter(pick).map((r) => r.enrollmentId)).size;

/**
 * Learned churn risk (docs/admins.md "Learned risk"): trains a model on the school's own history in the worker
 * (weekly, or on an admin's request), judges it against the rules on the most recent period it has not seen, and
 * scores every active enrolment with the active model as of each rule run (before it reads completed). Reads: admins and supervisors (and
 * `read` keys) see the model; training is for admins.
 */
@Injectable()
export class RiskService {
  private readonly logger = new Logger(RiskService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: RiskRepository,
    private readonly rules: RulesRepository,
    private readonly analytics: AnalyticsService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** POST /risk-model/train (admins) and the weekly schedule: a queued attempt, or the one already in flight. */
  async request(actor: Actor, trigger: 'schedule' | 'manual' = 'manual'): Promise<RiskAttemptView & { created: boolean }> {
    if (actor.kind === 'api_client') throw DomainError.forbidden('The risk model is trained by admins or the schedule');
    if (actor.kind === 'staff' && actor.role !== 'admin') throw DomainError.forbidden('Only admins can train the risk model');
    return this.dataSource.transaction(async (em) => {
      const { row, created } = await this.repo.request(em, trigger, actor.kind === 'staff' ? actor.id : null, this.clock.now());
      if (created)
        await this.outbox.publish(em, [
          { aggregateType: 'risk_model', aggregateId: row.id, eventType: 'risk_model.train_requested', payload: { modelId: row.id, trigger } },
        ]);
      return { ...attemptView(row), created };
    });
  }

  requestScheduled() {
    return this.request({ kind: 'system', id: 'careloop' }, 'schedule');
  }

  async report(actor: Actor): Promise<RiskReport> {
    if (actor.kind === 'staff' && actor.role === 'advisor') throw DomainError.forbidden('Only admins and supervisors can read the risk model');
    const [latest, active] = await Promise.all([this.repo.latest(), this.repo.active()]);
    let message = latest?.message ?? null;
    if (!latest) message = 'No model has been trained yet: an admin can train one (POST /risk-model/train), and the worker trains one every week.';
    else if (!active && (latest.status === 'queued' || latest.status === 'training')) message = 'The first model is being trained.';
    return { status: latest?.status ?? 'none', message, latest: latest ? attemptView(latest) : null, model: active ? modelView(active) : null };
  }

  /** The worker's job for one attempt. Safe to run again: a finished attempt is returned as it is. */
  async train(id: string): Promise<RiskAttemptView | null> {
    const row = await this.repo.find(id);
    if (!row) {
      this.logger.warn(`risk model attempt ${id} does not exist; nothing to do`);
      return null;
    }
    if (row.status !== 'queued' && row.status !== 'training') return attemptView(row);
    const started = Date.now();
    await this.repo.start(id, this.clock.now());
    // Labels come from the outcome summary: brought up to date first.
    const phases: Record<string, number> = {};
    let mark = Date.now();
    const lap = (name: string) => {
      phases[name] = Date.now() - mark;
      mark = Date.now();
    };
    const asOf = new Date((await this.analytics.refresh()).asOf);
    lap('refreshMs');
    const tz = this.config.schoolTimezone;
    const asOfDay = DateTime.fromJSDate(asOf, { zone: tz }).toISODate()!;
    const split = splitDays(asOfDay, await this.repo.firstEnrolmentDay(tz));
    const done = async (status: 'insufficient', message: string, training: Record<string, unknown>, shortfall: RiskShortfall) => {
      await this.repo.finishWithout(id, status, message, this.clock.now(), {
        ...training,
        shortfall,
        testPeriod: split.testPeriod,
        trainingWindow: split.trainingWindow,
      });
      this.logger.log(`risk model ${row.version}: no model (${message})`);
      return attemptView((await this.repo.find(id))!);
    };
    if (!split.trainDays.length)
      return done(
        'insufficient',
        `Too little history: a model needs at least ${MIN_HISTORY_DAYS} days of enrolments before today, to train on older ones and test on the most recent.`,
        {},
        { code: 'history', minDays: MIN_HISTORY_DAYS },
      );
    // Test: the most recent period, one half of the learners. Train: the older period, the other half.
    const test = await this.repo.labelledRows(split.testDays, tz, { half: 0, cap: TEST_ROW_CAP });
    const train = await this.repo.labelledRows(split.trainDays, tz, { half: 1, cap: TRAIN_ROW_CAP });
    lap('featuresMs');
    const trainCounts = {
      rows: train.length,
      enrollments: distinct(train),
      churnedRows: train.filter((r) => r.label === 1).length,
      churnedEnrollments: distinct(train, (r) => r.label === 1),
    };
    if (trainCounts.enrollments < MIN_LABELLED_ENROLMENTS || trainCounts.churnedEnrollments < MIN_CHURNED_ENROLMENTS)
      return done(
        'insufficient',
        `Too little history: ${trainCounts.enrollments} enrolments with a known 30-day outcome to train on (${MIN_LABELLED_ENROLMENTS} needed), ${trainCounts.churnedEnrollments} of them churned (${MIN_CHURNED_ENROLMENTS} needed).`,
        trainCounts,
        {
          code: 'training',
          enrollments: trainCounts.enrollments,
          churned: trainCounts.churnedEnrollments,
          minEnrollments: MIN_LABELLED_ENROLMENTS,
          minChurned: MIN_CHURNED_ENROLMENTS,
        },
      );
    const testChurned = test.filter((r) => r.label === 1).length;
    if (test.length < MIN_TEST_ROWS || testChurned < MIN_TEST_CHURNED)
      return done(
        'insufficient',
        `Too few recent enrolments to test a model on: ${test.length} rows in ${split.testPeriod.from} – ${split.testPeriod.to} (${MIN_TEST_ROWS} needed), ${testChurned} churned (${MIN_TEST_CHURNED} needed).`,
        trainCounts,
        { code: 'test', rows: test.length, churned: testChurned, minRows: MIN_TEST_ROWS, minChurned: MIN_TEST_CHURNED },
      );
    const fit = fitLogistic(
      train.map((r) => r.x),
      train.map((r) => r.label),
      { lambda: RISK_LAMBDA },
    );
    lap('fitMs');
    const evaluation = await this.evaluate(fit, test, split);
    lap('evaluateMs');
    const scored = await this.repo.finishReady(
      id,
      {
        asOf,
        featureKeys: FEATURE_KEYS,
        means: fit.means,
        sds: fit.sds,
        coef: fit.coef,
        intercept: fit.intercept,
        training: {
          ...trainCounts,
          iterations: fit.iterations,
          converged: fit.converged,
          lambda: RISK_LAMBDA,
          durationMs: Date.now() - started,
          phases,
          trainingWindow: split.trainingWindow,
          testPeriod: split.testPeriod,
        },
        evaluation: evaluation as unknown as Record<string, unknown>,
      },
      this.clock.now(),
      tz,
    );
    this.logger.log(
      `risk model ${row.version}: trained on ${train.length} rows in ${Date.now() - started} ms; test AUC ${evaluation.model.auc?.toFixed(3)} (rules ${evaluation.rules.auc?.toFixed(3)}); ${evaluation.verdict.text} Scored ${scored.scored} enrolments.`,
    );
    return attemptView((await this.repo.find(id))!);
  }

  /** The model and the enabled rules on the same held-out rows, at the same number of alerts. */
  private async evaluate(fit: ReturnType<typeof fitLogistic>, test: FeatureRow[], split: RiskSplit): Promise<RiskEvaluation> {
    const labels = test.map((r) => r.label);
    const scores = test.map((r) => scoreOf(fit, r.x));
    const rules = (await this.rules.listEnabledRules()).filter((r) => isRuleKind(r.kind) && r.kind !== 'risk_score');
    const firing = new Array<number>(test.length).fill(0);
    const index = new Map<string, number[]>();
    test.forEach((r, i) => index.set(r.enrollmentId, [...(index.get(r.enrollmentId) ?? []), i]));
    for (const rule of rules) {
      const kind = rule.kind as RuleKind;
      const params = normalizeParams(kind, rule.params).params as ParamsByKind[RuleKind];
      const islands = await this.repo.firingIslands(kind, params, split.testPeriod, this.config.schoolTimezone);
      const hit = new Set<number>();
      for (const is of islands) for (const i of index.get(is.enrollment_id) ?? []) if (test[i].day >= is.s && test[i].day <= is.e) hit.add(i);
      for (const i of hit) firing[i]++;
    }
    const ruleFlags = ofFlags(
      firing.map((c) => c > 0),
      labels,
    );
    const budget = ruleFlags.flagged || Math.max(1, Math.round(test.length / 10));
    const model = atBudget(scores, labels, budget);
    const churned = labels.reduce((s, y) => s + y, 0);
    return {
      horizonDays: HORIZON_DAYS,
      rows: test.length,
      churned,
      baseRate: churned / test.length,
      budget,
      model: { ...model, auc: rocAuc(scores, labels) },
      rules: { ...ruleFlags, auc: rocAuc(firing, labels), ruleKeys: rules.map((r) => r.key) },
      calibration: calibration(scores, labels),
      verdict: verdict(model, ruleFlags),
    };
  }

  /** Called by the processor when the job will not be retried again. */
  async markFailed(id: string, error: string): Promise<void> {
    await this.repo.finishWithout(id, 'failed', `Training failed: ${error}`, this.clock.now(), null);
  }

  /** Scores every active enrolment under the active model as of `asOf` (with each rule run and after each training). */
  async refreshScores(asOf: Date): Promise<{ scored: number; changed: number; removed: number }> {
    return this.repo.refreshScores(asOf, this.config.schoolTimezone);
  }
}
