import { runTinyBenchmark } from '../bench/lib/tiny-run.js';

/** A tiny run of `npm run bench -- console`, so the benchmark, its seed and its browser rounds never rot. */
describe('bench console (tiny)', () => {
  it('renders the seeded queue in Chromium and times it against fetch of the same request', async () => {
    const { result } = await runTinyBenchmark('console', { tasks: 20, rounds: 3 });
    expect(result).toMatch(/tasks=20 rounds=3/);
    expect(Number(/initial_js_gzip_kb=([\d.]+)/.exec(result)![1])).toBeGreaterThan(10);
    expect(Number(/console_ms_median=([\d.]+)/.exec(result)![1])).toBeGreaterThan(0);
  }, 120_000);
});
