import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/api-app.js';
import { createWorkerApp } from '../../apps/worker/src/worker-app.js';
import { TokenService } from '../auth/token.service.js';
import { Clock } from '../common/clock.js';
import { loadConfig, type AppConfig } from '../config/config.js';
import { QueueService } from '../queue/queue.service.js';
import { StaffFactory } from './factories.js';
import { createScratchDatabase, testDatabaseUrl } from './test-database.js';

export interface TestAppOptions {
  /** Also boot the worker (outbox relay, job processors) in this process. Default true. */
  worker?: boolean;
  /** Extra environment for loadConfig (e.g. HOLDOUT_PERCENT). */
  env?: Record<string, string>;
  /** Capture every log line (for tests that check secrets are never logged). */
  captureLogs?: boolean;
  /** A fresh database of its own, dropped on close (for suites that change school-wide settings). */
  ownDatabase?: boolean;
  /**
   * Leave QUEUE_PREFIX unset, as a new user does, so the prefix is derived from the database. Otherwise every
   * TestApp gets a random prefix of its own.
   */
  defaultQueuePrefix?: boolean;
}

/**
 * The real application for end-to-end tests: the same API factory (and worker) as production, against
 * real PostgreSQL (an isolated database per Jest worker) and real Redis (a queue prefix per test app).
 */
export class TestApp {
  readonly logs: string[] = [];

  private constructor(
    readonly config: AppConfig,
    readonly api: NestFastifyApplication,
    readonly worker: INestApplicationContext | undefined,
    readonly staff: StaffFactory,
  ) {}

  private dropDatabase: (() => Promise<void>) | undefined;

  static async start(opts: TestAppOptions = {}): Promise<TestApp> {
    const scratch = opts.ownDatabase ? await createScratchDatabase() : undefined;
    const databaseUrl = scratch?.url ?? (await testDatabaseUrl());
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      ...(opts.defaultQueuePrefix ? {} : { QUEUE_PREFIX: `cltest-${randomUUID().slice(0, 8)}` }),
      OUTBOX_POLL_MS: '50',
      DATABASE_POOL_SIZE: '4',
      LOG_LEVEL: 'warn',
      MIGRATIONS_RUN: 'false',
      ...opts.env,
    });
    const logs: string[] = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      if (opts.captureLogs) logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    });
    const api = await createApiApp(config, { logStream: stream });
    const worker = opts.worker === false ? undefined : await createWorkerApp(config, { logStream: stream });
    const app = new TestApp(config, api, worker, new StaffFactory(api.get(DataSource), api.get(TokenService)));
    app.dropDatabase = scratch?.drop;
    app.logs.push(...logs);
    stream.on('data', (chunk: Buffer) => {
      if (opts.captureLogs) app.logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    });
    return app;
  }

  /** The BullMQ key prefix this app's queues and workers use (QUEUE_PREFIX, or derived from the database). */
  get queuePrefix(): string {
    return this.api.get(QueueService).prefix;
  }

  get db(): DataSource {
    return this.api.get(DataSource);
  }

  /** supertest against the running Fastify server. */
  http() {
    return request(this.api.getHttpServer());
  }

  /** Fixes "now" for business code in both API and worker (undefined: real time). */
  setNow(at: Date | string | undefined): void {
    const d = at === undefined ? undefined : new Date(at);
    this.api.get(Clock).set(d);
    this.worker?.get(Clock).set(d);
  }

  get<T>(token: abstract new (...args: never[]) => T, from: 'api' | 'worker' = 'api'): T {
    const ctx = from === 'worker' ? this.worker : this.api;
    if (!ctx) throw new Error('this TestApp has no worker');
    return ctx.get(token as never) as T;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.api.close();
    await this.dropDatabase?.();
  }
}

/** Polls `check` until it returns a truthy value (or stops throwing), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, intervalMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
      last = new Error(`condition still ${String(v)}`);
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw last instanceof Error ? last : new Error(String(last));
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
