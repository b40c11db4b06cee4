import { rng } from '../../bench/lib/generator.js';
import { FEATURES, reasonText, topReasons, toRiskScore, withText } from './risk-features.js';
import { atBudget, calibration, fitLogistic, ofFlags, rocAuc, scoreOf, standardiser, verdict } from './risk-model.js';
import { MIN_HISTORY_DAYS, splitDays } from './risk-split.js';

describe('rocAuc', () => {
  it('counts pairs by hand: every churner above every stayer is 1, the reverse 0', () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
  });
  it('counts ties as half a pair', () => {
    // churners 0.5, 0.3; stayers 0.5, 0.1: pairs (0.5>0.5 tie 0.5) (0.5>0.1 1) (0.3<0.5 0) (0.3>0.1 1) → 2.5 of 4
    expect(rocAuc([0.5, 0.3, 0.5, 0.1], [1, 1, 0, 0])).toBe(0.625);
    // all equal (a rule that fires for nobody): chance
    expect(rocAuc([0, 0, 0, 0], [1, 0, 1, 0])).toBe(0.5);
  });
  it('is null without both classes', () => {
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNull();
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNull();
  });
});

describe('precision and recall at a budget', () => {
  const scores = [0.9, 0.7, 0.6, 0.4, 0.2, 0.1];
  const labels = [1, 0, 1, 1, 0, 0];
  it('takes the highest scores', () => {
    // top 2: labels 1, 0 → precision 1/2; 1 of the 3 churners → recall 1/3
    expect(atBudget(scores, labels, 2)).toEqual({ flagged: 2, hits: 1, precision: 0.5, recall: 1 / 3 });
    expect(atBudget(scores, labels, 0)).toEqual({ flagged: 0, hits: 0, precision: null, recall: 0 });
  });
  it('of fixed flags', () => {
    expect(ofFlags([false, true, true, false, true, false], labels)).toEqual({ flagged: 3, hits: 1, precision: 1 / 3, recall: 1 / 3 });
  });
});

describe('calibration', () => {
  it('bins by decile of the score, lowest first, with the mean prediction and the observed share', () => {
    const scores = Array.from({ length: 20 }, (_, i) => i / 20);
    const labels = scores.map((_, i) => (i >= 18 ? 1 : 0));
    const bins = calibration(scores, labels);
    expect(bins).toHaveLength(10);
    expect(bins[0]).toEqual({ decile: 1, n: 2, predicted: 0.025, observed: 0 });
    expect(bins[9]).toEqual({ decile: 10, n: 2, predicted: 0.925, observed: 1 });
  });
});

describe('verdict', () => {
  it('says how many more churners the model finds at the same workload', () => {
    const v = verdict({ flagged: 100, hits: 59, precision: 0.59, recall: 0.5 }, { flagged: 100, hits: 45, precision: 0.45, recall: 0.38 });
    expect(v.kind).toBe('model_better');
    expect(v.moreFound).toBeCloseTo(14 / 45, 10);
    expect(v.text).toBe('The model finds 31% more of the learners who churned at the same workload (59 against 45 of 100 alerts).');
  });
  it('says "times as many" past double, and when the rules found none', () => {
    const rules = { flagged: 366, hits: 5, precision: 5 / 366, recall: 0.01 };
    expect(verdict({ flagged: 366, hits: 192, precision: 0.52, recall: 0.4 }, rules).text).toBe(
      'The model finds 38 times as many of the learners who churned at the same workload (192 against 5 of 366 alerts).',
    );
    expect(verdict({ flagged: 366, hits: 12, precision: 0.03, recall: 0.1 }, rules).text).toMatch(/finds 2\.4 times as many/);
    expect(verdict({ flagged: 10, hits: 4, precision: 0.4, recall: 0.4 }, { flagged: 10, hits: 0, precision: 0, recall: 0 })).toMatchObject({
      kind: 'model_better',
      moreFound: null,
      text: 'The model finds 4 of the learners who churned at the same workload, the rules none (4 against 0 of 10 alerts).',
    });
  });
  it('keeps the rules when the model is not clearly better', () => {
    expect(verdict({ flagged: 100, hits: 46, precision: 0.46, recall: 0.4 }, { flagged: 100, hits: 45, precision: 0.45, recall: 0.4 }).kind).toBe(
      'rules_as_good',
    );
    const worse = verdict({ flagged: 100, hits: 30, precision: 0.3, recall: 0.3 }, { flagged: 100, hits: 45, precision: 0.45, recall: 0.4 });
    expect(worse.kind).toBe('rules_better');
    expect(worse.text).toMatch(/keep them/);
  });
  it('has nothing to compare when the rules raised no alert', () => {
    expect(verdict({ flagged: 10, hits: 5, precision: 0.5, recall: 0.5 }, { flagged: 0, hits: 0, precision: null, recall: 0 }).kind).toBe('no_rule_alerts');
  });
});

describe('fitLogistic', () => {
  /** Two informative features (+1.5 and −1 per sd), one noise feature, one constant; rare positives (about 12%). */
  function sample(n: number, seed: number) {
    const r = rng(seed);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const rows: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = [10 + 4 * gauss(), 50 + 20 * gauss(), gauss(), 7];
      const z = -2.5 + 1.5 * ((x[0] - 10) / 4) - 1 * ((x[1] - 50) / 20);
      rows.push(x);
      labels.push(r() < 1 / (1 + Math.exp(-z)) ? 1 : 0);
    }
    return { rows, labels };
  }

  it('recovers the standardised coefficients, ignores noise and constants, and converges', () => {
    const { rows, labels } = sample(20_000, 1);
    const m = fitLogistic(rows, labels, { lambda: 1 });
    expect(m.converged).toBe(true);
    expect(m.coef[0]).toBeGreaterThan(1.3);
    expect(m.coef[0]).toBeLessThan(1.7);
    expect(m.coef[1]).toBeGreaterThan(-1.2);
    expect(m.coef[1]).toBeLessThan(-0.8);
    expect(Math.abs(m.coef[2])).toBeLessThan(0.1);
    expect(m.coef[3]).toBe(0);
    expect(m.sds[3]).toBe(1);
  });

  it('is calibrated to the real base rate despite the class weights', () => {
    const { rows, labels } = sample(20_000, 2);
    const m = fitLogistic(rows, labels);
    const mean = rows.reduce((s, x) => s + scoreOf(m, x), 0) / rows.length;
    const rate = labels.reduce((s, y) => s + y, 0) / labels.length;
    expect(Math.abs(mean - rate)).toBeLessThan(0.04);
    // And it ranks held-out rows well (the data's own AUC is about 0.85).
    const test = sample(5_000, 3);
    expect(
      rocAuc(
        test.rows.map((x) => scoreOf(m, x)),
        test.labels,
      ),
    ).toBeGreaterThan(0.8);
  });

  it('refuses data with one class only', () => {
    expect(() => fitLogistic([[1], [2]], [0, 0])).toThrow(/both classes/);
  });

  it('standardises with the population standard deviation', () => {
    expect(standardiser([[1], [3]])).toEqual({ means: [2], sds: [1], constant: [false] });
  });
});

describe('the time split', () => {
  it('tests on four weekly snapshots ending 31 days before the as-of day, trains a full horizon before them', () => {
    const s = splitDays('2026-12-04', '2026-06-01');
    expect(s.testDays).toEqual(['2026-10-13', '2026-10-20', '2026-10-27', '2026-11-03']);
    // The last training day's 30-day outcome ends the day before the test period starts.
    expect(s.trainDays[s.trainDays.length - 1]).toBe('2026-09-12');
    expect(s.trainDays[0]).toBe('2026-06-06');
    expect(s.trainingWindow).toEqual({ from: '2026-06-06', to: '2026-09-12' });
  });
  it('has no training days without enough history', () => {
    const first = new Date(Date.parse('2026-12-04') - (MIN_HISTORY_DAYS - 2) * 86_400_000).toISOString().slice(0, 10);
    expect(splitDays('2026-12-04', first).trainDays).toEqual([]);
    const enough = new Date(Date.parse('2026-12-04') - MIN_HISTORY_DAYS * 86_400_000).toISOString().slice(0, 10);
    expect(splitDays('2026-12-04', enough).trainDays).toHaveLength(1);
    expect(splitDays('2026-12-04', null).trainDays).toEqual([]);
  });
});

describe('reasons in words', () => {
  it('words each feature', () => {
    expect(reasonText('days_since_login', 12)).toBe('no login for 12 days');
    expect(reasonText('days_since_login', 1)).toBe('no login for 1 day');
    expect(reasonText('pace_ratio', 0.314)).toBe('at 31% of the expected pace');
    expect(reasonText('study_change', -0.6)).toBe('study time down 60% on the week before');
    expect(reasonText('complaints_30d', 2)).toBe('2 complaints in 30 days');
    expect(withText([{ feature: 'late_assignments_30d', value: 1 }])).toEqual([
      { feature: 'late_assignments_30d', value: 1, text: '1 late or missing assignment in 30 days' },
    ]);
  });
  it('has words and a meaning for every feature', () => {
    for (const f of FEATURES) {
      expect(f.reason(3)).toMatch(/\w/);
      expect(f.meaning.length).toBeGreaterThan(10);
    }
  });
});

describe('the reasons of a stored score', () => {
  const n = FEATURES.length;
  const at = (pairs: Record<number, number>, fill = 0) => Array.from({ length: n }, (_, i) => pairs[i] ?? fill);

  it('are the three largest contributions above 0.1, largest first, values rounded to 2 decimals', () => {
    const x = at({ 0: 12, 1: 0.25, 2: 30.125, 4: 2, 5: 1 }, 7);
    const contrib = at({ 0: 0.9, 1: 0.05, 2: 1.4, 4: 0.3, 5: 0.6 }, -0.2);
    expect(topReasons(x, contrib)).toEqual([
      { feature: FEATURES[2].key, value: 30.13 },
      { feature: FEATURES[0].key, value: 12 },
      { feature: FEATURES[5].key, value: 1 },
    ]);
  });

  it('are none when nothing adds more than 0.1 (exactly 0.1 is not enough), and ties keep the feature order', () => {
    expect(topReasons(at({}, 3), at({ 3: 0.1 }, -1))).toEqual([]);
    expect(topReasons(at({}, 1), at({ 1: 0.5, 6: 0.5 })).map((r) => r.feature)).toEqual([FEATURES[1].key, FEATURES[6].key]);
  });

  it('round halves away from zero as SQL does, negatives included', () => {
    expect(topReasons(at({ 3: -0.125 }), at({ 3: 1 }))).toEqual([{ feature: FEATURES[3].key, value: -0.13 }]);
  });

  it('are worded for the API with the score and model version; no score reads as null', () => {
    const v = toRiskScore({ score: 0.83, x: at({ 0: 12 }), contrib: at({ 0: 2 }), modelVersion: 4 });
    expect(v).toEqual({ score: 0.83, modelVersion: 4, reasons: [{ feature: FEATURES[0].key, value: 12, text: reasonText(FEATURES[0].key, 12) }] });
    expect(toRiskScore(null)).toBeNull();
  });
});
