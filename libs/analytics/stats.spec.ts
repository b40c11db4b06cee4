import { csvCell, parseCsv, toCsv } from './csv.js';
import fc from 'fast-check';
import { differenceOfProportions, holdoutUplift, percentile, rate, retentionCurve, wilsonInterval } from './stats.js';

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

describe('wilsonInterval', () => {
  it('is honest at 0 and n successes', () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval(10, 10).high).toBe(1);
  });
});

describe('differenceOfProportions (Newcombe hybrid score interval)', () => {
  // Newcombe 1998, Statistics in Medicine 17:873–890, Table II, method 10. Every row was also recomputed by
  // hand from the formula, with the Wilson bounds found as roots of the score equation (not the closed form).
  const table: Array<[string, number, number, number, number, number, number]> = [
    ['(a) 56/70 − 48/80', 56, 70, 48, 80, 0.0524, 0.3339],
    ['(b) 9/10 − 3/10', 9, 10, 3, 10, 0.1705, 0.809],
    ['(c) 6/7 − 2/7', 6, 7, 2, 7, 0.0582, 0.8062],
    ['(d) 5/56 − 0/29', 5, 56, 0, 29, -0.0381, 0.1926],
    ['(e) 0/10 − 0/20', 0, 10, 0, 20, -0.1611, 0.2775],
    ['(f) 0/10 − 0/10', 0, 10, 0, 10, -0.2775, 0.2775],
    ['(g) 10/10 − 0/20', 10, 10, 0, 20, 0.6791, 1],
    ['(h) 10/10 − 0/10', 10, 10, 0, 10, 0.6075, 1],
  ];
  it.each(table)('reproduces Table II %s', (_label, x1, n1, x2, n2, low, high) => {
    const r = differenceOfProportions(x1, n1, x2, n2);
    expect(r.difference).toBeCloseTo(x1 / n1 - x2 / n2, 6);
    expect(r.ciLow).toBeCloseTo(low, 4);
    expect(r.ciHigh).toBeCloseTo(high, 4);
  });

  it('does not collapse or exclude zero where the Wald interval did', () => {
    // Wald: [0, 0] for 0/10 vs 0/20, and (0.0146, 0.1640) for 5/56 vs 0/29.
    const none = differenceOfProportions(0, 10, 0, 20);
    expect(none.ciHigh! - none.ciLow!).toBeGreaterThan(0.4);
    const rare = differenceOfProportions(5, 56, 0, 29);
    expect(rare.ciLow!).toBeLessThan(0);
    expect(rare.ciHigh!).toBeGreaterThan(0);
  });

  it('handles 0 or n successes in either arm without leaving −1…1', () => {
    expect(differenceOfProportions(0, 20, 20, 20)).toMatchObject({ difference: -1, ciLow: -1 });
    // Wilson(0/20) = (0, 0.1611), Wilson(20/20) = (0.8389, 1): high = −1 + sqrt(0.1611² + 0.1611²)
    expect(differenceOfProportions(0, 20, 20, 20).ciHigh).toBeCloseTo(-1 + Math.SQRT2 * wilsonInterval(0, 20).high, 6);
    expect(differenceOfProportions(0, 20, 20, 20).ciHigh).toBeCloseTo(-0.7721, 4);
    expect(differenceOfProportions(20, 20, 20, 20)).toMatchObject({ difference: 0, standardError: 0 });
    // low = 0 − sqrt((1 − 0.8389)² + (1 − 1)²), and symmetrically for high
    expect(differenceOfProportions(20, 20, 20, 20).ciLow).toBeCloseTo(-0.1611, 4);
    expect(differenceOfProportions(20, 20, 20, 20).ciHigh).toBeCloseTo(0.1611, 4);
  });

  it('contains the estimate, stays in −1…1 and mirrors when the arms swap', () => {
    const arm = fc.integer({ min: 1, max: 400 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n)));
    fc.assert(
      fc.property(arm, arm, ([x1, n1], [x2, n2]) => {
        const r = differenceOfProportions(x1, n1, x2, n2);
        const s = differenceOfProportions(x2, n2, x1, n1);
        expect(r.ciLow!).toBeGreaterThanOrEqual(-1);
        expect(r.ciHigh!).toBeLessThanOrEqual(1);
        expect(r.ciLow!).toBeLessThanOrEqual(r.difference! + 1e-6);
        expect(r.ciHigh!).toBeGreaterThanOrEqual(r.difference! - 1e-6);
        expect(r.ciHigh! - r.ciLow!).toBeGreaterThan(0);
        expect(s.ciLow!).toBeCloseTo(-r.ciHigh!, 5);
        expect(s.ciHigh!).toBeCloseTo(-r.ciLow!, 5);
      }),
    );
  });

  it('keeps the unpooled standard error as a descriptive figure', () => {
    const r = differenceOfProportions(12, 40, 20, 100);
    expect(r.standardError).toBeCloseTo(Math.sqrt((0.3 * 0.7) / 40 + (0.2 * 0.8) / 100), 6);
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

  it('follows the score interval, not the Wald one, when calling a result', () => {
    // 5/56 vs 0/29 with a lowered minimum: Wald excluded zero (a false "works"); Newcombe includes it.
    const u = holdoutUplift({ holdoutChurned: 5, holdoutN: 56, treatedChurned: 0, treatedN: 29 }, 30, 20);
    expect(u.ciLow!).toBeCloseTo(-0.0381, 4);
    expect(u.conclusive).toBe(false);
    expect(u.verdict).toMatch(/No clear effect yet: the 95% CI -3\.8 points to 19\.3 points includes zero/);
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
    const text = toCsv(
      ['a', 'b', 'c'],
      [
        { a: 1, b: 'x,y', c: null },
        { a: 0.5, b: 'line\nbreak', c: true },
      ],
    );
    expect(parseCsv(text)).toEqual([
      { a: '1', b: 'x,y', c: '' },
      { a: '0.5', b: 'line\nbreak', c: 'true' },
    ]);
  });
});
