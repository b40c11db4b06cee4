import { runTinyBenchmark } from '../bench/lib/tiny-run.js';

/** A tiny run of `npm run bench -- load`, so the benchmark, its processes and its traffic mix never rot. */
describe('bench load (tiny)', () => {
  it('drives the API and worker processes with every request kind and reports the rate held', async () => {
    const { result } = await runTinyBenchmark('load', { rates: '10', stepSeconds: 8, warmupSeconds: 6, trivialSeconds: 2, advisors: 3, tickets: 10 });
    // One step was offered and judged; its verdict and the trivial endpoint's rate are figures, never timed here.
    expect(result).toMatch(/ steps=r10:(yes|no)\//);
    expect(Number(/ trivial_rps=(\d+)/.exec(result)![1])).toBeGreaterThan(0);
    expect(result).toMatch(/ target_rps=150 /);
    // Every kind that needs nothing set up first was sent (outcomes and case views need calls and cases in the queue).
    for (const kind of ['sync_learners', 'sync_enrollments', 'sync_events', 'queue', 'search', 'ticket_reply']) {
      if (/ held_rps=10 /.test(result)) expect(Number(new RegExp(` ${kind}_at_held=n(\\d+)`).exec(result)![1])).toBeGreaterThan(0);
    }
    expect(Number(/ learners=(\d+)/.exec(result)![1])).toBeGreaterThan(0);
    expect(Number(/ webhooks_received=(\d+)/.exec(result)![1])).toBeGreaterThanOrEqual(0);
  }, 240_000);
});
