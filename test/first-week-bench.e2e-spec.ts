import { run } from '../bench/schedule/index.js';
import { createBenchContext } from '../bench/lib/bench-context.js';

/** A tiny run of `npm run bench -- schedule`, so the benchmark and its invariant checks never rot. */
describe('bench schedule (tiny)', () => {
  it('plans seven check-ins for every enrolment and passes the invariant checks', async () => {
    process.env.DATABASE_URL ??= process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    process.env.REDIS_URL ??= process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const ctx = await createBenchContext(`schedule_tiny_${process.env.JEST_WORKER_ID ?? '1'}`, { enrollments: 120, advisors: 6, teams: 2, batch: 50 }, { record: false });
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(' '));
    try {
      await run(ctx);
    } finally {
      console.log = log;
      await ctx.close();
    }
    const result = lines.find((l) => l.startsWith('RESULT schedule_tiny'));
    expect(result).toMatch(/enrollments=120 /);
    expect(result).toMatch(/tasks=840 /);
  }, 120_000);
});
