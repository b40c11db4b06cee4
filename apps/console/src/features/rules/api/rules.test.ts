import { describe, expect, it } from 'vitest';
import { checkParams, parseParams, sameParams, workloadSeries, type BacktestResult, type ParamSpec } from './rules';

const days: ParamSpec = { name: 'days', integer: true, min: 1, max: 365, minExclusive: false, default: 7, meaning: '' };
const ratio: ParamSpec = { name: 'ratio', integer: false, min: 0, max: 1, minExclusive: true, default: 0.2, meaning: '' };

describe('rule drafts', () => {
  it('checks each parameter against its published range', () => {
    expect(checkParams([days], { days: '10' })).toEqual({});
    expect(checkParams([days], { days: '' }).days.key).toBe('rules.param.number');
    expect(checkParams([days], { days: 'ten' }).days.key).toBe('rules.param.number');
    expect(checkParams([days], { days: '2.5' }).days.key).toBe('rules.param.whole');
    expect(checkParams([days], { days: '0' }).days).toEqual({ key: 'rules.param.range', vars: { min: 1, max: 365 } });
    expect(checkParams([days], { days: '366' }).days.key).toBe('rules.param.range');
    expect(checkParams([ratio], { ratio: '0' }).ratio.key).toBe('rules.param.above');
    expect(checkParams([ratio], { ratio: '0.05' })).toEqual({});
    expect(checkParams([ratio], { ratio: '1.01' }).ratio.key).toBe('rules.param.above');
  });

  it('parses a valid draft to numbers, and nothing from an invalid one', () => {
    expect(parseParams([days, ratio], { days: ' 10 ', ratio: '0.3' })).toEqual({ days: 10, ratio: 0.3 });
    expect(parseParams([days, ratio], { days: '10', ratio: '0' })).toBeNull();
  });

  it('compares parameters regardless of key order', () => {
    expect(sameParams({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(sameParams({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });

  it('lines up the workload of the current rule and the draft by day', () => {
    const r = (opened: Array<[string, number]>) =>
      ({ days: opened.map(([day, n]) => ({ day, opened: n, firing: 0, cleared: 0 })) }) as unknown as BacktestResult;
    expect(
      workloadSeries(
        r([
          ['2026-10-01', 3],
          ['2026-10-02', 1],
        ]),
        r([
          ['2026-10-01', 5],
          ['2026-10-02', 0],
        ]),
      ),
    ).toEqual({ days: ['2026-10-01', '2026-10-02'], current: [3, 1], draft: [5, 0] });
  });
});
