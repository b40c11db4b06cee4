import type { RuleKind } from '../rule-definitions.js';
import { complaints } from './complaints.js';
import { inactiveDays } from './inactive-days.js';
import type { RuleKindSpec } from './kind.js';
import { lateAssignments } from './late-assignments.js';
import { lowCompletion } from './low-completion.js';
import { riskScore } from './risk-score.js';
import { studyTimeDrop } from './study-time-drop.js';

export type { ParamSpec, RuleKindSpec } from './kind.js';

/** Every built-in rule kind, one file each (libs/rules/kinds/<kind>.ts). */
export const KINDS: { [K in RuleKind]: RuleKindSpec<K> } = {
  inactive_days: inactiveDays,
  low_completion: lowCompletion,
  late_assignments: lateAssignments,
  complaints,
  study_time_drop: studyTimeDrop,
  risk_score: riskScore,
};

export function kindSpec<K extends RuleKind>(kind: K): RuleKindSpec<K> {
  return KINDS[kind];
}

/** The rules careloop ships with, one per kind, with the kind's default parameters (seeded by migration RulesEngine). */
export function defaultRules() {
  return Object.values(KINDS).map((k) => ({
    ...k.defaultRule,
    kind: k.kind,
    params: Object.fromEntries(Object.entries(k.params).map(([name, spec]) => [name, (spec as { default: number }).default])),
    enabled: k.enabledByDefault ?? true,
  }));
}

/**
 * The default rules as the table in docs/admins.md ("Warning rules") shows them, generated from the kinds; the
 * unit test libs/rules/kinds/kinds.spec.ts fails when the document differs (DOCS_UPDATE=1 rewrites it).
 */
export function defaultRulesTable(): string {
  const rows = defaultRules().map((r) => {
    const params = Object.entries(r.params)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    const cohort =
      r.cohortThreshold === null
        ? ''
        : `; cohort alert when > ${r.cohortThreshold * 100}% of a course's active learners fire (\`cohortThreshold: ${r.cohortThreshold}\`)`;
    return `| \`${r.key}\`${r.enabled ? '' : ' (ships off)'} | \`${r.kind}\` | \`${params}\`${cohort} | ${r.severity} | \`${r.action.taskKind}\`, ${r.action.dueWithinHours} h |`;
  });
  return ['| key | kind | params (defaults) | severity | action (task kind, due within) |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}
