import type { ParamsByKind, RuleAction, RuleKind, Severity } from '../rule-definitions.js';
import type { SqlRow } from '../../database/sql-row.js';

/** One parameter of a kind: its range, whether it is whole, the default a missing one takes, and what it means. */
export interface ParamSpec {
  integer: boolean;
  min: number;
  max: number;
  /** min is exclusive (ratios above zero). */
  minExclusive?: boolean;
  default: number;
  meaning: string;
}

/** The period of a backtest as day numbers (days since 1970-01-01), for sizing a query to it. */
export interface PeriodDays {
  from: number;
  to: number;
}

/** The numbers an alert fired on, as its evidence JSON holds them. */
export type Evidence = SqlRow;

/** A statement and its values (numbered after the ones the caller puts first). */
export interface KindQuery {
  sql: string;
  values: unknown[];
  /** the backtest statement must not run with parallel workers */
  serial?: boolean;
}

/**
 * A built-in rule kind: everything a rule of this kind means, in one file under libs/rules/kinds/.
 *
 * - `live(p)`: the enrolments it fires for as of `$1` (a timestamptz), `$2` the school time zone, its values from
 *   `$3`; rows `(enrollment_id, learner_id, evidence)`. Evidence holds the numbers that fired and the window they
 *   were measured over, and changes only when they do (a re-run with no new data rewrites nothing).
 * - `backtest.intervals(p, period)`: CTEs ending in `iv (enrollment_id, s, e)`, the days s..e (inclusive) on which it
 *   fires at the end of the day, for school days in [`$1`, `$2`] (time zone `$3`), its values from `$4`, read from
 *   the rollups in one statement (libs/rules/backtest-queries.ts clips them to each enrolment's days with a status in
 *   `backtest.statuses`, merges and counts them).
 * - `defaultRule`: the rule of this kind careloop ships with (seeded by migration RulesEngine, params = the defaults).
 */
export interface RuleKindSpec<K extends RuleKind> {
  kind: K;
  params: Record<keyof ParamsByKind[K] & string, ParamSpec>;
  defaultRule: { key: string; name: string; severity: Severity; action: RuleAction; cohortThreshold: number | null };
  /** Seeded switched off (default: on). */
  enabledByDefault?: boolean;
  live(p: ParamsByKind[K]): KindQuery;
  backtest: { statuses: string; intervals(p: ParamsByKind[K], period: PeriodDays): KindQuery };
  /** The parameters in plain words (GET /rules `description`). */
  describeParams(p: ParamsByKind[K]): string;
  /** One plain sentence for an alert, from its evidence. */
  describeEvidence(e: Evidence): string;
}

/** The as-of time and the school day it falls on, for the live queries. */
export const CLOCK = `(select $1::timestamptz as as_of, ($1::timestamptz at time zone $2::text)::date as today) c`;

export function pct(v: unknown): string {
  return typeof v === 'number' ? `${Math.round(v * 1000) / 10}%` : String(v);
}
