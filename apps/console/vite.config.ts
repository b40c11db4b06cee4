import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console is built into dist/console and served by the API process at /console (apps/api/src/http/console-static.ts).
 * `npm run console:dev` serves it with hot reload and proxies /api to a running careloop (CARELOOP_URL, default :3000).
 */
export default defineConfig({
  root: here,
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/console', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // The analytics pages' chunk carries Apache ECharts (~620 kB raw, ~175 kB brotli); it loads only with them.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // TanStack Query marks modules "use client" for React Server Components; a client-only bundle ignores it.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: { proxy: { '/api': process.env.CARELOOP_URL ?? 'http://localhost:3000' } },
});
