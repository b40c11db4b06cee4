import type { AdvisorsReport, ChurnFigures, ChurnReasonsReport, FirstWeekReport, RetentionReport, RulesReport, TicketsReport } from './analytics';

/**
 * What each analytics chart draws, taken from the API's report and nothing else: pure functions, so the charts,
 * their tables and the tests read the same numbers. Rates stay fractions (0..1) or null ("not measurable yet",
 * never drawn as 0).
 */

export type Horizon = 30 | 60 | 90;
export const HORIZONS: Horizon[] = [30, 60, 90];

/** A share as a percentage with one decimal for a chart axis (null stays null: a gap, not a zero). */
export const pct = (share: number | null | undefined): number | null => (share === null || share === undefined ? null : Math.round(share * 1000) / 10);

export function churnAt(f: ChurnFigures, h: Horizon): { rate: number | null; churned: number; mature: number } {
  if (h === 30) return { rate: f.churnRate30, churned: f.churned30, mature: f.mature30 };
  if (h === 60) return { rate: f.churnRate60, churned: f.churned60, mature: f.mature60 };
  return { rate: f.churnRate90, churned: f.churned90, mature: f.mature90 };
}

/** A curve point is drawn only when at least this many enrolments were observed that long (a handful is noise). */
export const MIN_CURVE_ENROLMENTS = 10;

/** Retention curves: per cohort, the share still active after each week, where enough enrolments were observed. */
export function retentionCurves(r: RetentionReport): Array<{ cohort: string; points: Array<[number, number]> }> {
  return r.cohorts.map((c) => ({
    cohort: c.cohort,
    points: c.curve.filter((p) => p.activeShare !== null && p.enrolments >= MIN_CURVE_ENROLMENTS).map((p) => [p.week, pct(p.activeShare)!] as [number, number]),
  }));
}

/** Churn at 30/60/90 days and the renewal rate per cohort, as percentages. */
export function cohortChurn(r: RetentionReport): { cohorts: string[]; churn: Record<Horizon, Array<number | null>>; renewal: Array<number | null> } {
  return {
    cohorts: r.cohorts.map((c) => c.cohort),
    churn: { 30: r.cohorts.map((c) => pct(c.churnRate30)), 60: r.cohorts.map((c) => pct(c.churnRate60)), 90: r.cohorts.map((c) => pct(c.churnRate90)) },
    renewal: r.cohorts.map((c) => pct(c.renewalRate)),
  };
}

export const GROUPS = ['covered', 'notCovered', 'holdout'] as const;
export type Group = (typeof GROUPS)[number];

/** Churn of covered, not covered and holdout learners at each horizon, as percentages. */
export function groupChurn(r: FirstWeekReport): Record<Group, Array<number | null>> {
  return {
    covered: HORIZONS.map((h) => pct(churnAt(r.groups.covered, h).rate)),
    notCovered: HORIZONS.map((h) => pct(churnAt(r.groups.notCovered, h).rate)),
    holdout: HORIZONS.map((h) => pct(churnAt(r.groups.holdout, h).rate)),
  };
}

/** The holdout uplift with its 95% interval in percentage points (null when it cannot be measured yet). */
export function upliftPoints(r: FirstWeekReport): { difference: number; low: number; high: number } | null {
  const u = r.uplift;
  if (u.difference === null || u.ciLow === null || u.ciHigh === null) return null;
  return { difference: pct(u.difference)!, low: pct(u.ciLow)!, high: pct(u.ciHigh)! };
}

/** Precision and recall per rule, as percentages, in the report's order. */
export function ruleQuality(r: RulesReport): { rules: string[]; names: string[]; precision: Array<number | null>; recall: Array<number | null> } {
  return {
    rules: r.rules.map((x) => x.ruleKey),
    names: r.rules.map((x) => x.name),
    precision: r.rules.map((x) => pct(x.precision)),
    recall: r.rules.map((x) => pct(x.recall)),
  };
}

/** Recorded churn reasons: counts from resolved cases and from call outcomes, per reason. */
export function reasonCounts(r: ChurnReasonsReport): { reasons: string[]; fromCases: number[]; fromCalls: number[] } {
  return { reasons: r.reasons.map((x) => x.reason), fromCases: r.reasons.map((x) => x.fromCases), fromCalls: r.reasons.map((x) => x.fromCalls) };
}

/** Calls done and overdue per advisor, busiest first (by open cases, then calls done). */
export function advisorLoad(r: AdvisorsReport): { advisors: string[]; done: number[]; overdue: number[]; openCases: number[] } {
  const rows = [...r.advisors].sort((a, b) => b.openCases - a.openCases || b.tasksDone - a.tasksDone || a.name.localeCompare(b.name));
  return {
    advisors: rows.map((a) => a.name),
    done: rows.map((a) => a.tasksDone),
    overdue: rows.map((a) => a.tasksOverdue),
    openCases: rows.map((a) => a.openCases),
  };
}

/** First response and resolution in business hours (p50 and p90) overall and per priority. */
export function ticketTimes(r: TicketsReport): {
  groups: string[];
  firstResponseP50: Array<number | null>;
  firstResponseP90: Array<number | null>;
  resolutionP50: Array<number | null>;
  resolutionP90: Array<number | null>;
} {
  const rows = [{ name: 'overall', g: r.overall }, ...r.byPriority.map((p) => ({ name: p.priority, g: p }))];
  const hours = (m: number | null) => (m === null ? null : Math.round((m / 60) * 10) / 10);
  return {
    groups: rows.map((x) => x.name),
    firstResponseP50: rows.map((x) => hours(x.g.firstResponse.p50Minutes)),
    firstResponseP90: rows.map((x) => hours(x.g.firstResponse.p90Minutes)),
    resolutionP50: rows.map((x) => hours(x.g.resolution.p50Minutes)),
    resolutionP90: rows.map((x) => hours(x.g.resolution.p90Minutes)),
  };
}

/**
 * The verdict in Chinese: the same cases and figures as the API's English sentence (libs/analytics/stats.ts,
 * holdoutUplift), said in Chinese. A case the console does not know falls back to the API's sentence.
 */
export function verdictZh(u: FirstWeekReport['uplift']): string {
  const pts = (x: number | null) => `${((x ?? 0) * 100).toFixed(1)} 个百分点`;
  const sizes = `对照组 n=${u.holdoutN}，干预组 n=${u.treatedN}`;
  const d = u.horizonDays;
  if (u.holdoutN === 0) return `还没有满 ${d} 天的对照组学员（${sizes}）：请把 HOLDOUT_PERCENT 设为大于 0，等待 ${d} 天后即可衡量回访是否有效。`;
  if (u.treatedN === 0) return `还没有满 ${d} 天的干预组学员（${sizes}）：暂无可比较的数据。`;
  const ci = `95% 置信区间 ${pts(u.ciLow)} 至 ${pts(u.ciHigh)}`;
  if (u.verdict.startsWith('Sample too small')) return `样本太少，尚无法判断（${sizes}）：观察到的差异为 ${pts(u.difference)}，${ci}。`;
  if (u.conclusive && (u.difference ?? 0) > 0) return `干预使 ${d} 天流失率降低 ${pts(u.difference)}（${ci}；${sizes}）。`;
  if (u.conclusive) return `干预组 ${d} 天内的流失率比对照组高 ${pts(-(u.difference ?? 0))}（${ci}；${sizes}）：请复查该计划。`;
  if (u.verdict.startsWith('No clear effect')) return `尚无明确效果：${ci} 包含零（${sizes}）；请继续保留对照组以积累更多学员。`;
  return u.verdict;
}
