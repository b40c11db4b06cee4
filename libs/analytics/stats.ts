/**
 * Pure statistics used by the analytics endpoints. No I/O: unit-tested in stats.spec.ts.
 */

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;
/** Below this many mature enrolments in either arm we refuse to call a winner. */
export const MIN_ARM_SIZE = 30;

/** `part / whole`, or null when there is nothing to divide by (never a misleading 0). */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? round6(part / whole) : null;
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Linear-interpolated percentile (same as PostgreSQL's percentile_cont); null for an empty list. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export interface ProportionDifference {
  /** p1 − p2 */
  difference: number | null;
  /**
   * The unpooled standard error sqrt(p1(1−p1)/n1 + p2(1−p2)/n2), reported as a descriptive figure only: the
   * interval does not use it (it is 0 at 0 or n successes, which is exactly where a ± interval lies).
   */
  standardError: number | null;
  /** 95% Newcombe hybrid score interval (never outside −1…1). */
  ciLow: number | null;
  ciHigh: number | null;
}

/**
 * Wilson score interval for one proportion x/n (Wilson 1927, no continuity correction): the p whose score test
 * |p̂ − p| / sqrt(p(1−p)/n) equals z. Unlike p̂ ± z·se it never collapses to a point at x = 0 or x = n and
 * never leaves 0…1.
 */
export function wilsonInterval(x: number, n: number, z = Z95): { low: number; high: number } {
  const p = x / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const denominator = 1 + z2 / n;
  // At x = 0 (x = n) the low (high) end is exactly 0 (1); the formula gives it only up to rounding.
  const low = x === 0 ? 0 : (centre - spread) / denominator;
  const high = x === n ? 1 : (centre + spread) / denominator;
  return { low, high };
}

/**
 * Difference of two proportions d = x1/n1 − x2/n2 with a 95% Newcombe hybrid score interval (Newcombe 1998,
 * Statistics in Medicine 17:873–890, method 10; statsmodels' `newcomb`). With (l1, u1), (l2, u2) the Wilson
 * intervals of each arm:
 *   low  = d − sqrt((p1 − l1)² + (u2 − p2)²)
 *   high = d + sqrt((u1 − p1)² + (p2 − l2)²)
 * The Wald interval d ± z·se is not used: it is zero-width for 0/10 vs 0/20 and excludes zero for 5/56 vs 0/29,
 * i.e. it claims certainty exactly for the small groups a small school has.
 */
export function differenceOfProportions(x1: number, n1: number, x2: number, n2: number, z = Z95): ProportionDifference {
  if (n1 <= 0 || n2 <= 0) return { difference: null, standardError: null, ciLow: null, ciHigh: null };
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2);
  const w1 = wilsonInterval(x1, n1, z);
  const w2 = wilsonInterval(x2, n2, z);
  const low = d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2);
  const high = d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2);
  return { difference: round6(d), standardError: round6(se), ciLow: round6(Math.max(-1, low)), ciHigh: round6(Math.min(1, high)) };
}

export interface Uplift extends ProportionDifference {
  horizonDays: number;
  holdoutN: number;
  treatedN: number;
  holdoutChurned: number;
  treatedChurned: number;
  holdoutChurn: number | null;
  treatedChurn: number | null;
  /** True only when both arms are large enough and the interval excludes zero. */
  conclusive: boolean;
  verdict: string;
}

/**
 * uplift = churn(holdout) − churn(treated): positive means the interventions keep learners.
 * The verdict says in plain words what the numbers allow a school to conclude.
 */
export function holdoutUplift(
  a: { holdoutChurned: number; holdoutN: number; treatedChurned: number; treatedN: number },
  horizonDays = 30,
  minArm = MIN_ARM_SIZE,
): Uplift {
  const d = differenceOfProportions(a.holdoutChurned, a.holdoutN, a.treatedChurned, a.treatedN);
  const base = {
    ...d,
    horizonDays,
    holdoutN: a.holdoutN,
    treatedN: a.treatedN,
    holdoutChurned: a.holdoutChurned,
    treatedChurned: a.treatedChurned,
    holdoutChurn: rate(a.holdoutChurned, a.holdoutN),
    treatedChurn: rate(a.treatedChurned, a.treatedN),
  };
  const pts = (x: number) => `${(x * 100).toFixed(1)} points`;
  const sizes = `holdout n=${a.holdoutN}, treated n=${a.treatedN}`;
  if (a.holdoutN === 0) {
    return {
      ...base,
      conclusive: false,
      verdict: `No holdout learners with ${horizonDays} days of history yet (${sizes}): set HOLDOUT_PERCENT above 0 and wait ${horizonDays} days to measure whether the calls work.`,
    };
  }
  if (a.treatedN === 0) {
    return { ...base, conclusive: false, verdict: `No treated learners with ${horizonDays} days of history yet (${sizes}): nothing to compare.` };
  }
  const ci = `95% CI ${pts(d.ciLow!)} to ${pts(d.ciHigh!)}`;
  if (a.holdoutN < minArm || a.treatedN < minArm) {
    return {
      ...base,
      conclusive: false,
      verdict: `Sample too small to tell (${sizes}; need at least ${minArm} in each group): observed difference ${pts(d.difference!)}, ${ci}.`,
    };
  }
  if (d.ciLow! > 0) {
    return { ...base, conclusive: true, verdict: `Interventions reduce ${horizonDays}-day churn by ${pts(d.difference!)} (${ci}; ${sizes}).` };
  }
  if (d.ciHigh! < 0) {
    return {
      ...base,
      conclusive: true,
      verdict: `Treated learners churn ${pts(-d.difference!)} more than the holdout within ${horizonDays} days (${ci}; ${sizes}): review the program.`,
    };
  }
  return { ...base, conclusive: false, verdict: `No clear effect yet: the ${ci} includes zero (${sizes}); keep the holdout running to collect more learners.` };
}

/**
 * Retention curve from counts grouped by (observed weeks, churn week): for week w, among enrolments observed
 * for at least w weeks, the share not churned within their first w weeks. Week 0 is the enrolment itself.
 */
export function retentionCurve(
  buckets: Array<{ observedWeeks: number; churnWeek: number | null; n: number }>,
  maxWeeks: number,
): Array<{ week: number; enrolments: number; activeShare: number | null }> {
  const maxObserved = buckets.reduce((m, b) => Math.max(m, b.observedWeeks), -1);
  const last = Math.min(maxWeeks, maxObserved);
  const curve: Array<{ week: number; enrolments: number; activeShare: number | null }> = [];
  for (let w = 1; w <= last; w++) {
    let eligible = 0;
    let churned = 0;
    for (const b of buckets) {
      if (b.observedWeeks < w) continue;
      eligible += b.n;
      if (b.churnWeek !== null && b.churnWeek < w) churned += b.n;
    }
    curve.push({ week: w, enrolments: eligible, activeShare: rate(eligible - churned, eligible) });
  }
  return curve;
}
