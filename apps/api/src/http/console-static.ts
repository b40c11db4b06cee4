import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_PREFIX = '/console';

/** The repository (or installed package) root: the nearest folder above this file with a package.json. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('careloop: no package.json above apps/api');
    dir = up;
  }
  return dir;
}

/** Where `npm run build` puts the console (apps/console/vite.config.ts builds into dist/console). */
export function consoleDir(): string {
  return path.join(packageRoot(), 'dist', 'console');
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>careloop console not built</title>
<body style="font-family:system-ui;max-width:40rem;margin:4rem auto;line-height:1.5">
<h1>The careloop console is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds it), then reload this page.</p>
<p lang="zh-CN">控制台尚未构建：请运行 <code>npm run build</code>（或 <code>npm start</code>）后刷新本页。</p></body></html>`;

/**
 * Serves the web console (a single-page app) at /console from the same process as the API: hashed assets are
 * cached for a year, every other path under /console answers index.html so the app's router takes over (a
 * bookmarked /console/cases/… works), and index.html itself is never cached so a new build shows at once.
 * Paths are resolved inside the build folder only. Not behind the API guard: the page holds no data; every
 * call it makes carries the staff token and is checked by the API.
 */
export async function registerConsole(fastify: FastifyInstance, root = consoleDir()): Promise<void> {
  await fastify.register(async (scope) => {
    const built = existsSync(path.join(root, 'index.html'));
    if (built) await scope.register(fastifyStatic, { root, serve: false, decorateReply: true, cacheControl: false, preCompressed: true });
    const sendIndex = (reply: FastifyReply) => {
      if (!built) return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').sendFile('index.html');
    };
    const handler = async (req: FastifyRequest<{ Params: { '*'?: string } }>, reply: FastifyReply) => {
      const rel = (req.params['*'] ?? '').replace(/^\/+/, '');
      if (built && rel && !rel.endsWith('/')) {
        const file = path.resolve(root, rel);
        if (file.startsWith(root + path.sep) && existsSync(file) && statSync(file).isFile()) {
          if (rel.startsWith('assets/')) reply.header('cache-control', 'public, max-age=31536000, immutable');
          else reply.header('cache-control', 'no-cache');
          return reply.sendFile(rel);
        }
        // A missing asset is a 404 (a stale tab asking for last build's chunk), not the app's page.
        if (rel.startsWith('assets/')) return reply.code(404).type('text/plain').send('not found');
      }
      return sendIndex(reply);
    };
    scope.get(CONSOLE_PREFIX, (_req, reply) => reply.redirect(`${CONSOLE_PREFIX}/`, 302));
    scope.get(`${CONSOLE_PREFIX}/*`, handler);
  });
}
