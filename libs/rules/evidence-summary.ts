import { isRuleKind } from './rule-definitions.js';
import { KINDS } from './kinds/index.js';

/** One plain sentence per alert, built from its evidence, so a reader sees why a learner was flagged, in numbers. */
export function describeEvidence(kind: string, e: Record<string, unknown>): string {
  return isRuleKind(kind) ? KINDS[kind].describeEvidence(e) : JSON.stringify(e);
}
