import { createApiApp } from '../../apps/api/src/api-app.js';
import { Clock } from '../../libs/common/clock.js';
import { RiskRepository } from '../../libs/risk/risk.repository.js';
import { RiskService } from '../../libs/risk/risk.service.js';
import type { BenchContext } from '../lib/bench-context.js';
import { spread, spreadFigures } from '../lib/stats.js';
import { seedRiskSchool } from '../../libs/testing/risk-school.js';
import { seedRulesSchool } from '../rules/seed.js';

const SYSTEM = { kind: 'system' as const, id: 'bench' };

/**
 * Learned risk benchmark: the rules benchmark's school (--learners, default 100,000 enrolments with --days, default
 * 120, days of rollups), whose history has no churn to learn from, plus the learned-risk test school
 * (--train-learners, default 4,000: libs/testing/risk-school.ts), whose churn has known causes. First a model is
 * trained on the whole history (the worker's job, timed: train_ms and its phases). Then
 * a = scoring every active enrolment with the model in SQL (features from the rollups, score, reasons, written to
 * enrollment_risk; each round from an empty table), b = one aggregate pass over the same rollup window (the 60 days
 * the features read, grouped by enrolment). ratio = median(a) ÷ median(b) over 3 interleaved rounds, target ≤ 2.
 * Also: an immediate re-score with nothing changed (rewrites no row).
 */
export async function run(ctx: BenchContext): Promise<void> {
  const learners = num(ctx.args.learners, 100_000);
  const days = num(ctx.args.days, 120);
  const tz = ctx.config.schoolTimezone;
  const asOf = new Date();
  const seeded = await seedRulesSchool(ctx.pool, { learners, courses: num(ctx.args.courses, 40), days, timezone: tz, asOf }, ctx.progress);
  ctx.progress(`${seeded.rollupRows.toLocaleString('en')} rollup rows standing for ${seeded.events.toLocaleString('en')} events`);
  const trainLearners = num(ctx.args.trainLearners, 4_000);
  const school = await seedRiskSchool(
    { query: async (sql, params) => (await ctx.pool.query(sql, params)).rows },
    { learners: trainLearners, historyDays: 150, tz },
  );
  ctx.progress(`added the learned-risk school: ${school.enrollments.toLocaleString('en')} enrolments with 150 days of history`);
  await ctx.pool.query(`vacuum analyze`);

  const aggregate = async () => {
    const t0 = performance.now();
    await ctx.pool.query(
      `select count(*), sum(l), sum(m), sum(c), sum(k) from (
         select enrollment_id, sum(logins) as l, sum(study_minutes) as m, sum(lessons_completed) as c, sum(complaints) as k
         from enrollment_daily where day > (($1::timestamptz at time zone $2::text)::date - 60) and day <= ($1::timestamptz at time zone $2::text)::date
         group by enrollment_id) x`,
      [asOf, tz],
    );
    return performance.now() - t0;
  };

  const app = await createApiApp({ ...ctx.config });
  try {
    app.get(Clock).set(asOf);
    const risk = app.get(RiskService);
    const t0 = performance.now();
    const attempt = await risk.request(SYSTEM, 'manual');
    const done = await risk.train(attempt.id);
    const trainMs = performance.now() - t0;
    const report = await risk.report(SYSTEM);
    if (done?.status !== 'ready' || !report.model) throw new Error(`no model was trained: ${done?.status} ${done?.message ?? ''}`);
    const m = report.model;
    ctx.progress(
      `trained model ${m.version} in ${Math.round(trainMs)} ms (${Object.entries(m.training.phases)
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}) on ${m.training.rows} rows; test AUC ${m.evaluation.model.auc?.toFixed(3)}, rules ${m.evaluation.rules.auc?.toFixed(3)}: ${m.evaluation.verdict.text}`,
    );

    const repo = app.get(RiskRepository);
    ctx.progress(`b (warm-up): ${Math.round(await aggregate())} ms`);
    const rounds = Math.max(3, num(ctx.args.rounds, 3));
    const scoreMs: number[] = [];
    const aggregateMs: number[] = [];
    let scored = 0;
    for (let round = 1; round <= rounds; round++) {
      await ctx.pool.query(`truncate enrollment_risk`);
      const s0 = performance.now();
      const r = await repo.refreshScores(asOf, tz);
      scoreMs.push(performance.now() - s0);
      scored = r.scored;
      aggregateMs.push(await aggregate());
      ctx.progress(
        `round ${round}/${rounds}: a scoring ${r.scored} enrolments ${Math.round(scoreMs.at(-1)!)} ms, b aggregate ${Math.round(aggregateMs.at(-1)!)} ms`,
      );
    }
    const r0 = performance.now();
    const again = await repo.refreshScores(asOf, tz);
    const rescoreMs = performance.now() - r0;
    if (again.changed !== 0 || again.removed !== 0)
      throw new Error(`a re-score with nothing changed rewrote ${again.changed} and removed ${again.removed} rows`);
    ctx.progress(`re-score with nothing changed: ${Math.round(rescoreMs)} ms, 0 rows rewritten`);
    const a = spread(scoreMs);
    const b = spread(aggregateMs);
    ctx.result({
      ratio: a.median / b.median,
      op: '<=',
      target: 2,
      figures: {
        score_ms: Math.round(a.median),
        aggregate_ms: Math.round(b.median),
        ...spreadFigures('score_ms', a),
        ...spreadFigures('aggregate_ms', b),
        rescore_unchanged_ms: Math.round(rescoreMs),
        scored,
        train_ms: Math.round(trainMs),
        ...Object.fromEntries(Object.entries(m.training.phases).map(([k, v]) => [`train_${k.replace(/Ms$/, '')}_ms`, v])),
        train_rows: m.training.rows,
        test_rows: m.evaluation.rows,
        test_auc: Math.round((m.evaluation.model.auc ?? 0) * 1000) / 1000,
        rules_auc: Math.round((m.evaluation.rules.auc ?? 0) * 1000) / 1000,
        rounds,
        learners,
        train_learners: trainLearners,
        rollup_rows: seeded.rollupRows,
      },
    });
  } finally {
    await app.close();
  }
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}
