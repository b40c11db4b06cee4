import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import type pg from 'pg';
import { QueueName } from '../queue/jobs.js';
import { PasswordHasher } from '../staff/password-hasher.js';
import { adminToken, careloopEnv, CareloopProcess, freePort, ScratchDatabase, sleep } from './process-harness.js';

export const LOG_DIR = path.resolve('.data/resilience-logs');

const AROUND_THE_CLOCK = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]]));

/**
 * One careloop deployment for a scenario: a scratch database (or a given URL), an API process and a worker
 * process from dist/, a queue prefix of its own, and helpers to seed staff and to wait for quiet.
 */
export class System {
  token = '';
  private queues: Queue[] = [];

  private constructor(
    readonly name: string,
    readonly databaseUrl: string,
    readonly redisUrl: string,
    readonly queuePrefix: string,
    readonly apiProc: CareloopProcess,
    readonly worker: CareloopProcess,
    readonly pool: pg.Pool,
    private readonly scratch: ScratchDatabase | undefined,
  ) {}

  static async start(
    name: string,
    opts: {
      redisUrl?: string;
      databaseUrl?: string;
      template?: string;
      env?: Record<string, string>;
      worker?: boolean;
      poolFactory?: (url: string) => pg.Pool;
    } = {},
  ): Promise<System> {
    mkdirSync(LOG_DIR, { recursive: true });
    const scratch = opts.databaseUrl ? undefined : await ScratchDatabase.create(`resil_${name.replace(/-/g, '_')}`, { template: opts.template });
    const databaseUrl = opts.databaseUrl ?? scratch!.url;
    const redisUrl = opts.redisUrl ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const queuePrefix = `clres-${name}-${randomUUID().slice(0, 6)}`;
    const port = await freePort();
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const apiProc = new CareloopProcess(
      'api',
      careloopEnv({ databaseUrl, redisUrl, queuePrefix, port, extra: opts.env }),
      path.join(LOG_DIR, `${stamp}-${name}-api.log`),
    );
    const worker = new CareloopProcess(
      'worker',
      careloopEnv({ databaseUrl, redisUrl, queuePrefix, extra: opts.env }),
      path.join(LOG_DIR, `${stamp}-${name}-worker.log`),
    );
    const pgMod = (await import('pg')).default;
    const pool = opts.poolFactory ? opts.poolFactory(databaseUrl) : new pgMod.Pool({ connectionString: databaseUrl, max: 3 });
    pool.on('error', () => undefined);
    const sys = new System(name, databaseUrl, redisUrl, queuePrefix, apiProc, worker, pool, scratch);
    await apiProc.start(); // runs the migrations
    sys.token = await adminToken(apiProc.baseUrl);
    if (opts.worker !== false) await worker.start();
    return sys;
  }

  get baseUrl(): string {
    return this.apiProc.baseUrl;
  }

  q<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.pool.query(sql, params).then((r) => r.rows as T[]);
  }

  async one<T = any>(sql: string, params: unknown[] = []): Promise<T> {
    return (await this.q<T>(sql, params))[0];
  }

  /** A team whose advisors work around the clock with room for everything, owning every course. */
  async teamOwningAllCourses(advisors = 4): Promise<{ teamId: string; advisorIds: string[] }> {
    const hash = await new PasswordHasher().hash('resilience-advisor-password');
    const [team] = await this.q(`insert into teams (name) values ($1) returning id`, [`Resilience ${this.name}`]);
    const ids: string[] = [];
    for (let i = 0; i < advisors; i++) {
      const [s] = await this.q(
        `insert into staff (email, name, password_hash, role, team_id, capacity, skills, timezone, working_hours, status)
         values ($1, $2, $3, 'advisor', $4, 100000, '{}', 'Asia/Shanghai', $5, 'active') returning id`,
        [`advisor${i}-${this.name}@resilience.test`, `Advisor ${i}`, hash, team.id, JSON.stringify(AROUND_THE_CLOCK)],
      );
      ids.push(s.id);
    }
    await this.q(`update courses set team_id = $1 where team_id is null`, [team.id]);
    return { teamId: team.id, advisorIds: ids };
  }

  private queueHandles(): Queue[] {
    if (!this.queues.length) {
      this.queues = Object.values(QueueName).map(
        (n) => new Queue(n, { connection: { url: this.redisUrl, maxRetriesPerRequest: null, enableOfflineQueue: false } as never, prefix: this.queuePrefix }),
      );
      for (const q of this.queues) q.on('error', () => undefined);
    }
    return this.queues;
  }

  /** Jobs waiting or running now (delayed jobs, e.g. deadlines hours away, are not backlog); NaN while Redis does not answer. */
  async queueBacklog(): Promise<number> {
    let n = 0;
    try {
      for (const q of this.queueHandles()) {
        const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
        n += Object.values(c).reduce((a, b) => a + b, 0);
      }
    } catch {
      return NaN;
    }
    return n;
  }

  async outboxBacklog(): Promise<number> {
    return Number((await this.one(`select count(*)::int as n from outbox where sent_at is null`)).n);
  }

  /**
   * Waits until nothing is left to do: no rule run queued or running, the outbox relayed, no job waiting or
   * running, and `fingerprint` unchanged for `quietMs`.
   */
  async settle(fingerprint: () => Promise<unknown>, opts: { timeoutMs?: number; quietMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
    let last = '';
    let since = Date.now();
    for (;;) {
      const runs = Number((await this.one(`select count(*)::int as n from rule_runs where status in ('queued','running')`)).n);
      const busy = runs + (await this.outboxBacklog()) + (await this.queueBacklog());
      const fp = JSON.stringify(await fingerprint());
      if (busy > 0 || Number.isNaN(busy) || fp !== last) {
        last = fp;
        since = Date.now();
      } else if (Date.now() - since >= (opts.quietMs ?? 3000)) return;
      if (Date.now() > deadline) throw new Error(`${this.name} did not settle: busy=${busy} state=${fp.slice(0, 300)}`);
      await sleep(250);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
    await this.worker.close();
    await this.apiProc.close();
    await this.pool.end().catch(() => undefined);
    if (!process.env.KEEP_TEST_DB) await this.scratch?.drop().catch(() => undefined);
  }
}

/** What "the same end state" means: counts per kind and status, and duplicate checks that must be zero. */
export async function endState(sys: System): Promise<Record<string, number>> {
  const rows = await sys.q<{ k: string; n: number }>(`
    select 'alerts.' || rule_key || '.' || status as k, count(*)::int as n from alerts group by 1
    union all select 'cases.' || status || '.' || case when advisor_id is null then 'pool' else 'assigned' end, count(*)::int from cases group by 1
    union all select 'case_alerts', count(*)::int from case_alerts
    union all select 'tasks.' || kind || '.' || status, count(*)::int from tasks group by 1
    union all select 'cohort_alerts', count(*)::int from cohort_alerts
    union all select 'webhook_deliveries.' || status, count(*)::int from webhook_deliveries group by 1
    union all select 'dup.open_alerts', count(*)::int from (select 1 from alerts where status = 'open' group by enrollment_id, rule_key having count(*) > 1) d
    union all select 'dup.open_cases', count(*)::int from (select 1 from cases where status <> 'resolved' group by learner_id having count(*) > 1) d
    union all select 'dup.case_tasks', count(*)::int from (select 1 from tasks where case_id is not null and status = 'scheduled' group by case_id, kind having count(*) > 1) d
    union all select 'dup.first_week', count(*)::int from (select 1 from tasks where kind = 'first_week_checkin' group by enrollment_id, day_index having count(*) > 1) d
    union all select 'dup.deliveries', count(*)::int from (select 1 from webhook_deliveries group by webhook_id, outbox_id having count(*) > 1) d
    union all select 'orphan.alerts_without_case', count(*)::int from alerts a where a.status = 'open' and not exists (select 1 from case_alerts ca where ca.alert_id = a.id)`);
  return Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}
