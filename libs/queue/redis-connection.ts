import type { ConnectionOptions } from 'bullmq';

/** ioredis options for BullMQ from a redis:// URL. */
export function redisConnectionOptions(url: string): ConnectionOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    username: u.username || undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname !== '/' ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
    // Keep reconnecting forever, but never faster than every 2 s, so an outage is survived.
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  };
}
