import { jest } from '@jest/globals';
import { createBenchContext } from './lib/bench-context.js';
import { run } from './ingest/index.js';

/** A tiny run of the ingest benchmark so it never rots (no timing assertions: the RESULT line is checked). */
// Benchmarks use DATABASE_URL's server (else an embedded one); in the test suite, the test server.
process.env.DATABASE_URL ??= process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('ingest benchmark (tiny)', () => {
  it('posts new and replayed events over HTTP, COPYs the same rows, and prints one RESULT line', async () => {
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((l: unknown) => void lines.push(String(l)));
    const ctx = await createBenchContext('ingest_tiny', { events: 3000, learners: 60, batch: 1000, concurrency: 2 }, { record: false });
    try {
      await run(ctx);
    } finally {
      log.mockRestore();
      await ctx.close();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^RESULT ingest_tiny ratio=[\d.]+ target>=0\.35 api_rows_s=\d+ copy_rows_s=\d+ events=3000 api_items=6000 /);
  });
});
