import { createBenchContext } from '../bench/lib/bench-context.js';
import { run } from '../bench/assign/index.js';

/** A tiny run of `npm run bench -- assign` (workers in-process), so the benchmark and its invariant checks never rot. */
describe('bench assign (tiny)', () => {
  it('opens, assigns or pools every case and passes the invariant checks', async () => {
    process.env.DATABASE_URL ??= process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    process.env.REDIS_URL ??= process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const ctx = await createBenchContext(`assign_tiny_${process.env.JEST_WORKER_ID ?? '1'}`, { learners: 60, alerts: 120, advisors: 6, teams: 2, workers: 2, inprocess: true }, { record: false });
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(' '));
    try {
      await run(ctx);
    } finally {
      console.log = log;
      await ctx.close();
    }
    const result = lines.find((l) => l.startsWith('RESULT assign_tiny'));
    expect(result).toMatch(/cases=60 /);
    expect(result).toMatch(/alerts=120 /);
    const [, assigned] = /assigned=(\d+)/.exec(result!)!;
    const [, pooled] = /pooled=(\d+)/.exec(result!)!;
    expect(Number(assigned) + Number(pooled)).toBe(60);
  }, 120_000);
});
