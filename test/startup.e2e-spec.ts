import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import pg from 'pg';
import { runMigrationsLocked } from '../libs/database/migrator.js';
import { testDatabaseUrl } from '../libs/testing/index.js';

// These tests start the built entry points as real processes (npm test builds first).
const STANDALONE = 'dist/apps/standalone/src/main.js';

function run(env: Record<string, string>, untilReady?: { port: number }): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STANDALONE], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
    if (untilReady) {
      const poll = setInterval(async () => {
        try {
          const res = await fetch(`http://127.0.0.1:${untilReady.port}/health/ready`);
          if (res.status === 200) {
            clearInterval(poll);
            child.kill('SIGTERM');
          }
        } catch {
          /* not up yet */
        }
      }, 200);
      child.on('exit', () => clearInterval(poll));
    }
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('starting careloop', () => {
  beforeAll(() => {
    if (!existsSync(STANDALONE)) throw new Error(`${STANDALONE} is missing: run npm run build (npm test does)`);
  });

  it('refuses to start on a malformed variable and names it', async () => {
    const { code, out } = await run({ PORT: 'eighty', SCHOOL_TIMEZONE: 'Mars/Base' });
    expect(code).toBe(1);
    expect(out).toContain('PORT must be a whole number');
    expect(out).toContain('SCHOOL_TIMEZONE');
  });

  it('refuses the default JWT secret in production', async () => {
    const { code, out } = await run({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@127.0.0.1:1/x' });
    expect(code).toBe(1);
    expect(out).toContain('JWT_SECRET');
  });

  it('starts against a configured database, answers ready, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const { code, out } = await run(
      {
        DATABASE_URL: await testDatabaseUrl(),
        JWT_SECRET: 'startup-test-jwt-secret-01',
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        QUEUE_PREFIX: `clstart-${port}`,
      },
      { port },
    );
    expect(out).toContain('ready:');
    expect(out).toContain('SIGTERM: shutting down');
    expect(code).toBe(0);
  }, 60_000);
});

describe('migrations under the lock', () => {
  it('lets two processes migrate a fresh database at once, applying each migration once', async () => {
    const admin = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    const name = `careloop_test_${process.env.CARELOOP_TEST_RUN ?? 'adhoc'}_race`;
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}"`);
    try {
      const url = new URL(process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
      url.pathname = `/${name}`;
      const [a, b] = await Promise.all([runMigrationsLocked(url.toString()), runMigrationsLocked(url.toString())]);
      expect(a.length + b.length).toBeGreaterThan(0);
      expect(Math.min(a.length, b.length)).toBe(0);
      const check = new pg.Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query(`select name, count(*)::int as n from migrations group by name`);
      await check.end();
      expect(rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });
});
