import 'reflect-metadata';
import { createBenchContext, parseArgs, type BenchContext } from './lib/bench-context.js';

/**
 * `npm run bench -- <name> [--learners N] [--events N] [--no-record] [--tiny]`: each benchmark lives in bench/<name>/index.ts
 * and exports `run(ctx)`; it measures careloop against a baseline in the same run and ends with one RESULT line,
 * appended to bench/RESULTS.md unless `--no-record` (trying a change out: a scratch database, nothing written).
 */
const BENCHMARKS = ['ingest', 'rules', 'assign', 'queue', 'schedule', 'analytics', 'console', 'load', 'risk'] as const;

async function main(): Promise<void> {
  const { name, args } = parseArgs(process.argv.slice(2));
  if (!name || !(BENCHMARKS as readonly string[]).includes(name)) {
    console.error(`usage: npm run bench -- <${BENCHMARKS.join('|')}> [--learners N] [--events N] [--no-record]`);
    process.exit(2);
  }
  const mod: { run(ctx: BenchContext): Promise<void> } = await import(`./${name}/index.js`);
  // --tiny: the small runs inside npm test (bench/lib/tiny-run.ts): labelled <name>_tiny, a scratch database, not recorded.
  const tiny = args.tiny === true;
  const ctx = await createBenchContext(tiny ? `${name}_tiny` : name, args, { record: args.noRecord !== true && !tiny });
  try {
    await mod.run(ctx);
  } finally {
    await ctx.close();
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
