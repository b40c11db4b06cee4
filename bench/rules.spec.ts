import { runTinyBenchmark } from './lib/tiny-run.js';

/** A tiny run of the rules benchmark so it never rots (no timing assertions: the RESULT line is checked). */
describe('rules benchmark (tiny)', () => {
  it('seeds rollups, times a full run against one aggregate pass, re-runs opening nothing, and prints one RESULT line', async () => {
    const { lines } = await runTinyBenchmark('rules', { learners: 400, days: 60 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^RESULT rules_tiny ratio=[\d.]+ target<=2 run_ms=\d+ aggregate_ms=\d+ second_run_ms=\d+ second_opened=0 opened=[1-9]\d* /);
    for (const kind of ['inactive_days', 'low_completion', 'late_assignments', 'complaints', 'study_time_drop'])
      expect(lines[0]).toMatch(new RegExp(` backtest_${kind}_ms=\\d+ `));
  });
});
