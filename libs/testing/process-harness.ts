import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, createWriteStream, existsSync, mkdtempSync, readFileSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../database/embedded-postgres.js';

/**
 * Real careloop processes for the slow resilience suites: the built entry points (`npm run build` first)
 * started as child processes, which a test can kill -9 and start again; scratch databases on the shared
 * PostgreSQL; and a private PostgreSQL (the embedded-postgres binaries) that a test may stop and restart.
 */

/** The repository: the nearest folder above this file with package.json (this file runs from libs/ under ts-jest and from dist/libs/ in a benchmark). */
const ROOT = (() => {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
const ENTRY = { api: 'dist/apps/api/src/main.js', worker: 'dist/apps/worker/src/main.js' } as const;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One careloop process (API or worker) started from dist/, with its output appended to a log file. */
export class CareloopProcess {
  private child: ChildProcess | undefined;
  private log: WriteStream;
  private output = '';
  restarts = 0;

  constructor(
    readonly kind: 'api' | 'worker',
    private readonly env: Record<string, string>,
    readonly logFile: string,
  ) {
    const entry = path.join(ROOT, ENTRY[kind]);
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get port(): number | undefined {
    return this.env.PORT ? Number(this.env.PORT) : undefined;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits until it is ready (API: /health/live answers; worker: "running" printed). */
  async start(timeoutMs = 120_000): Promise<void> {
    if (this.running) throw new Error(`${this.kind} is already running`);
    this.output = '';
    // NODE_FLAGS: flags for node itself that NODE_OPTIONS refuses (e.g. --cpu-prof for a profile of the process).
    const flags = (this.env.NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...flags, path.join(ROOT, ENTRY[this.kind])], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const onData = (chunk: Buffer) => {
      this.log.write(chunk);
      if (this.output.length < 200_000) this.output += chunk.toString('utf8');
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.log.write(`\n=== ${new Date().toISOString()} start ${this.kind} pid ${child.pid}\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.kind} exited during start (code ${child.exitCode}): ${this.output.slice(-2000)}`);
      if (this.kind === 'worker' && this.output.includes('[careloop worker] running')) return;
      if (this.kind === 'api' && this.output.includes('listening on')) {
        const ok = await fetch(`${this.baseUrl}/health/live`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
      }
      if (Date.now() > deadline) throw new Error(`${this.kind} not ready after ${timeoutMs} ms: ${this.output.slice(-2000)}`);
      await sleep(100);
    }
  }

  /** kill -9: no shutdown hooks, no draining; whatever was in flight is cut off. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await exited;
    this.log.write(`\n=== ${new Date().toISOString()} killed -9 ${this.kind} pid ${child.pid}\n`);
  }

  async restart(): Promise<void> {
    await this.kill9();
    this.restarts++;
    await this.start();
  }

  /** SIGTERM and wait (graceful stop), kill -9 after `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Resident set size in MiB, from /proc (Linux). */
  rssMiB(): number {
    if (!this.child?.pid || !this.running) return NaN;
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return Math.round((kb / 1024) * 10) / 10;
  }

  /** Lines the process printed since its last start that match `re` (e.g. unexpected errors). */
  outputMatching(re: RegExp): string[] {
    return this.output.split('\n').filter((l) => re.test(l));
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((r) => this.log.end(() => r()));
  }
}

/** A database of the test's own on a PostgreSQL server (the shared one by default), dropped at the end. */
export class ScratchDatabase {
  private constructor(
    readonly url: string,
    private readonly adminUrl: string,
    readonly name: string,
  ) {}

  /** `template`: copy that database (which nobody may be connected to), e.g. one seeded once for two runs. */
  static async create(prefix: string, opts: { template?: string; adminUrl?: string } = {}): Promise<ScratchDatabase> {
    const adminUrl = opts.adminUrl ?? process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `careloop_${prefix}_${randomUUID().slice(0, 8)}`.replace(/[^a-z0-9_]/g, '_');
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database ${name}${opts.template ? ` template ${opts.template}` : ''}`);
    } finally {
      await admin.end();
    }
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return new ScratchDatabase(url.toString(), adminUrl, name);
  }

  pool(max = 4): pg.Pool {
    return new pg.Pool({ connectionString: this.url, max });
  }

  async drop(): Promise<void> {
    const admin = new pg.Client({ connectionString: this.adminUrl });
    await admin.connect();
    try {
      await admin.query(`drop database if exists ${this.name} with (force)`);
    } finally {
      await admin.end();
    }
  }
}

/**
 * A PostgreSQL server of the test's own (embedded-postgres binaries, data in a temp dir the `postgres` user
 * can write, a free port), which the test may stop and start again. Never the machine's shared server.
 */
export class PrivatePostgres {
  private handle: EmbeddedPostgresHandle | undefined;
  private constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(path.join(tmpdir(), 'careloop-pg-'));
    chmodSync(dir, 0o777);
    const p = new PrivatePostgres(dir, await freePort());
    await p.up();
    return p;
  }

  get url(): string {
    if (!this.handle) throw new Error('private PostgreSQL is not running');
    return this.handle.url;
  }

  async up(): Promise<void> {
    this.handle = await startEmbeddedPostgres(this.dataDir, this.port, () => undefined);
  }

  async down(): Promise<void> {
    await this.handle?.stop();
  }
}

/** A small HTTP client for a running API process (JSON in and out, never throws on a status). */
export async function api(
  baseUrl: string,
  method: string,
  urlPath: string,
  opts: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; body: any; ms: number }> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${baseUrl}${urlPath}`, {
      method,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, ms: performance.now() - t0 };
  } catch (e) {
    // No answer at all (connection refused or reset, timeout): status 0.
    return { status: 0, body: String(e), ms: performance.now() - t0 };
  }
}

/** The common environment of a careloop process against the given database and Redis. */
export function careloopEnv(opts: {
  databaseUrl: string;
  redisUrl: string;
  queuePrefix: string;
  port?: number;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    NODE_ENV: 'development',
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    QUEUE_PREFIX: opts.queuePrefix,
    LOG_LEVEL: 'warn',
    OUTBOX_POLL_MS: '100',
    // DATABASE_URL is set, so careloop requires a secret of its own (the same for every API process).
    JWT_SECRET: 'resilience-test-jwt-secret-0001',
    // Webhook receivers in these tests listen on loopback, which only an operator's allow-list opens.
    WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
    BOOTSTRAP_ADMIN_EMAIL: 'admin@resilience.test',
    BOOTSTRAP_ADMIN_PASSWORD: 'resilience-admin-password',
    RATE_LIMIT_PER_MINUTE: '10000000',
    ...(opts.port ? { PORT: String(opts.port), HOST: '127.0.0.1' } : {}),
    ...opts.extra,
  };
}

/** Logs in the bootstrap admin of careloopEnv() and returns the access token. */
export async function adminToken(baseUrl: string): Promise<string> {
  const res = await api(baseUrl, 'POST', '/api/v1/auth/login', { body: { email: 'admin@resilience.test', password: 'resilience-admin-password' } });
  if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}
