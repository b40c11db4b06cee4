import { runTinyBenchmark } from '../bench/lib/tiny-run.js';

/** A tiny run of `npm run bench -- schedule`, so the benchmark and its invariant checks never rot. */
describe('bench schedule (tiny)', () => {
  it('plans seven check-ins for every enrolment and passes the invariant checks', async () => {
    const { result } = await runTinyBenchmark('schedule', { enrollments: 120, advisors: 6, teams: 2, batch: 50 });
    expect(result).toMatch(/enrollments=120 /);
    expect(result).toMatch(/tasks=840 /);
    expect(result).toMatch(/ rounds=3 ms_median=\d+ ms_min=\d+ ms_max=\d+ baseline_ms_median=\d+ /);
  }, 120_000);
});
