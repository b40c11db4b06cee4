import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { LOGIT_CLIP } from './risk-features.js';

/**
 * The learned risk model: logistic regression on standardised features, L2-regularised, with class weights so
 * the rare churners count as much as the many who stay, fitted by Newton's method (iteratively reweighted least
 * squares). The linear algebra is ml-matrix's (Cholesky solve of the penalised Hessian); this file holds only the
 * statistics around it, as pure functions with unit tests (risk-model.spec.ts).
 *
 * Why this model: its score is a sum of per-feature terms, so it is computed in SQL from the stored coefficients
 * for every enrolment in one statement, and each term is a reason an advisor can read. ml-logistic-regression
 * (the other library at hand) has no intercept, no regularisation and no sample weights, and fits by a fixed number
 * of plain gradient steps, which does not converge on tens of thousands of rows.
 */

export interface FittedModel {
  means: number[];
  sds: number[];
  /** Per standardised feature; 0 for a feature that did not vary in training. */
  coef: number[];
  /** Corrected for the class weights: scores are probabilities at the training base rate. */
  intercept: number;
  iterations: number;
  converged: boolean;
}

export interface FitOptions {
  /** L2 penalty on the standardised coefficients (not the intercept), in units of the weighted sample size. */
  lambda?: number;
  maxIterations?: number;
  tolerance?: number;
}

/** Means and standard deviations (population) of each column; a constant column gets sd 1. */
export function standardiser(rows: number[][]): { means: number[]; sds: number[]; constant: boolean[] } {
  const k = rows[0]?.length ?? 0;
  const means = new Array<number>(k).fill(0);
  const sds = new Array<number>(k).fill(0);
  for (const r of rows) for (let j = 0; j < k; j++) means[j] += r[j];
  for (let j = 0; j < k; j++) means[j] /= Math.max(rows.length, 1);
  for (const r of rows) for (let j = 0; j < k; j++) sds[j] += (r[j] - means[j]) ** 2;
  const constant = sds.map((s) => Math.sqrt(s / Math.max(rows.length, 1)) < 1e-9);
  return { means, sds: sds.map((s, j) => (constant[j] ? 1 : Math.sqrt(s / rows.length))), constant };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-Math.max(-LOGIT_CLIP, Math.min(LOGIT_CLIP, z))));

/**
 * Fits the model to rows (raw feature values) and labels (1 churned within the horizon, 0 not). Class weights
 * n ÷ (2·n_class) balance the classes; afterwards the intercept is moved by the log odds of the base rate, the
 * standard prior correction, so the scores are calibrated to the churn rate the school actually has.
 */
export function fitLogistic(rows: number[][], labels: number[], opts: FitOptions = {}): FittedModel {
  const n = rows.length;
  const positives = labels.reduce((s, y) => s + y, 0);
  if (n === 0 || positives === 0 || positives === n) throw new Error('fitLogistic needs both classes');
  const { means, sds, constant } = standardiser(rows);
  const k = means.length;
  const lambda = opts.lambda ?? 1;
  const maxIterations = opts.maxIterations ?? 50;
  const tolerance = opts.tolerance ?? 1e-8;
  const wPos = n / (2 * positives);
  const wNeg = n / (2 * (n - positives));
  // Design rows: an intercept column, then the standardised features (constant ones left at 0).
  const X = rows.map((r) => [1, ...r.map((v, j) => (constant[j] ? 0 : (v - means[j]) / sds[j]))]);
  let beta = new Array<number>(k + 1).fill(0);
  let converged = false;
  let iterations = 0;
  for (; iterations < maxIterations && !converged; iterations++) {
    const H = Array.from({ length: k + 1 }, () => new Array<number>(k + 1).fill(0));
    const g = new Array<number>(k + 1).fill(0);
    for (let i = 0; i < n; i++) {
      const x = X[i];
      let z = 0;
      for (let j = 0; j <= k; j++) z += x[j] * beta[j];
      const p = sigmoid(z);
      const w = labels[i] ? wPos : wNeg;
      const r = w * (labels[i] - p);
      const h = w * p * (1 - p);
      for (let a = 0; a <= k; a++) {
        if (x[a] === 0) continue;
        g[a] += r * x[a];
        const hx = h * x[a];
        const Ha = H[a];
        for (let b = a; b <= k; b++) Ha[b] += hx * x[b];
      }
    }
    for (let a = 0; a <= k; a++) for (let b = 0; b < a; b++) H[a][b] = H[b][a];
    // The penalty: −λ·β on the gradient, +λ on the diagonal (not the intercept); a constant feature is pinned at 0.
    for (let j = 1; j <= k; j++) {
      g[j] -= lambda * beta[j];
      H[j][j] += lambda + (constant[j - 1] ? 1 : 0);
    }
    const step = new CholeskyDecomposition(new Matrix(H)).solve(Matrix.columnVector(g)).to1DArray();
    beta = beta.map((b, j) => b + step[j]);
    converged = Math.max(...step.map(Math.abs)) < tolerance;
  }
  const baseRate = positives / n;
  return {
    means,
    sds,
    coef: beta.slice(1).map((b, j) => (constant[j] ? 0 : b)),
    // Weighted, the model sees a 50% base rate; the prior correction moves it to the real one.
    intercept: beta[0] + Math.log(baseRate / (1 - baseRate)),
    iterations,
    converged,
  };
}

/** The score of one row: as the SQL of risk-features.ts scoredCte computes it. */
export function scoreOf(m: Pick<FittedModel, 'means' | 'sds' | 'coef' | 'intercept'>, x: number[]): number {
  let z = m.intercept;
  for (let j = 0; j < x.length; j++) z += ((x[j] - m.means[j]) / m.sds[j]) * m.coef[j];
  return sigmoid(z);
}

/**
 * ROC AUC: the chance that a random churner scores above a random stayer (ties count half), from ranks
 * (Mann–Whitney U), so tied scores (the rules' counts) are handled exactly. null without both classes.
 */
export function rocAuc(scores: number[], labels: number[]): number | null {
  const n = scores.length;
  const pos = labels.reduce((s, y) => s + y, 0);
  if (pos === 0 || pos === n) return null;
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let rankSumPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && order[j + 1][0] === order[i][0]) j++;
    const rank = (i + j) / 2 + 1; // average rank of the tie group
    for (let t = i; t <= j; t++) if (labels[order[t][1]]) rankSumPos += rank;
    i = j + 1;
  }
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * (n - pos));
}

export interface AtBudget {
  /** alerts raised (rows flagged) */
  flagged: number;
  /** flagged rows that churned within the horizon */
  hits: number;
  precision: number | null;
  recall: number | null;
}

/** Precision and recall of the `budget` highest scores (ties at the cut broken by input order). */
export function atBudget(scores: number[], labels: number[], budget: number): AtBudget {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  const top = idx.slice(0, Math.max(0, budget));
  return summarise(
    top.map((i) => labels[i]),
    labels,
  );
}

/** Precision and recall of a fixed set of flags (the rules: a row is flagged when any rule fires on it). */
export function ofFlags(flags: boolean[], labels: number[]): AtBudget {
  return summarise(
    labels.filter((_, i) => flags[i]),
    labels,
  );
}

function summarise(flaggedLabels: number[], labels: number[]): AtBudget {
  const hits = flaggedLabels.reduce((s, y) => s + y, 0);
  const churned = labels.reduce((s, y) => s + y, 0);
  return {
    flagged: flaggedLabels.length,
    hits,
    precision: flaggedLabels.length ? hits / flaggedLabels.length : null,
    recall: churned ? hits / churned : null,
  };
}

export interface CalibrationBin {
  decile: number;
  n: number;
  /** mean predicted probability in the bin */
  predicted: number;
  /** share that churned */
  observed: number;
}

/** Predicted against observed churn by decile of the score (decile 1 the lowest tenth); empty bins are left out. */
export function calibration(scores: number[], labels: number[]): CalibrationBin[] {
  const idx = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
  const bins: CalibrationBin[] = [];
  for (let d = 0; d < 10; d++) {
    const part = idx.slice(Math.floor((d * idx.length) / 10), Math.floor(((d + 1) * idx.length) / 10));
    if (!part.length) continue;
    bins.push({
      decile: d + 1,
      n: part.length,
      predicted: part.reduce((s, i) => s + scores[i], 0) / part.length,
      observed: part.reduce((s, i) => s + labels[i], 0) / part.length,
    });
  }
  return bins;
}

export type VerdictKind = 'model_better' | 'rules_as_good' | 'rules_better' | 'no_rule_alerts';

export interface Verdict {
  kind: VerdictKind;
  /** (model hits − rule hits) ÷ rule hits, at the same number of alerts; null when the rules found none */
  moreFound: number | null;
  text: string;
}

/**
 * The comparison in plain words. The model is better when, at the rules' workload, it finds at least 5% more of
 * the churners and at least 2 more learners; worse when it finds 5% fewer; otherwise the rules are as good.
 */
export function verdict(model: AtBudget, rules: AtBudget): Verdict {
  if (rules.flagged === 0)
    return {
      kind: 'no_rule_alerts',
      moreFound: null,
      text: 'The rules raised no alerts in the test period, so there is no workload to compare at; the model is measured at its own top tenth.',
    };
  const more = rules.hits ? (model.hits - rules.hits) / rules.hits : model.hits > 0 ? Infinity : 0;
  if (more >= 0.05 && model.hits - rules.hits >= 2) {
    // Past double, a ratio reads better than a percentage ("38 times as many", not "3740% more").
    const much = !Number.isFinite(more) || more >= 1;
    const ratio = rules.hits ? model.hits / rules.hits : null;
    const how = much
      ? ratio === null
        ? `${model.hits} of the learners who churned at the same workload, the rules none`
        : `${ratio >= 10 ? Math.round(ratio) : Math.round(ratio * 10) / 10} times as many of the learners who churned at the same workload`
      : `${Math.round(more * 100)}% more of the learners who churned at the same workload`;
    return {
      kind: 'model_better',
      moreFound: Number.isFinite(more) ? more : null,
      text: `The model finds ${how} (${model.hits} against ${rules.hits} of ${rules.flagged} alerts).`,
    };
  }
  if (more <= -0.05)
    return {
      kind: 'rules_better',
      moreFound: more,
      text: `The rules find ${Math.round((rules.hits / Math.max(model.hits, 1) - 1) * 100)}% more of the learners who churned at the same workload (${rules.hits} against ${model.hits}): keep them.`,
    };
  return {
    kind: 'rules_as_good',
    moreFound: more,
    text: `The rules are as good (${rules.hits} against ${model.hits} churners found at the same workload): keep them.`,
  };
}
