import type { AddressInfo } from 'node:net';
import { createApiApp } from '../../apps/api/src/api-app.js';
import { AnalyticsService } from '../../libs/analytics/analytics.service.js';
import { TokenService } from '../../libs/auth/token.service.js';
import { Clock } from '../../libs/common/clock.js';
import type { BenchContext } from '../lib/bench-context.js';
import { seedSchool } from './seed.js';

/** Each analytics endpoint must answer within this budget for a 100k-learner school. */
export const ANALYTICS_BUDGET_MS = 1000;

/**
 * Analytics benchmark: seeds a school of --learners (default 100,000) directly with SQL, refreshes the outcome
 * summary (timed, reported), then times every analytics endpoint over real HTTP against the real API
 * (one warm-up, then the median of --runs, default 5), as an admin (every course) and as a supervisor (one
 * team's courses), JSON and CSV. ratio = slowest endpoint median ÷ 1 s (target ≤ 1).
 */
export async function run(ctx: BenchContext): Promise<void> {
  const learners = num(ctx.args.learners, 100_000);
  const runs = num(ctx.args.runs, 5);
  const asOf = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000);
  const seeded = await seedSchool(
    ctx.pool,
    {
      learners,
      teams: num(ctx.args.teams, 5),
      advisorsPerTeam: num(ctx.args.advisors, 10),
      courses: num(ctx.args.courses, 40),
      asOf,
      seed: num(ctx.args.seed, 42),
    },
    ctx.progress,
  );

  const app = await createApiApp({ ...ctx.config, rateLimitPerMinute: 100_000_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}/api/v1`;
  const figures: Record<string, string | number> = {
    learners,
    enrolments: seeded.enrolments,
    tasks: seeded.tasks,
    alerts: seeded.alerts,
    cases: seeded.cases,
    tickets: seeded.tickets,
  };
  let slowest = 0;
  let slowestName = '';
  try {
    app.get(Clock).set(asOf);
    const t0 = performance.now();
    const refreshed = await app.get(AnalyticsService).refresh();
    const refreshMs = performance.now() - t0;
    figures.refresh_ms = Math.round(refreshMs);
    figures.refresh_tickets_ms = refreshed.ticketsMs;
    ctx.progress(
      `refresh: ${refreshed.enrollments.toLocaleString('en')} outcomes, ${refreshed.ticketsMeasured.toLocaleString('en')} ticket durations in ${Math.round(refreshMs)} ms`,
    );
    const again = performance.now();
    const second = await app.get(AnalyticsService).refresh();
    figures.rerefresh_ms = Math.round(performance.now() - again);
    if (second.changed !== 0 || second.ticketsMeasured !== 0)
      throw new Error(`a repeated refresh changed ${second.changed} outcomes and ${second.ticketsMeasured} tickets`);
    await ctx.pool.query('analyze');

    const tokens = app.get(TokenService);
    const [{ id: adminId }] = (await ctx.pool.query(`select id from staff where role = 'admin' limit 1`)).rows;
    const [{ id: supId }] = (await ctx.pool.query(`select id from staff where role = 'supervisor' order by email limit 1`)).rows;
    const admin = `Bearer ${tokens.sign({ sub: adminId, role: 'admin' }).accessToken}`;
    const supervisor = `Bearer ${tokens.sign({ sub: supId, role: 'supervisor' }).accessToken}`;
    const [{ id: courseId }] = (await ctx.pool.query(`select id from courses order by external_id limit 1`)).rows;

    const cases: Array<{ name: string; path: string; auth: string; csv?: boolean }> = [
      { name: 'retention_month', path: '/analytics/retention?cohort=month', auth: admin },
      { name: 'retention_week', path: '/analytics/retention?cohort=week&weeks=52', auth: admin },
      { name: 'retention_csv', path: '/analytics/retention?cohort=week&weeks=52', auth: admin, csv: true },
      { name: 'retention_sup', path: '/analytics/retention?cohort=week', auth: supervisor },
      { name: 'retention_course', path: `/analytics/retention?cohort=week&courseId=${courseId}`, auth: admin },
      { name: 'first_week', path: '/analytics/first-week', auth: admin },
      { name: 'first_week_sup', path: '/analytics/first-week', auth: supervisor },
      { name: 'rules', path: '/analytics/rules', auth: admin },
      { name: 'rules_sup', path: '/analytics/rules', auth: supervisor },
      { name: 'churn_reasons', path: '/analytics/churn-reasons', auth: admin },
      { name: 'churn_reasons_sup', path: '/analytics/churn-reasons', auth: supervisor },
      { name: 'advisors', path: '/analytics/advisors', auth: admin },
      { name: 'tickets', path: '/analytics/tickets', auth: admin },
      { name: 'tickets_sup', path: '/analytics/tickets', auth: supervisor },
    ];
    for (const c of cases) {
      const headers = { Authorization: c.auth, Accept: c.csv ? 'text/csv' : 'application/json' };
      const times: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const t = performance.now();
        const res = await fetch(base + c.path, { headers });
        const body = await res.text();
        const ms = performance.now() - t;
        if (res.status !== 200) throw new Error(`${c.path}: ${res.status} ${body.slice(0, 300)}`);
        if (i > 0) times.push(ms);
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)];
      figures[`${c.name}_ms`] = Math.round(median);
      ctx.progress(`${c.name.padEnd(18)} median ${median.toFixed(0).padStart(5)} ms  max ${times[times.length - 1].toFixed(0)} ms`);
      if (median > slowest) {
        slowest = median;
        slowestName = c.name;
      }
    }
  } finally {
    await app.close();
  }
  ctx.result({
    ratio: slowest / ANALYTICS_BUDGET_MS,
    op: '<=',
    target: 1,
    figures: { slowest: slowestName, slowest_ms: Math.round(slowest), ...figures },
    notes: `median of ${runs} runs after a warm-up, over HTTP`,
  });
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}
