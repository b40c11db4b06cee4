import { runTinyBenchmark } from '../bench/lib/tiny-run.js';

/** A tiny run of `npm run bench -- risk`, so the seed, the training and the timed scoring keep working. */
describe('bench risk (tiny)', () => {
  it('trains a model on the rules school, scores every active enrolment, and a re-score rewrites nothing', async () => {
    const { result } = await runTinyBenchmark('risk', { learners: 3000, rounds: 3 });
    expect(result).toMatch(/ learners=3000 /);
    for (const name of ['score_ms', 'aggregate_ms', 'rescore_unchanged_ms', 'train_ms', 'train_features_ms', 'train_fit_ms'])
      expect(result).toMatch(new RegExp(` ${name}=\\d+`));
    const [, scored] = / scored=(\d+)/.exec(result)!;
    expect(Number(scored)).toBeGreaterThan(2000); // the active enrolments (85% of them)
    expect(Number(/ test_auc=([\d.]+)/.exec(result)![1])).toBeGreaterThan(0.5);
  }, 300_000);
});
