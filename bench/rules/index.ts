import { createApiApp } from '../../apps/api/src/api-app.js';
import { Clock } from '../../libs/common/clock.js';
import { AnalyticsService } from '../../libs/analytics/analytics.service.js';
import { BacktestService } from '../../libs/rules/backtest.service.js';
import { RULE_KINDS } from '../../libs/rules/rule-definitions.js';
import { RuleRunsService } from '../../libs/rules/rule-runs.service.js';
import type { BenchContext } from '../lib/bench-context.js';
import { spread, spreadFigures } from '../lib/stats.js';
import { seedRulesSchool } from './seed.js';

const SYSTEM = { kind: 'system' as const, id: 'bench' };

/**
 * Rules benchmark: --learners (default 100,000) enrolments with --days (default 120) days of rollups
 * (≥ 20M events at the default scale). a = a full run of the five default rules (first run: opens the
 * alerts, writes the outbox); b = one pass of a single aggregate query over the same 8-week rollup window.
 * ratio = median(a) ÷ median(b) over 3 interleaved rounds (each a first run: the previous round's alerts removed),
 * target ≤ 2. Also: an immediate second run (must open nothing) and a 90-day backtest of each
 * kind (backtest_<kind>_ms; backtest_90d_ms is the slowest), after an analytics refresh so it includes precision/recall.
 */
export async function run(ctx: BenchContext): Promise<void> {
  const learners = num(ctx.args.learners, 100_000);
  const days = num(ctx.args.days, 120);
  const courses = num(ctx.args.courses, 40);
  const tz = ctx.config.schoolTimezone;
  const asOf = new Date();
  const seeded = await seedRulesSchool(ctx.pool, { learners, courses, days, timezone: tz, asOf }, ctx.progress);
  ctx.progress(`${seeded.rollupRows.toLocaleString('en')} rollup rows standing for ${seeded.events.toLocaleString('en')} events`);

  const aggregate = async () => {
    const t0 = performance.now();
    await ctx.pool.query(
      `select count(*), sum(l), sum(m), sum(c), sum(k) from (
         select enrollment_id, sum(logins) as l, sum(study_minutes) as m, sum(lessons_completed) as c, sum(complaints) as k
         from enrollment_daily where day > (($1::timestamptz at time zone $2::text)::date - 56) and day <= ($1::timestamptz at time zone $2::text)::date
         group by enrollment_id) x`,
      [asOf, tz],
    );
    return performance.now() - t0;
  };

  const app = await createApiApp({ ...ctx.config });
  try {
    app.get(Clock).set(asOf);
    const runs = app.get(RuleRunsService);
    const fullRun = async () => {
      const { runId } = await runs.request(SYSTEM, { trigger: 'manual', asOf });
      const t0 = performance.now();
      const view = (await runs.execute(runId))!;
      return { ms: performance.now() - t0, view };
    };
    const warm = await aggregate();
    ctx.progress(`b (warm-up): ${Math.round(warm)} ms`);
    const rounds = Math.max(3, num(ctx.args.rounds, 3));
    const runMs: number[] = [];
    const aggregateMs: number[] = [];
    let a!: Awaited<ReturnType<typeof fullRun>>;
    for (let round = 1; round <= rounds; round++) {
      if (round > 1) {
        // A first run again: what the previous one opened is removed (no worker runs here, so no case took them in).
        // TRUNCATE, not DELETE: no dead rows left behind to slow the next round (autovacuum may be off).
        await ctx.pool.query(`truncate case_intake_queue, case_alerts, cohort_alerts, alert_feedback, alerts, outbox`);
        await ctx.pool.query(`analyze`);
      }
      a = await fullRun();
      runMs.push(a.ms);
      ctx.progress(
        `round ${round}/${rounds} a: full run ${Math.round(a.ms)} ms, opened ${a.view.alertsOpened} (${Object.entries(a.view.stats?.rules ?? {})
          .map(([k, v]) => `${k} ${v.opened} in ${v.ms} ms`)
          .join(', ')})`,
      );
      aggregateMs.push(await aggregate());
      ctx.progress(`round ${round}/${rounds} b: 8-week aggregate ${Math.round(aggregateMs.at(-1)!)} ms`);
    }
    const aSpread = spread(runMs);
    const bSpread = spread(aggregateMs);
    const second = await fullRun();
    ctx.progress(
      `second run: ${Math.round(second.ms)} ms, opened ${second.view.alertsOpened}, refreshed ${second.view.alertsRefreshed}, cleared ${second.view.alertsCleared}`,
    );
    if (second.view.alertsOpened !== 0) throw new Error(`the second run opened ${second.view.alertsOpened} alerts`);
    // 90-day backtest of every kind (default parameters), with the precision/recall against refreshed outcomes.
    await app.get(AnalyticsService).refresh();
    const to = new Date(asOf.getTime() - 86_400_000).toISOString().slice(0, 10);
    const from = new Date(asOf.getTime() - 90 * 86_400_000).toISOString().slice(0, 10);
    const backtests: Record<string, number> = {};
    for (const kind of RULE_KINDS) {
      const t0 = performance.now();
      const bt = await app.get(BacktestService).run(SYSTEM, { rule: { kind }, from, to });
      backtests[`backtest_${kind}_ms`] = Math.round(performance.now() - t0);
      ctx.progress(
        `backtest ${kind} over ${bt.days.length} days: ${backtests[`backtest_${kind}_ms`]} ms, ${bt.totals.alertsOpened} alerts would have opened, ` +
          `precision ${bt.quality.precision} (n ${bt.quality.precisionN}), recall ${bt.quality.recall} (n ${bt.quality.recallN})`,
      );
    }
    const backtestMs = Math.max(...Object.values(backtests));
    const [{ n: cohort }] = (await ctx.pool.query(`select count(*)::int as n from cohort_alerts`)).rows;

    ctx.result({
      ratio: aSpread.median / bSpread.median,
      op: '<=',
      target: 2,
      figures: {
        run_ms: Math.round(aSpread.median),
        aggregate_ms: Math.round(bSpread.median),
        second_run_ms: Math.round(second.ms),
        second_opened: second.view.alertsOpened,
        opened: a.view.alertsOpened,
        rounds,
        ...spreadFigures('run_ms', aSpread),
        ...spreadFigures('aggregate_ms', bSpread),
        cohort_alerts: cohort,
        backtest_90d_ms: backtestMs,
        ...backtests,
        learners,
        rollup_rows: seeded.rollupRows,
        events: seeded.events,
      },
    });
  } finally {
    await app.close();
  }
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}
