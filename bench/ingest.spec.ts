import { runTinyBenchmark } from './lib/tiny-run.js';

/** A tiny run of the ingest benchmark so it never rots (no timing assertions: the RESULT line is checked). */
describe('ingest benchmark (tiny)', () => {
  it('posts new and replayed events over HTTP, COPYs the same rows, three rounds each, and prints one RESULT line of medians', async () => {
    const { lines } = await runTinyBenchmark('ingest', { events: 3000, learners: 60, batch: 1000, concurrency: 2 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^RESULT ingest_tiny ratio=[\d.]+ target>=0\.35 api_rows_s=\d+ copy_rows_s=\d+ api_rows_s_median=\d+ api_rows_s_min=\d+ api_rows_s_max=\d+ copy_rows_s_median=\d+ copy_rows_s_min=\d+ copy_rows_s_max=\d+ api_items_s_median=\d+ rounds=3 events=3000 api_items=6000 /,
    );
    // The ratio is of stored rows: the API's figure is the median stored rows/s, the replayed items are not counted.
    const f = Object.fromEntries(
      lines[0]
        .split(' ')
        .slice(2)
        .map((kv) => kv.split('=')),
    );
    expect(Number(f.ratio ?? lines[0].match(/ratio=([\d.]+)/)![1])).toBeCloseTo(Number(f.api_rows_s) / Number(f.copy_rows_s), 2);
    expect(Number(f.api_items_s_median)).toBeGreaterThan(Number(f.api_rows_s));
  });
});
