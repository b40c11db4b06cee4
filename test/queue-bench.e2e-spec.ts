import { run } from '../bench/queue/index.js';
import { createBenchContext } from '../bench/lib/bench-context.js';

/** A tiny run of `npm run bench -- queue`, so the benchmark, its seed and its trivial endpoint never rot. */
describe('bench queue (tiny)', () => {
  it('serves every advisor a queue and measures both endpoints under the same load', async () => {
    process.env.DATABASE_URL ??= process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    process.env.REDIS_URL ??= process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const ctx = await createBenchContext(`queue_tiny_${process.env.JEST_WORKER_ID ?? '1'}`, { learners: 2000, cases: 400, advisors: 5, rate: 20, duration: 2, connections: 2 }, { record: false });
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(' '));
    try {
      await run(ctx);
    } finally {
      console.log = log;
      await ctx.close();
    }
    const result = lines.find((l) => l.startsWith('RESULT queue_tiny'));
    expect(result).toMatch(/learners=2000 cases=400 advisors=5/);
    expect(Number(/requests=(\d+)/.exec(result!)![1])).toBeGreaterThan(0);
    expect(Number(/body_bytes=(\d+)/.exec(result!)![1])).toBeGreaterThan(1000);
  }, 120_000);
});
