import { KINDS, type RuleKindSpec } from './kinds/index.js';
import type { RuleDefinition, RuleKind } from './rule-definitions.js';

/**
 * The live query of a rule: one set-based statement per rule kind (libs/rules/kinds/<kind>.ts). Each yields the enrolments for which the rule fires as of `$1`
 * (a timestamptz), with `$2` the school time zone, as rows `(enrollment_id, learner_id, evidence)`.
 * Evidence holds the numbers that fired and the window they were measured over; it only changes when
 * those numbers do, so re-running with no data change rewrites nothing.
 *
 * Only active enrolments raise inactivity, pace and study-time alerts (paused, cancelled, completed and
 * expired never do); late assignments also count for paused enrolments; complaints count for any status.
 */
export interface FiringQuery {
  sql: string;
  values: unknown[];
}

/** The firing query of one rule; `$1` = as-of time, `$2` = school time zone, `$3…` = its parameters. */
export function firingQuery(rule: Pick<RuleDefinition, 'kind' | 'params'>): FiringQuery {
  return (KINDS[rule.kind] as RuleKindSpec<RuleKind>).live(rule.params as never);
}

/** Shifts `$n` placeholders by `offset` so a firing query can be embedded after other parameters. */
export function shiftPlaceholders(sql: string, offset: number): string {
  return sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
