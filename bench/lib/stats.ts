/** Median and spread of a benchmark's rounds (every RESULT ratio is a ratio of medians). */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(xs: number[]): Spread {
  if (!xs.length) throw new Error('no rounds measured');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
}

/** `name_median`, `name_min`, `name_max` figures, rounded to `digits`. */
export function spreadFigures(name: string, s: Spread, digits = 0): Record<string, number> {
  const r = (n: number) => Math.round(n * 10 ** digits) / 10 ** digits;
  return { [`${name}_median`]: r(s.median), [`${name}_min`]: r(s.min), [`${name}_max`]: r(s.max) };
}
