import { describe, expect, it } from 'vitest';
import type { FirstWeekReport, RetentionReport } from './analytics';
import { churnAt, pct, retentionCurves, upliftPoints, verdictZh } from './figures';

const uplift = (o: Partial<FirstWeekReport['uplift']>): FirstWeekReport['uplift'] => ({
  difference: 0.21,
  standardError: 0.07,
  ciLow: 0.089,
  ciHigh: 0.343,
  horizonDays: 30,
  holdoutN: 60,
  treatedN: 200,
  holdoutChurned: 21,
  treatedChurned: 28,
  holdoutChurn: 0.35,
  treatedChurn: 0.14,
  conclusive: true,
  verdict: 'Interventions reduce 30-day churn by 21.0 points (95% CI 8.9 points to 34.3 points; holdout n=60, treated n=200).',
  ...o,
});

describe('analytics figures', () => {
  it('keeps "not measurable" apart from zero', () => {
    expect(pct(null)).toBeNull();
    expect(pct(0)).toBe(0);
    expect(pct(0.160526)).toBe(16.1);
  });

  it('draws a retention curve only where enough enrolments were observed', () => {
    const r = {
      cohorts: [
        {
          cohort: '2026-09',
          curve: [
            { week: 1, enrolments: 40, activeShare: 0.95 },
            { week: 2, enrolments: 12, activeShare: 0.9 },
            { week: 3, enrolments: 3, activeShare: 1 },
            { week: 4, enrolments: 0, activeShare: null },
          ],
        },
      ],
    } as unknown as RetentionReport;
    expect(retentionCurves(r)).toEqual([
      {
        cohort: '2026-09',
        points: [
          [1, 95],
          [2, 90],
        ],
      },
    ]);
  });

  it('reads churn at a horizon with its denominator', () => {
    const f = {
      enrolments: 10,
      mature30: 8,
      churned30: 2,
      churnRate30: 0.25,
      mature60: 5,
      churned60: 2,
      churnRate60: 0.4,
      mature90: 0,
      churned90: 0,
      churnRate90: null,
    };
    expect(churnAt(f, 60)).toEqual({ rate: 0.4, churned: 2, mature: 5 });
    expect(churnAt(f, 90)).toEqual({ rate: null, churned: 0, mature: 0 });
  });

  it('gives the uplift interval in points, or nothing when it cannot be measured', () => {
    expect(upliftPoints({ uplift: uplift({}) } as FirstWeekReport)).toEqual({ difference: 21, low: 8.9, high: 34.3 });
    expect(upliftPoints({ uplift: uplift({ difference: null, ciLow: null, ciHigh: null }) } as FirstWeekReport)).toBeNull();
  });

  it("says the API's verdict in Chinese with the same figures", () => {
    expect(verdictZh(uplift({}))).toBe('干预使 30 天流失率降低 21.0 个百分点（95% 置信区间 8.9 个百分点 至 34.3 个百分点；对照组 n=60，干预组 n=200）。');
    expect(verdictZh(uplift({ holdoutN: 0, conclusive: false }))).toMatch(/^还没有满 30 天的对照组学员.*HOLDOUT_PERCENT/);
    expect(verdictZh(uplift({ conclusive: false, verdict: 'Sample too small to tell (…)' }))).toMatch(/^样本太少/);
    expect(verdictZh(uplift({ conclusive: false, verdict: 'No clear effect yet: …' }))).toMatch(/^尚无明确效果/);
    expect(verdictZh(uplift({ difference: -0.1, ciLow: -0.18, ciHigh: -0.02 }))).toMatch(/^干预组 30 天内的流失率比对照组高 10.0 个百分点/);
  });
});
