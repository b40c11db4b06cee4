import { createBenchContext, type BenchArgs, type BenchContext } from './bench-context.js';

/**
 * Runs a benchmark at tiny scale inside the test suite, so it never rots: against the test PostgreSQL and Redis,
 * in a scratch database, without appending to bench/RESULTS.md. Returns every line it printed to stdout
 * (the RESULT line among them); tests check the figures' presence and counts, never timings.
 */
export async function runTinyBenchmark(name: string, run: (ctx: BenchContext) => Promise<void>, args: BenchArgs): Promise<{ lines: string[]; result: string }> {
  process.env.DATABASE_URL ??= process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  process.env.REDIS_URL ??= process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => void lines.push(parts.map(String).join(' '));
  const ctx = await createBenchContext(`${name}_tiny`, args, { record: false }).catch((e) => {
    console.log = log;
    throw e;
  });
  try {
    await run(ctx);
  } finally {
    console.log = log;
    await ctx.close();
  }
  const result = lines.find((l) => l.startsWith(`RESULT ${name}_tiny `));
  if (!result) throw new Error(`the ${name} benchmark printed no RESULT line; it printed:\n${lines.join('\n')}`);
  return { lines, result };
}
