import { runTinyBenchmark } from '../bench/lib/tiny-run.js';

/** A tiny run of `npm run bench -- analytics`, so the seed, the refresh and every timed endpoint keep working. */
describe('bench analytics (tiny)', () => {
  it('seeds a school, refreshes twice (the second changes nothing) and answers every endpoint', async () => {
    const { result } = await runTinyBenchmark('analytics', { learners: 400, runs: 1, teams: 2, advisors: 3, courses: 4 });
    expect(result).toMatch(/ learners=400 /);
    for (const name of ['retention_month', 'retention_csv', 'first_week', 'rules', 'churn_reasons', 'advisors', 'tickets_sup'])
      expect(result).toMatch(new RegExp(` ${name}_ms=\\d+`));
    const [, enrolments] = /enrolments=(\d+)/.exec(result)!;
    expect(Number(enrolments)).toBe(480); // one per learner, two for every fifth
  }, 180_000);
});
