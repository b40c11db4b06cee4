import { runTinyBenchmark } from '../bench/lib/tiny-run.js';

/** A tiny run of `npm run bench -- assign` (workers in-process), so the benchmark and its invariant checks never rot. */
describe('bench assign (tiny)', () => {
  it('opens, assigns or pools every case and passes the invariant checks', async () => {
    const { result } = await runTinyBenchmark('assign', { learners: 60, alerts: 120, advisors: 6, teams: 2, workers: 2 });
    expect(result).toMatch(/cases=60 /);
    expect(result).toMatch(/alerts=120 /);
    // Three rounds on each side, the ratio of their medians.
    expect(result).toMatch(/ rounds=3 ms_median=\d+ ms_min=\d+ ms_max=\d+ baseline_ms_median=\d+ /);
    const [, assigned] = /assigned=(\d+)/.exec(result)!;
    const [, pooled] = /pooled=(\d+)/.exec(result)!;
    expect(Number(assigned) + Number(pooled)).toBe(60);
  }, 120_000);

  it('keeps every invariant with two intake transactions at a time over several batches', async () => {
    const { result } = await runTinyBenchmark('assign', { learners: 1500, alerts: 3000, advisors: 12, teams: 3, workers: 2, intakeConcurrency: 2 });
    expect(result).toMatch(/cases=1500 /);
    expect(result).toMatch(/intake_concurrency=2 /);
    const [, assigned] = /assigned=(\d+)/.exec(result)!;
    const [, pooled] = /pooled=(\d+)/.exec(result)!;
    expect(Number(assigned) + Number(pooled)).toBe(1500);
  }, 180_000);
});
