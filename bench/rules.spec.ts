import { jest } from '@jest/globals';
import { createBenchContext } from './lib/bench-context.js';
import { run } from './rules/index.js';

/** A tiny run of the rules benchmark so it never rots (no timing assertions: the RESULT line is checked). */
process.env.DATABASE_URL ??= process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('rules benchmark (tiny)', () => {
  it('seeds rollups, times a full run against one aggregate pass, re-runs opening nothing, and prints one RESULT line', async () => {
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((l: unknown) => void lines.push(String(l)));
    const ctx = await createBenchContext('rules_tiny', { learners: 400, days: 60 }, { record: false });
    try {
      await run(ctx);
    } finally {
      log.mockRestore();
      await ctx.close();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^RESULT rules_tiny ratio=[\d.]+ target<=3 run_ms=\d+ aggregate_ms=\d+ second_run_ms=\d+ second_opened=0 opened=[1-9]\d* /);
  });
});
