import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { IANAZone } from 'luxon';

/**
 * Everything careloop reads from the environment, parsed and validated once at boot.
 * No other file reads process.env (CONTRIBUTING rule 7).
 */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Unset means: run the embedded PostgreSQL (see libs/database/embedded-postgres.ts). */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  embeddedPostgresPort: number;
  dataDir: string;
  redisUrl: string;
  /** True when REDIS_URL was given explicitly: then we never start a redis-server of our own. */
  redisUrlExplicit: boolean;
  /**
   * QUEUE_PREFIX. Unset (the default): derived at boot from the database's identity (libs/queue/queue-prefix.ts),
   * so installations with different databases never share queues on one Redis.
   */
  queuePrefix: string | undefined;
  jwtSecret: string;
  /** Older signing secrets still accepted for verification during a rotation. */
  jwtPreviousSecrets: string[];
  jwtExpiresInSeconds: number;
  schoolTimezone: string;
  /**
   * The first admin, created when no staff exists. In development on the embedded database, without
   * BOOTSTRAP_ADMIN_*, a well-known default (admin@careloop.local / careloop-admin, `isDefault`) so `npm start`
   * then `npm run demo` just works; never with DATABASE_URL.
   */
  bootstrapAdmin: { email: string; password: string; isDefault?: boolean } | undefined;
  holdoutPercent: number;
  rulesCron: string;
  partitionsCron: string;
  analyticsCron: string;
  /** When the worker trains a new learned risk model (default Mondays 03:45, school time zone). */
  riskTrainCron: string;
  remindersCron: string;
  churnInactiveDays: number;
  reminderInactiveDays: number;
  corsOrigins: string[];
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Largest request body on every route but sync (and login, which takes at most LOGIN_BODY_LIMIT_BYTES). */
  bodyLimitBytes: number;
  /** Largest request body on the sync routes (batches of up to 5,000 items). */
  syncBodyLimitBytes: number;
  /**
   * Which proxies in front of the API to believe about the client address (X-Forwarded-For): none (false), a hop
   * count, or a list of addresses / CIDRs (and the names loopback, linklocal, uniquelocal). Rate limits and the
   * login throttle key on the address this yields, so trusting everyone would let a client choose its own.
   */
  trustProxy: false | number | string[];
  loginMaxFailures: number;
  rateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  loginWindowSeconds: number;
  outboxPollMs: number;
  /** Case intake transactions allowed at once (advisory lock slots). */
  caseIntakeConcurrency: number;
  /** Alerts taken into cases per intake transaction. */
  caseIntakeBatch: number;
  migrationsRun: boolean;
  /** Webhook receivers allowed although not public (on-premise): host names, addresses and CIDRs. */
  webhookAllowedTargets: { hosts: string[]; cidrs: string[] };
  /** Backtests running at once across all API processes; more get 429 with Retry-After. */
  backtestConcurrency: number;
  /** work_mem of a backtest's one big query (each sort or hash node may use this much). */
  backtestWorkMemMb: number;
}

/** Accepted only with NODE_ENV=test (the test suites): never by an instance someone runs. */
export const DEFAULT_JWT_SECRET = 'careloop-test-secret-never-deployed';
/** Where the embedded setup keeps its generated JWT secret, under DATA_DIR. */
export const JWT_SECRET_FILE = 'jwt-secret';
/** The login body is an email and a password: anything bigger is refused before it is parsed. */
export const LOGIN_BODY_LIMIT_BYTES = 8 * 1024;
export const DEVELOPMENT_ADMIN = { email: 'admin@careloop.local', password: 'careloop-admin' } as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const CRON_FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max} (got "${v}")`);
      return fallback;
    }
    return Number(v);
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${name} must be a number from ${min} to ${max} (got "${v}")`);
      return fallback;
    }
    return n;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${v}")`);
      return fallback;
    }
    return v as T;
  }

  url(name: string, protocols: string[]): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    try {
      const u = new URL(v);
      if (!protocols.includes(u.protocol)) throw new Error('protocol');
      return v;
    } catch {
      this.problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')} (got "${v}")`);
      return undefined;
    }
  }

  cron(name: string, fallback: string): string {
    const v = this.raw(name) ?? fallback;
    const fields = v.split(/\s+/);
    if ((fields.length !== 5 && fields.length !== 6) || !fields.every((f) => CRON_FIELD.test(f))) {
      this.problems.push(`${name} must be a cron expression with 5 or 6 fields (got "${v}")`);
      return fallback;
    }
    return v;
  }

  timezone(name: string, fallback: string): string {
    const v = this.raw(name) ?? fallback;
    if (!IANAZone.isValidZone(v)) {
      this.problems.push(`${name} must be an IANA time zone such as Asia/Shanghai (got "${v}")`);
      return fallback;
    }
    return v;
  }

  webhookTargets(name: string): { hosts: string[]; cidrs: string[] } {
    const out = { hosts: [] as string[], cidrs: [] as string[] };
    for (const entry of (this.raw(name) ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean)) {
      const [addr, bits, extra] = entry.split('/');
      if (isIP(addr)) {
        const max = isIP(addr) === 4 ? 32 : 128;
        if (extra !== undefined || (bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > max)))
          this.problems.push(`${name}: "${entry}" is not an address or CIDR`);
        else out.cidrs.push(entry);
      } else if (/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(entry)) {
        out.hosts.push(entry);
      } else {
        this.problems.push(`${name} must be a comma-separated list of host names, addresses or CIDRs (got "${entry}")`);
      }
    }
    return out;
  }

  trustProxy(name: string): false | number | string[] {
    const v = this.raw(name);
    if (v === undefined || ['false', 'no', 'none', '0'].includes(v.toLowerCase())) return false;
    if (/^\d+$/.test(v)) {
      if (Number(v) > 10) this.problems.push(`${name} as a hop count must be from 0 to 10 (got "${v}")`);
      return Number(v);
    }
    const entries = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = entries.filter((e) => {
      if (['loopback', 'linklocal', 'uniquelocal'].includes(e)) return false;
      const [addr, bits, extra] = e.split('/');
      if (extra !== undefined || !isIP(addr)) return true;
      return bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > (isIP(addr) === 4 ? 32 : 128));
    });
    if (bad.length || !entries.length) {
      this.problems.push(
        `${name} must be false, a hop count, or a comma-separated list of proxy addresses or CIDRs (or loopback, linklocal, uniquelocal); ` +
          `"true" is refused because it lets any client choose its address (got "${v}")`,
      );
      return false;
    }
    return entries;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (['true', '1', 'yes'].includes(v.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(v.toLowerCase())) return false;
    this.problems.push(`${name} must be true or false (got "${v}")`);
    return fallback;
  }
}

/**
 * The embedded development setup's signing secret: random, made once and kept in DATA_DIR/jwt-secret (owner-only),
 * so tokens survive restarts and no two installations share a secret.
 */
function embeddedJwtSecret(dataDir: string, problems: string[]): string {
  const file = path.join(dataDir, JWT_SECRET_FILE);
  const read = () => readFileSync(file, 'utf8').trim();
  try {
    const existing = read();
    if (existing.length >= 32) return existing;
    problems.push(`${file} holds a JWT secret shorter than 32 characters; delete it to have a new one generated`);
    return existing;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      problems.push(`cannot read ${file}: ${(e as Error).message}`);
      return '';
    }
  }
  const secret = randomBytes(48).toString('base64url');
  try {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return read(); // another process made it first
    problems.push(`cannot create ${file} for the generated JWT secret (set JWT_SECRET instead): ${(e as Error).message}`);
    return '';
  }
}

export interface LoadConfigOptions {
  /**
   * False for processes that neither sign nor verify staff tokens (the worker, the migration CLI, benchmarks):
   * they need no JWT_SECRET and get a throwaway one.
   */
  signsTokens?: boolean;
}

/** Parses and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env, opts: LoadConfigOptions = {}): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf('NODE_ENV', 'development', ['development', 'production', 'test'] as const);
  const databaseUrlGiven = r.raw('DATABASE_URL') !== undefined;
  const dataDir = r.string('DATA_DIR', '.data');
  // No built-in secret outside the test suites: JWT_SECRET, else (embedded database, development) one generated
  // under DATA_DIR. A real deployment (DATABASE_URL, or NODE_ENV=production) must name its own.
  let jwtSecret = r.raw('JWT_SECRET');
  if (jwtSecret === undefined) {
    if (opts.signsTokens === false) jwtSecret = randomBytes(32).toString('base64url');
    else if (nodeEnv === 'test') jwtSecret = DEFAULT_JWT_SECRET;
    else if (nodeEnv === 'production') r.problems.push('JWT_SECRET must be set to your own secret (at least 16 characters) when NODE_ENV=production');
    else if (databaseUrlGiven)
      r.problems.push(
        'JWT_SECRET must be set when DATABASE_URL is set (a real deployment): use a random string of at least 16 characters, the same for every API process',
      );
    else jwtSecret = embeddedJwtSecret(dataDir, r.problems);
  } else if (jwtSecret.length < 16) {
    r.problems.push('JWT_SECRET must be at least 16 characters long');
  } else if (jwtSecret === DEFAULT_JWT_SECRET && nodeEnv !== 'test') {
    r.problems.push('JWT_SECRET must not be the built-in test secret');
  }
  const email = r.raw('BOOTSTRAP_ADMIN_EMAIL');
  const password = r.raw('BOOTSTRAP_ADMIN_PASSWORD');
  if ((email === undefined) !== (password === undefined)) {
    r.problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  if (email !== undefined && !/^[^@\s]+@[^@\s]+$/.test(email)) {
    r.problems.push(`BOOTSTRAP_ADMIN_EMAIL must be an email address (got "${email}")`);
  }
  if (password !== undefined && password.length < 8) {
    r.problems.push('BOOTSTRAP_ADMIN_PASSWORD must be at least 8 characters long');
  }
  const redisExplicit = r.raw('REDIS_URL') !== undefined;
  const config: AppConfig = {
    nodeEnv,
    host: r.string('HOST', '0.0.0.0'),
    port: r.int('PORT', 3000, 0, 65535),
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 10, 1, 200),
    embeddedPostgresPort: r.int('EMBEDDED_POSTGRES_PORT', 54329, 1024, 65535),
    dataDir,
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']) ?? 'redis://127.0.0.1:6379',
    redisUrlExplicit: redisExplicit,
    queuePrefix: r.raw('QUEUE_PREFIX'),
    jwtSecret: jwtSecret ?? '',
    jwtPreviousSecrets: (r.raw('JWT_PREVIOUS_SECRETS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    jwtExpiresInSeconds: r.int('JWT_EXPIRES_IN_SECONDS', 3600, 60, 30 * 24 * 3600),
    schoolTimezone: r.timezone('SCHOOL_TIMEZONE', 'Asia/Shanghai'),
    bootstrapAdmin:
      email && password
        ? { email: email.toLowerCase(), password }
        : // The well-known admin only on the embedded development database, never on a real server.
          nodeEnv === 'development' && !databaseUrlGiven && email === undefined && password === undefined
          ? { ...DEVELOPMENT_ADMIN, isDefault: true }
          : undefined,
    holdoutPercent: r.number('HOLDOUT_PERCENT', 0, 0, 100),
    rulesCron: r.cron('RULES_CRON', '0 * * * *'),
    partitionsCron: r.cron('PARTITIONS_CRON', '15 3 * * *'),
    analyticsCron: r.cron('ANALYTICS_CRON', '30 2 * * *'),
    riskTrainCron: r.cron('RISK_TRAIN_CRON', '45 3 * * 1'),
    remindersCron: r.cron('REMINDERS_CRON', '10 * * * *'),
    churnInactiveDays: r.int('CHURN_INACTIVE_DAYS', 30, 1, 3650),
    reminderInactiveDays: r.int('REMINDER_INACTIVE_DAYS', 5, 1, 365),
    corsOrigins: (r.raw('CORS_ORIGINS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    logLevel: r.oneOf('LOG_LEVEL', nodeEnv === 'test' ? 'warn' : 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 256 * 1024 * 1024),
    syncBodyLimitBytes: r.int('SYNC_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    trustProxy: r.trustProxy('TRUST_PROXY'),
    loginMaxFailures: r.int('LOGIN_MAX_FAILURES', 5, 1, 1000),
    rateLimitPerMinute: r.int('RATE_LIMIT_PER_MINUTE', 100_000, 1, 100_000_000),
    loginRateLimitPerMinute: r.int('LOGIN_RATE_LIMIT_PER_MINUTE', 60, 1, 1_000_000),
    loginWindowSeconds: r.int('LOGIN_WINDOW_SECONDS', 900, 1, 86400),
    outboxPollMs: r.int('OUTBOX_POLL_MS', 250, 10, 60000),
    caseIntakeConcurrency: r.int('CASE_INTAKE_CONCURRENCY', 1, 1, 16),
    caseIntakeBatch: r.int('CASE_INTAKE_BATCH', 1000, 10, 10_000),
    migrationsRun: r.bool('MIGRATIONS_RUN', true),
    webhookAllowedTargets: r.webhookTargets('WEBHOOK_ALLOWED_TARGETS'),
    backtestConcurrency: r.int('BACKTEST_CONCURRENCY', 1, 1, 16),
    backtestWorkMemMb: r.int('BACKTEST_WORK_MEM_MB', 64, 4, 2048),
  };
  if (r.problems.length) throw new ConfigError(r.problems);
  return config;
}
