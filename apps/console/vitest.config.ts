import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Unit tests of the console's pure logic (i18n, formatting, evidence in words) in jsdom. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  test: { environment: 'jsdom', include: ['src/**/*.test.{ts,tsx}'] },
});
