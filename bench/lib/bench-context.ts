import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type AppConfig } from '../../libs/config/config.js';
import { startEmbeddedPostgres } from '../../libs/database/embedded-postgres.js';
import { runMigrationsLocked } from '../../libs/database/migrator.js';
import { ensureRedis } from '../../libs/queue/redis-bootstrap.js';

export interface BenchArgs {
  learners?: number;
  events?: number;
  /** Any other --flag value pairs. */
  [flag: string]: number | string | boolean | undefined;
}

export interface BenchContext {
  name: string;
  args: BenchArgs;
  /** A fresh, migrated database for this benchmark: careloop_bench_<name>. */
  databaseUrl: string;
  redisUrl: string;
  /** App config pointing at the bench database, for booting the real API/worker in-process. */
  config: AppConfig;
  pool: pg.Pool;
  progress(message: string): void;
  /** Prints the one RESULT line and appends a row to bench/RESULTS.md. */
  result(r: { ratio: number; op: '>=' | '<='; target: number; figures: Record<string, string | number>; notes?: string }): void;
  close(): Promise<void>;
}

export function parseArgs(argv: string[]): { name: string; args: BenchArgs } {
  const [name, ...rest] = argv;
  const args: BenchArgs = {};
  for (let i = 0; i < rest.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(rest[i]);
    if (!m) continue;
    const key = m[1].replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    let value: string | undefined = m[2];
    if (value === undefined && rest[i + 1] !== undefined && !rest[i + 1].startsWith('--')) value = rest[++i];
    args[key] = value === undefined ? true : /^\d+(\.\d+)?$/.test(value.replace(/_/g, '')) ? Number(value.replace(/_/g, '')) : value;
  }
  return { name, args };
}

/**
 * Benchmarks run against the same kind of database the app uses: DATABASE_URL's server when set, otherwise
 * the embedded PostgreSQL. Each gets its own fresh database so runs never see each other's data.
 */
export async function createBenchContext(name: string, args: BenchArgs, opts: { record?: boolean } = {}): Promise<BenchContext> {
  // Benchmarks sign tokens in-process only: a throwaway secret unless JWT_SECRET is given.
  const base = loadConfig({ JWT_SECRET: randomBytes(32).toString('base64url'), ...process.env });
  const log = (m: string) => process.stderr.write(`[bench ${name}] ${m}\n`);
  const server = base.databaseUrl
    ? { url: base.databaseUrl, stop: async () => undefined }
    : await startEmbeddedPostgres(base.dataDir, base.embeddedPostgresPort, log);
  // Tiny runs inside the test suite get a database of their own process, dropped at the end, so two test runs
  // (or a test run and a full benchmark) never drop each other's database.
  const scratch = opts.record === false;
  const dbName = `careloop_bench_${name.replace(/\W/g, '_')}${scratch ? `_${process.pid}` : ''}`.toLowerCase();
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(server.url);
  u.pathname = `/${dbName}`;
  const databaseUrl = u.toString();
  log('applying migrations');
  await runMigrationsLocked(databaseUrl);
  const redis = await ensureRedis({ url: base.redisUrl, explicit: base.redisUrlExplicit, dataDir: base.dataDir, log });
  const config: AppConfig = {
    ...base,
    databaseUrl,
    redisUrl: redis.url,
    queuePrefix: `clbench-${name}-${Date.now().toString(36)}`,
    logLevel: 'warn',
    migrationsRun: false,
  };
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  // An idle connection that the server closes (a restart, a timeout) is reported, not a crash of the whole run:
  // the pool replaces it on the next query, and a query that fails still fails the benchmark.
  pool.on('error', (e) => log(`idle database connection closed: ${e.message}`));
  const started = Date.now();
  return {
    name,
    args,
    databaseUrl,
    redisUrl: redis.url,
    config,
    pool,
    progress: (m) => log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s ${m}`),
    result: ({ ratio, op, target, figures, notes }) => {
      const fig = Object.entries(figures)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      const line = `RESULT ${name} ratio=${round(ratio)} target${op}${target} ${fig}`.trim();
      const met = op === '>=' ? ratio >= target : ratio <= target;
      console.log(line);
      if (opts.record === false) return;
      const file = path.resolve('bench/RESULTS.md');
      if (!existsSync(file))
        writeFileSync(
          file,
          '# Benchmark results\n\nAppended by `npm run bench -- <name>`; newest last. Ratios compare careloop against a baseline measured in the same run.\n\n| date (UTC) | benchmark | ratio | target | met | figures | machine |\n| --- | --- | --- | --- | --- | --- | --- |\n',
        );
      const machine = `${os.cpus().length}x ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, PostgreSQL ${base.databaseUrl ? 'server' : 'embedded'}`;
      appendFileSync(
        file,
        `| ${new Date().toISOString().slice(0, 16).replace('T', ' ')} | ${name} | ${round(ratio)} | ${op} ${target} | ${met ? 'yes' : 'no'} | ${fig}${notes ? ` (${notes})` : ''} | ${machine} |\n`,
      );
    },
    close: async () => {
      await pool.end();
      if (scratch) {
        const c = new pg.Client({ connectionString: server.url });
        await c.connect();
        await c.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
        await c.end();
      }
      await redis.stop();
      await server.stop();
    },
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
