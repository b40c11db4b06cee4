import { createBenchContext } from '../bench/lib/bench-context.js';
import { run } from '../bench/analytics/index.js';

/** A tiny run of `npm run bench -- analytics`, so the seed, the refresh and every timed endpoint keep working. */
describe('bench analytics (tiny)', () => {
  it('seeds a school, refreshes twice (the second changes nothing) and answers every endpoint', async () => {
    process.env.DATABASE_URL ??= process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    process.env.REDIS_URL ??= process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const ctx = await createBenchContext(`analytics_tiny_${process.env.JEST_WORKER_ID ?? '1'}`, { learners: 400, runs: 1, teams: 2, advisors: 3, courses: 4 }, { record: false });
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(' '));
    try {
      await run(ctx);
    } finally {
      console.log = log;
      await ctx.close();
    }
    const result = lines.find((l) => l.startsWith('RESULT analytics_tiny'));
    expect(result).toMatch(/ learners=400 /);
    for (const name of ['retention_month', 'retention_csv', 'first_week', 'rules', 'churn_reasons', 'advisors', 'tickets_sup']) expect(result).toMatch(new RegExp(` ${name}_ms=\\d+`));
    const [, enrolments] = /enrolments=(\d+)/.exec(result!)!;
    expect(Number(enrolments)).toBe(480); // one per learner, two for every fifth
  }, 180_000);
});
