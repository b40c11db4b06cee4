import { runTinyBenchmark } from '../bench/lib/tiny-run.js';

/** A tiny run of `npm run bench -- queue`, so the benchmark, its seed and its trivial endpoint never rot. */
describe('bench queue (tiny)', () => {
  it('serves every advisor a queue and measures both endpoints under the same load', async () => {
    const { result } = await runTinyBenchmark('queue', { learners: 2000, cases: 400, advisors: 5, rate: 20, duration: 2, connections: 2 });
    expect(result).toMatch(/learners=2000 cases=400 advisors=5/);
    // Judged on both percentiles: the ratio is the larger of the two medians, each with its spread over 3 rounds.
    const fig = (k: string) => Number(new RegExp(` ${k}=([\\d.]+)`).exec(result)![1]);
    expect(fig('rounds')).toBe(3);
    expect(fig('ratio')).toBeCloseTo(Math.max(fig('p50_ratio_median'), fig('p99_ratio_median')), 2);
    expect(fig('p50_ratio_min')).toBeLessThanOrEqual(fig('p50_ratio_max'));
    expect(Number(/requests=(\d+)/.exec(result)![1])).toBeGreaterThan(0);
    expect(Number(/body_bytes=(\d+)/.exec(result)![1])).toBeGreaterThan(1000);
  }, 120_000);
});
