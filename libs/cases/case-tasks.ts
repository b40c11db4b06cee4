/** Task kinds a rule action may ask for (tasks.kind check constraint); anything else becomes a care call. */
export const CASE_TASK_KINDS = ['care_call', 'advisor_contact', 'obstacle_call', 'escalation', 'survey', 'renewal_call', 'follow_up'] as const;

export function caseTaskKind(kind: unknown): string {
  return typeof kind === 'string' && (CASE_TASK_KINDS as readonly string[]).includes(kind) ? kind : 'care_call';
}

/** Idempotency key of the task a rule's alert creates on a case. */
export function caseTaskKey(caseId: string, ruleKey: string): string {
  return `case:${caseId}:${ruleKey}`;
}

export const OUTCOMES = ['retained', 'churned', 'unreachable', 'not_at_risk'] as const;
export type CaseOutcome = (typeof OUTCOMES)[number];
export const CHURN_REASONS = ['expectation_gap', 'lack_of_support', 'content_mismatch', 'slow_service', 'life_circumstances', 'other'] as const;
export type ChurnReason = (typeof CHURN_REASONS)[number];
