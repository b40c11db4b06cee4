import { MixedTraffic } from '../../libs/testing/mixed-traffic.js';
import { endState, System } from '../../libs/testing/system.js';
import { recordResult } from './results.js';

/**
 * Mixed load at a steady (open-loop) rate, LOAD_RATE requests/s (default 12) for LOAD_SECONDS (default 600): the
 * traffic of libs/testing/mixed-traffic.ts (sync batches, queue reads, outcome writes, learner searches, case views,
 * ticket replies; rule runs, first-week programs and webhooks in the background), the same mix `npm run bench -- load`
 * steps up. Reports throughput, p50/p99 per request kind, errors (must be 0), worker lag (outbox and queue backlog over
 * time) and API/worker RSS at start, middle and end, to test/RESULTS.md.
 */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 600);
const RATE = Number(process.env.LOAD_RATE ?? 12);
/** Lag bounds the run must hold: the outbox never further behind than this many events, and everything drained this soon after the load. */
const MAX_OUTBOX_BACKLOG = Number(process.env.LOAD_MAX_OUTBOX_BACKLOG ?? 1000);
const MAX_DRAIN_S = Number(process.env.LOAD_MAX_DRAIN_S ?? 30);

describe('mixed load at a steady rate', () => {
  it(`holds ${RATE} requests/s for ${SECONDS} s with no errors, bounded lag and no memory growth trend`, async () => {
    const sys = await System.start('load');
    try {
      const traffic = await MixedTraffic.setup(sys, { advisors: 8, tickets: 100 });
      const r = await traffic.run(RATE, SECONDS, { ruleRunEverySeconds: Math.max(60, SECONDS / 4) });
      const drainS = await traffic.drain(600);
      const state = await endState(sys);
      const runs = await sys.q<{ status: string; n: number }>(`select status, count(*)::int as n from rule_runs group by 1`);
      const incomplete = runs.filter((x) => x.status !== 'completed').reduce((a, x) => a + x.n, 0);
      await traffic.close();

      const figures: Record<string, string | number> = { seconds: SECONDS, rate: RATE, achieved_rps: r.achievedRps };
      for (const [kind, f] of Object.entries(r.kinds)) figures[kind] = `n${f.n}/p50=${f.p50}ms/p99=${f.p99}ms`;
      figures.errors = r.errorCount;
      figures.skipped = r.skipped;
      figures.max_outbox_backlog = r.maxOutbox;
      figures.max_queue_backlog = r.maxQueue;
      figures.drain_s_after_load = drainS;
      const first = r.samples[1] ?? r.samples[0];
      const mid = r.samples[Math.floor(r.samples.length / 2)];
      const last = r.samples[r.samples.length - 1];
      figures.api_rss_mib = `${first.apiRss}->${mid.apiRss}->${last.apiRss}`;
      figures.worker_rss_mib = `${first.workerRss}->${mid.workerRss}->${last.workerRss}`;
      figures.rule_runs = runs.map((x) => `${x.status}:${x.n}`).join(',');
      figures.dup_first_week = state['dup.first_week'];
      figures.tasks = Object.entries(state)
        .filter(([k]) => k.startsWith('tasks.'))
        .map(([k, v]) => `${k.slice(6)}:${v}`)
        .join(',');
      figures.learners = traffic.learners;
      figures.enrolments = traffic.enrolments;
      figures.events = traffic.events;
      figures.webhooks_received = traffic.webhookReceived;
      // Memory trend: the second half should not keep climbing (end within 25% of the midpoint).
      const apiGrowth = last.apiRss / mid.apiRss;
      const workerGrowth = last.workerRss / mid.workerRss;
      const lagHeld = r.maxOutbox <= MAX_OUTBOX_BACKLOG && drainS <= MAX_DRAIN_S;
      const held = r.errorCount === 0 && apiGrowth < 1.25 && workerGrowth < 1.25 && incomplete === 0 && lagHeld && state['dup.first_week'] === 0;
      recordResult(
        `mixed load ${RATE}/s ${SECONDS} s`,
        held,
        figures,
        `bounds: outbox backlog <= ${MAX_OUTBOX_BACKLOG}, drained within ${MAX_DRAIN_S} s, every rule run completed; lag samples (s:outbox/queue): ${r.samples
          .filter((_, i) => i % Math.max(1, Math.floor(r.samples.length / 12)) === 0)
          .map((x) => `${x.s}:${x.outbox}/${x.queue}`)
          .join(' ')}`,
      );
      expect(r.errors).toEqual([]);
      expect(incomplete).toBe(0);
      expect(r.maxOutbox).toBeLessThanOrEqual(MAX_OUTBOX_BACKLOG);
      expect(drainS).toBeLessThanOrEqual(MAX_DRAIN_S);
      expect(state['dup.first_week']).toBe(0);
      expect(apiGrowth).toBeLessThan(1.25);
      expect(workerGrowth).toBeLessThan(1.25);
    } finally {
      await sys.close();
    }
  });
});
