import { runTinyBenchmark } from './lib/tiny-run.js';
import { run } from './ingest/index.js';

/** A tiny run of the ingest benchmark so it never rots (no timing assertions: the RESULT line is checked). */
describe('ingest benchmark (tiny)', () => {
  it('posts new and replayed events over HTTP, COPYs the same rows, and prints one RESULT line', async () => {
    const { lines } = await runTinyBenchmark('ingest', run, { events: 3000, learners: 60, batch: 1000, concurrency: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^RESULT ingest_tiny ratio=[\d.]+ target>=0\.35 api_rows_s=\d+ copy_rows_s=\d+ events=3000 api_items=6000 /);
  });
});
