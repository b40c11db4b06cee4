import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';

export interface RedisHandle {
  url: string;
  stop(): Promise<void>;
}

export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * Finds Redis as docs/design.md §8 says: the configured URL (default 127.0.0.1:6379); if nothing answers
 * there and REDIS_URL was not set explicitly, a `redis-server` from the PATH with its data under `.data/redis`.
 */
export async function ensureRedis(opts: { url: string; explicit: boolean; dataDir: string; log: (m: string) => void }): Promise<RedisHandle> {
  if (await redisAnswers(opts.url)) return { url: opts.url, stop: async () => undefined };
  if (opts.explicit) {
    opts.log(`Redis at ${opts.url} does not answer; starting anyway: background work waits in the outbox until it does`);
    return { url: opts.url, stop: async () => undefined };
  }
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const bin = found.stdout?.trim();
  if (!bin) {
    throw new Error(
      `No Redis answers at ${opts.url} and redis-server is not on the PATH. Install Redis 7 ` +
        `(Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running server.`,
    );
  }
  const dir = path.resolve(opts.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = new URL(opts.url).port || '6379';
  opts.log(`starting redis-server on 127.0.0.1:${port} with data in ${dir}`);
  const child: ChildProcess = spawn(bin, ['--port', port, '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(opts.url, 500)) {
      return {
        url: opts.url,
        stop: () =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}; set REDIS_URL to a running Redis`);
}
