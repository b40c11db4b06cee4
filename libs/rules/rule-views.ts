import { isRuleKind } from './rule-definitions.js';
import { KINDS } from './kinds/index.js';

/** Plain-words reading of a rule's parameters, shown next to them in GET /rules. */
export function describeParams(kind: string, p: Record<string, number>): string {
  return isRuleKind(kind) ? KINDS[kind].describeParams(p as never) : kind;
}
