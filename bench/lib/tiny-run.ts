import { spawn } from 'node:child_process';
import path from 'node:path';
import type { BenchArgs } from './bench-context.js';

const RUN = path.resolve('dist/bench/run.js');

/**
 * Runs a benchmark at tiny scale inside the test suite, so it never rots: through the same command as
 * `npm run bench -- <name>` (dist/bench/run.js in a process of its own, with its worker processes and threads),
 * with `--tiny` (a scratch database, nothing appended to bench/RESULTS.md, the RESULT line labelled `<name>_tiny`),
 * against the test PostgreSQL and Redis. Returns every line it printed to stdout (the RESULT line among them);
 * tests check the figures' presence and counts, never timings. Needs `npm run build:quick` (npm test runs it).
 */
export async function runTinyBenchmark(name: string, args: BenchArgs): Promise<{ lines: string[]; result: string }> {
  const flags = Object.entries(args).flatMap(([k, v]) => {
    const flag = `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return v === true ? [flag] : v === undefined || v === false ? [] : [flag, String(v)];
  });
  const env = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    REDIS_URL: process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  };
  const child = spawn(process.execPath, [RUN, name, '--tiny', ...flags], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const lines = out.split('\n').filter(Boolean);
  if (code !== 0) {
    // The first lines that name an error (what went wrong), then the end (where it stopped): an error printed with its
    // objects can run to hundreds of lines, and the tail alone may show only a dumped client.
    const errLines = err.split('\n');
    const firstErrors = errLines.filter((l) => /error|Error|failed|refused|terminated/.test(l) && !/^\s+at /.test(l)).slice(0, 8);
    throw new Error(`npm run bench -- ${name} --tiny exited with ${code}:\n${firstErrors.join('\n')}\n…\n${errLines.slice(-15).join('\n')}`);
  }
  const result = lines.find((l) => l.startsWith(`RESULT ${name}_tiny `));
  if (!result) throw new Error(`the ${name} benchmark printed no RESULT line; it printed:\n${lines.join('\n')}\n${err.split('\n').slice(-10).join('\n')}`);
  // What the benchmark itself printed: not the app's JSON log lines.
  return { lines: lines.filter((l) => !l.startsWith('{')), result };
}
