import type { IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { NestFactory } from '@nestjs/core';
import { Redis } from 'ioredis';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { LOGIN_BODY_LIMIT_BYTES, type AppConfig } from '../../../libs/config/config.js';
import { requestIdOf } from '../../../libs/config/logger.js';
import { StaffService } from '../../../libs/staff/staff.service.js';
import { ApiModule } from './api.module.js';
import { AllExceptionsFilter } from './http/all-exceptions.filter.js';
import { registerConsole } from './http/console-static.js';
import { body } from './http/error-body.js';
import { createValidationPipe } from './http/validation.js';
import { MetricsService } from './ops/metrics.service.js';
import { setupOpenApi } from './openapi.js';

export const API_PREFIX = 'api/v1';

/** Every route the HTTP app registered (method + path), for the access-control matrix test. */
export interface RegisteredRoute {
  method: string;
  url: string;
}
const ROUTES = new WeakMap<object, RegisteredRoute[]>();
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  return ROUTES.get(app) ?? [];
}
const UNPREFIXED = ['/health', '/metrics', '/docs'];

/**
 * Builds the HTTP application (Fastify) with everything but `listen`: used by apps/api, the standalone
 * runner and the end-to-end tests, so tests exercise exactly what runs in production.
 */
export async function createApiApp(config: AppConfig, opts: { logStream?: NodeJS.WritableStream } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // req.ip is the peer address unless TRUST_PROXY names the proxies (or hop count) whose X-Forwarded-For we
    // believe: trusting every hop would let a client pick its own address and so its own rate-limit bucket.
    trustProxy: config.trustProxy as boolean | string[], // fastify also takes a hop count (number)
    genReqId: (req: IncomingMessage) => requestIdOf(req),
    // Ops endpoints answer both at the root and under /api/v1.
    rewriteUrl: (req: IncomingMessage) => {
      const url = req.url ?? '/';
      const stripped = url.startsWith(`/${API_PREFIX}/`) ? url.slice(API_PREFIX.length + 1) : undefined;
      return stripped && UNPREFIXED.some((p) => stripped === p || stripped.startsWith(`${p}/`) || stripped.startsWith(`${p}?`)) ? stripped : url;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot({ config, logStream: opts.logStream }), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  const routes: RegisteredRoute[] = [];
  ROUTES.set(app, routes);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (r) => {
      // Per-route body limits: sync batches are large, the unauthenticated login tiny, everything else small.
      if (r.url.startsWith(`/${API_PREFIX}/sync/`)) r.bodyLimit = config.syncBodyLimitBytes;
      else if (r.url === `/${API_PREFIX}/auth/login`) r.bodyLimit = Math.min(LOGIN_BODY_LIMIT_BYTES, config.bodyLimitBytes);
      for (const method of Array.isArray(r.method) ? r.method : [r.method]) {
        if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url: r.url });
      }
    });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  await app.register(helmet as never, { contentSecurityPolicy: false, crossOriginEmbedderPolicy: false });
  // Per client address per minute: a tight limit on login, a generous one elsewhere (RATE_LIMIT_PER_MINUTE).
  // Counted in Redis, so every API process shares one budget per address. If Redis is unreachable, requests are
  // let through (the login throttle, kept in PostgreSQL, still holds) rather than the API going down with it.
  const limiterRedis = new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  });
  limiterRedis.on('error', () => undefined);
  // Let the first requests be counted: wait for the connection, but never hold the start for a Redis that is down.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    limiterRedis.once('ready', done);
    limiterRedis.once('error', done);
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', async () => {
      limiterRedis.disconnect();
    });
  await app.register(rateLimit as never, {
    global: true,
    redis: limiterRedis,
    nameSpace: `${config.queuePrefix}:rate-limit:`,
    skipOnError: true,
    timeWindow: 60_000,
    max: (req: { url?: string }) => (req.url?.startsWith(`/${API_PREFIX}/auth/login`) ? config.loginRateLimitPerMinute : config.rateLimitPerMinute),
    // Logins are counted apart from other requests: routes share one store, so without this a client that just
    // sent a few hundred sync requests could not log in for a minute.
    keyGenerator: (req: { url?: string; ip: string }) => (req.url?.startsWith(`/${API_PREFIX}/auth/login`) ? `login:${req.ip}` : req.ip),
    allowList: (req: { url?: string }) => !!req.url && UNPREFIXED.some((p) => req.url!.startsWith(p)),
    errorResponseBuilder: (_req: unknown, ctx: { after: string }) => ({ ...body(429, `Too many requests; retry in ${ctx.after}`), statusCode: 429 }),
  });
  app.enableCors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: false, exposedHeaders: ['x-request-id'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(MetricsService);
  fastify.addHook('onSend', async (req, reply, payload) => {
    reply.header('x-request-id', req.id);
    return payload;
  });
  fastify.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions?.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  // The web console (apps/console, built into dist/console) at /console; the root sends people there.
  await registerConsole(fastify);
  fastify.get('/', (_req, reply) => reply.redirect('/console/', 302));

  setupOpenApi(app);
  await app.init();
  await fastify.ready();
  await app.get(StaffService).ensureBootstrapAdmin();
  return app;
}
