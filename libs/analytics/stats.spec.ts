import { csvCell, parseCsv, toCsv } from './csv.js';
import { differenceOfProportions, holdoutUplift, percentile, rate, retentionCurve } from './stats.js';

describe('rate', () => {
  it('is null, not 0, when there is nothing to divide by', () => {
    expect(rate(0, 0)).toBeNull();
    expect(rate(1, 3)).toBeCloseTo(0.333333, 6);
  });
});

describe('percentile', () => {
  it('interpolates like percentile_cont', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBe(91);
  });
});

describe('differenceOfProportions', () => {
  it('matches the hand-computed Wald interval', () => {
    // 12/40 vs 20/100: d = 0.3 − 0.2, se = sqrt(0.3·0.7/40 + 0.2·0.8/100) = sqrt(0.00685)
    const se = Math.sqrt(0.00685);
    const r = differenceOfProportions(12, 40, 20, 100);
    expect(r.difference).toBeCloseTo(0.1, 6);
    expect(r.standardError).toBeCloseTo(se, 6);
    expect(r.ciLow).toBeCloseTo(0.1 - 1.959964 * se, 5);
    expect(r.ciHigh).toBeCloseTo(0.1 + 1.959964 * se, 5);
  });

  it('is all null when an arm is empty', () => {
    expect(differenceOfProportions(0, 0, 3, 10)).toEqual({ difference: null, standardError: null, ciLow: null, ciHigh: null });
  });
});

describe('holdoutUplift verdicts', () => {
  it('says there is no holdout', () => {
    const u = holdoutUplift({ holdoutChurned: 0, holdoutN: 0, treatedChurned: 5, treatedN: 50 });
    expect(u.difference).toBeNull();
    expect(u.conclusive).toBe(false);
    expect(u.verdict).toMatch(/No holdout/);
  });

  it('refuses to conclude on small samples even with a large difference', () => {
    const u = holdoutUplift({ holdoutChurned: 9, holdoutN: 10, treatedChurned: 1, treatedN: 10 });
    expect(u.difference).toBeCloseTo(0.8, 6);
    expect(u.conclusive).toBe(false);
    expect(u.verdict).toMatch(/too small/);
  });

  it('calls a clear effect when the interval excludes zero', () => {
    // the article's school: 45% → 25%
    const u = holdoutUplift({ holdoutChurned: 45, holdoutN: 100, treatedChurned: 250, treatedN: 1000 });
    expect(u.difference).toBeCloseTo(0.2, 6);
    expect(u.ciLow!).toBeGreaterThan(0);
    expect(u.conclusive).toBe(true);
    expect(u.verdict).toMatch(/reduce 30-day churn by 20\.0 points/);
  });

  it('says no clear effect when the interval spans zero', () => {
    const u = holdoutUplift({ holdoutChurned: 12, holdoutN: 40, treatedChurned: 20, treatedN: 100 });
    expect(u.conclusive).toBe(false);
    expect(u.verdict).toMatch(/includes zero/);
  });

  it('flags a harmful program', () => {
    const u = holdoutUplift({ holdoutChurned: 10, holdoutN: 100, treatedChurned: 400, treatedN: 1000 }, 60);
    expect(u.conclusive).toBe(true);
    expect(u.horizonDays).toBe(60);
    expect(u.verdict).toMatch(/more than the holdout/);
  });
});

describe('retentionCurve', () => {
  it('only counts enrolments observed long enough at each week', () => {
    const curve = retentionCurve(
      [
        { observedWeeks: 3, churnWeek: null, n: 2 },
        { observedWeeks: 3, churnWeek: 0, n: 1 }, // churned in week 0 → gone from week 1
        { observedWeeks: 3, churnWeek: 2, n: 1 }, // churned during week 2 → gone from week 3
        { observedWeeks: 1, churnWeek: null, n: 4 },
      ],
      10,
    );
    expect(curve).toEqual([
      { week: 1, enrolments: 8, activeShare: 0.875 },
      { week: 2, enrolments: 4, activeShare: 0.75 },
      { week: 3, enrolments: 4, activeShare: 0.5 },
    ]);
    expect(retentionCurve([{ observedWeeks: 30, churnWeek: null, n: 1 }], 2)).toHaveLength(2);
  });
});

describe('csv', () => {
  it('quotes what needs quoting and round-trips', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell(null)).toBe('');
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('-0.5')).toBe("'-0.5");
    expect(csvCell(-0.5)).toBe('-0.5');
    const text = toCsv(['a', 'b', 'c'], [{ a: 1, b: 'x,y', c: null }, { a: 0.5, b: 'line\nbreak', c: true }]);
    expect(parseCsv(text)).toEqual([
      { a: '1', b: 'x,y', c: '' },
      { a: '0.5', b: 'line\nbreak', c: 'true' },
    ]);
  });
});
