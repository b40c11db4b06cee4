import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '../access/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { RulesRepository, type RuleApplyCounts, type RuleRow, type RuleRunRow } from './rules.repository.js';

/** Serialises apply steps across processes (a stalled job re-run while the first attempt still works). */
const APPLY_LOCK_KEY = 727_100_040;
/** A run without a result after this long lost its job; it no longer holds the single flight. */
export const RUN_STALE_AFTER_MS = 60 * 60_000;

export interface RuleRunView {
  id: string;
  status: RuleRunRow['status'];
  trigger: RuleRunRow['trigger'];
  asOf: string;
  requestedBy: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  alertsOpened: number;
  alertsRefreshed: number;
  alertsCleared: number;
  error: string | null;
  stats: RuleRunRow['stats'];
}

export function toRuleRunView(r: RuleRunRow): RuleRunView {
  return {
    id: r.id,
    status: r.status,
    trigger: r.trigger,
    asOf: r.as_of.toISOString(),
    requestedBy: r.requested_by,
    queuedAt: r.queued_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    durationMs: r.started_at && r.finished_at ? r.finished_at.getTime() - r.started_at.getTime() : null,
    alertsOpened: r.alerts_opened,
    alertsRefreshed: r.alerts_refreshed,
    alertsCleared: r.alerts_cleared,
    error: r.error,
    stats: r.stats,
  };
}

/** How far back an admin may evaluate the rules (POST /rules/evaluate asOf). */
export const MAX_PAST_AS_OF_DAYS = 7;

/**
 * Rule runs: requested on demand or by the cron schedule (single-flight), executed by the worker's
 * rules.run job. Each rule is applied in its own transaction together with the record that it was
 * applied, so a run killed half-way and retried skips what committed and finishes the rest: the end
 * state equals one clean run.
 */
@Injectable()
export class RuleRunsService {
  private readonly logger = new Logger(RuleRunsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: RulesRepository,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Creates a queued run and its rule_run.requested outbox event (relayed to rules.run), or returns the run
   * already queued or running. `created` tells which.
   */
  async request(actor: Actor, input: { asOf?: Date; trigger: 'schedule' | 'manual' }): Promise<{ runId: string; created: boolean }> {
    if (actor.kind === 'staff' && actor.role === 'advisor') throw DomainError.forbidden('Only admins and supervisors can start a rule run');
    if (actor.kind === 'api_client') throw DomainError.forbidden('Rule runs are started by staff or the schedule');
    const now = this.clock.now();
    const asOf = input.asOf ?? now;
    if (asOf.getTime() > now.getTime() + 60_000) throw DomainError.field('asOf', 'must not be in the future');
    // A run as of the past clears every alert whose condition did not hold then (and fires alert.cleared
    // webhooks for each): staff may look back only a little, and only admins. The schedule runs as of now.
    if (actor.kind === 'staff' && asOf.getTime() < now.getTime() - 60_000) {
      if (actor.role !== 'admin') throw DomainError.forbidden("Only admins can evaluate as of a past time; a supervisor's run is as of now");
      if (asOf.getTime() < now.getTime() - MAX_PAST_AS_OF_DAYS * 86_400_000)
        throw DomainError.field('asOf', `must be within the last ${MAX_PAST_AS_OF_DAYS} days`);
    }
    return this.dataSource.transaction(async (em) => {
      const abandoned = await this.repo.abandonStaleRuns(em, RUN_STALE_AFTER_MS);
      if (abandoned) this.logger.warn(`marked ${abandoned} stale rule run(s) failed`);
      const id = await this.repo.insertRunIfIdle(em, { trigger: input.trigger, asOf, requestedBy: actor.kind === 'staff' ? actor.id : null });
      if (!id) {
        const existing = await this.repo.findActiveRunId(em);
        if (existing) return { runId: existing, created: false };
        throw DomainError.conflict('Another rule run was just requested; try again');
      }
      await this.outbox.publish(em, [{ aggregateType: 'rule_run', aggregateId: id, eventType: 'rule_run.requested', payload: { runId: id } }]);
      return { runId: id, created: true };
    });
  }

  async get(actor: Actor, id: string): Promise<RuleRunView> {
    if (actor.kind === 'staff' && actor.role === 'advisor') throw DomainError.forbidden('Only admins and supervisors can read rule runs');
    const run = await this.repo.findRun(id);
    if (!run) throw DomainError.notFound('rule run', id);
    return toRuleRunView(run);
  }

  /** The as-of time of a run still to execute (queued or running); null when it is done, failed or unknown. */
  async pendingAsOf(runId: string): Promise<Date | null> {
    const run = await this.repo.findRun(runId);
    return run && run.status !== 'completed' && run.status !== 'failed' ? new Date(run.as_of) : null;
  }

  /** The rules.run job. Safe to call any number of times for the same run. */
  async execute(runId: string): Promise<RuleRunView | null> {
    const run = await this.repo.findRun(runId);
    if (!run) {
      this.logger.warn(`rule run ${runId} does not exist; nothing to do`);
      return null;
    }
    if (run.status === 'completed' || run.status === 'failed') return toRuleRunView(run);
    const started = Date.now();
    await this.dataSource.transaction((em) => this.repo.markRunning(em, runId, this.clock.now()));
    const rules = await this.repo.listEnabledRules();
    for (const rule of rules) await this.applyRule(runId, rule, run.as_of);
    const cohort = await this.applyCohorts(rules, run.as_of);
    await this.dataSource.transaction((em) => this.repo.completeRun(em, runId, this.clock.now(), { cohortAlerts: cohort, durationMs: Date.now() - started }));
    const done = (await this.repo.findRun(runId))!;
    this.logger.log(
      `rule run ${runId}: opened ${done.alerts_opened}, refreshed ${done.alerts_refreshed}, cleared ${done.alerts_cleared} in ${Date.now() - started} ms`,
    );
    return toRuleRunView(done);
  }

  /** One rule, one transaction: the alert changes, their outbox events and the run's note that the rule is done. */
  async applyRule(runId: string, rule: RuleRow, asOf: Date): Promise<RuleApplyCounts | null> {
    return this.dataSource.transaction(async (em) => {
      await this.repo.lockApply(em, APPLY_LOCK_KEY);
      if (await this.repo.ruleApplied(em, runId, rule.key)) return null;
      const t0 = Date.now();
      const counts = await this.repo.applyRule(em, rule, runId, asOf, this.config.schoolTimezone);
      const result = { ...counts, ms: Date.now() - t0 };
      await this.repo.recordRuleApplied(em, runId, rule.key, result);
      return result;
    });
  }

  private async applyCohorts(rules: RuleRow[], asOf: Date): Promise<{ opened: number; updated: number }> {
    const out = { opened: 0, updated: 0 };
    for (const rule of rules.filter((r) => r.cohort_threshold !== null)) {
      await this.dataSource.transaction(async (em) => {
        await this.repo.lockApply(em, APPLY_LOCK_KEY);
        const rows = await this.repo.applyCohort(em, rule, asOf, this.config.schoolTimezone);
        const opened = rows.filter((r) => r.inserted);
        out.opened += opened.length;
        out.updated += rows.length - opened.length;
        await this.outbox.publish(
          em,
          opened.map((r) => ({
            aggregateType: 'cohort_alert',
            aggregateId: r.id,
            eventType: 'cohort_alert.opened',
            payload: { cohortAlertId: r.id, ruleKey: rule.key, courseId: r.course_id, affected: r.affected, population: r.population, share: Number(r.share) },
          })),
        );
      });
    }
    return out;
  }

  /** Called by the processor when the job will not be retried again. */
  async markFailed(runId: string, error: string): Promise<void> {
    await this.repo.failRun(runId, this.clock.now(), error);
  }

  async noteError(runId: string, error: string): Promise<void> {
    await this.repo.noteRunError(runId, error);
  }

  /** The cron trigger: a scheduled run as of now (or the run already in flight). */
  async requestScheduled(): Promise<{ runId: string; created: boolean }> {
    return this.request({ kind: 'system', id: 'careloop' }, { trigger: 'schedule' });
  }
}
