import { mkdtempSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, DEFAULT_JWT_SECRET, JWT_SECRET_FILE, loadConfig as load } from './config.js';

// The embedded setup writes its generated JWT secret under DATA_DIR: keep that out of the working tree.
const DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'careloop-config-'));
const loadConfig = (env: Record<string, string>) => load({ DATA_DIR, ...env });

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems;
  }
}

describe('loadConfig', () => {
  it('starts with no configuration at all, on documented defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(c.redisUrlExplicit).toBe(false);
    expect(c.schoolTimezone).toBe('Asia/Shanghai');
    expect(c.holdoutPercent).toBe(0);
    expect(c.rulesCron).toBe('0 * * * *');
    // No built-in secret: one generated for this data directory, kept owner-only and reused on the next start.
    expect(c.jwtSecret).not.toBe(DEFAULT_JWT_SECRET);
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({}).jwtSecret).toBe(c.jwtSecret);
    expect(statSync(path.join(DATA_DIR, JWT_SECRET_FILE)).mode & 0o077).toBe(0);
    // Development only: a well-known first admin, so npm start then npm run demo work on a fresh clone.
    expect(c.bootstrapAdmin).toEqual({ email: 'admin@careloop.local', password: 'careloop-admin', isDefault: true });
    expect(loadConfig({ NODE_ENV: 'test' }).bootstrapAdmin).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-enough-length' }).bootstrapAdmin).toBeUndefined();
  });

  it('reads TRUST_PROXY as none, a hop count or a list of proxies', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,::1' }).trustProxy).toEqual(['loopback', '10.0.0.0/8', '::1']);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x', JWT_SECRET: 'a-real-secret-of-enough-length' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ SCHOOL_TIMEZONE: 'Mars/Olympus' }, 'SCHOOL_TIMEZONE'],
    [{ HOLDOUT_PERCENT: '101' }, 'HOLDOUT_PERCENT'],
    [{ RULES_CRON: 'every hour' }, 'RULES_CRON'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'a@b.c' }, 'BOOTSTRAP_ADMIN_PASSWORD'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: '10.0.0.0/40' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: 'proxy.internal' }, 'TRUST_PROXY'],
  ])('names the bad variable in %j', (env, name) => {
    const p = problems(env);
    expect(p).toHaveLength(1);
    expect(p[0]).toContain(name);
  });

  it('lists every bad variable at once', () => {
    expect(problems({ PORT: 'x', HOLDOUT_PERCENT: '-1', SCHOOL_TIMEZONE: 'Nowhere' })).toHaveLength(3);
  });

  it('refuses the built-in JWT secret in production, accepts a real one', () => {
    expect(problems({ NODE_ENV: 'production' })[0]).toMatch(/JWT_SECRET.*NODE_ENV=production/);
    expect(problems({ DATABASE_URL: 'postgres://u@db.example/careloop' })[0]).toMatch(/JWT_SECRET must be set when DATABASE_URL/);
    expect(problems({ JWT_SECRET: DEFAULT_JWT_SECRET })[0]).toMatch(/built-in test secret/);
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://u@db.example/careloop' }).jwtSecret).toBe(DEFAULT_JWT_SECRET);
    expect(load({ DATABASE_URL: 'postgres://u@db.example/careloop' }, { signsTokens: false }).jwtSecret).toHaveLength(43);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-real-secret-of-enough-length' }).nodeEnv).toBe('production');
  });

  it('parses lists and the bootstrap admin', () => {
    const c = loadConfig({
      CORS_ORIGINS: 'https://a.example, https://b.example',
      JWT_PREVIOUS_SECRETS: 'old-secret-one-1234,old-secret-two-1234',
      BOOTSTRAP_ADMIN_EMAIL: 'Admin@School.example',
      BOOTSTRAP_ADMIN_PASSWORD: 'long enough',
      REDIS_URL: 'redis://127.0.0.1:6390',
    });
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.jwtPreviousSecrets).toHaveLength(2);
    expect(c.bootstrapAdmin).toEqual({ email: 'admin@school.example', password: 'long enough' });
    expect(c.redisUrlExplicit).toBe(true);
  });
});
