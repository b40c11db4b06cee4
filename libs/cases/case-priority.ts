/** How urgent a case is, from what is open on it (rule severities of docs/design.md §3, lifecycle stages of §2). */
export type Severity = 'low' | 'medium' | 'high';
export type CasePriority = 'low' | 'medium' | 'high' | 'urgent';
export type LifecycleStage = 'new' | 'active' | 'near_expiry' | 'paused' | 'completed' | 'churned';

export const PRIORITY_RANK: Record<CasePriority, number> = { low: 0, medium: 1, high: 2, urgent: 3 };
const SEVERITY_WEIGHT: Record<Severity, number> = { low: 10, medium: 20, high: 30 };

export interface PriorityInput {
  severities: Severity[];
  /** The learner is in their first week or within 30 days of expiry: they weigh more. */
  stages: LifecycleStage[];
  /** A complaints alert is open: escalate-and-record cases are never below high. */
  complaint: boolean;
}

/**
 * Score = heaviest open severity (10/20/30) + 5 per further open alert (at most +20) + 10 for a `new` or
 * `near_expiry` learner + 15 for complaints. Bands: ≥45 urgent, ≥30 high, ≥20 medium, else low.
 */
export function casePriority(input: PriorityInput): { score: number; priority: CasePriority } {
  const weights = input.severities.map((s) => SEVERITY_WEIGHT[s] ?? SEVERITY_WEIGHT.medium);
  let score = weights.length ? Math.max(...weights) : 0;
  score += Math.min(Math.max(weights.length - 1, 0) * 5, 20);
  if (input.stages.some((s) => s === 'new' || s === 'near_expiry')) score += 10;
  if (input.complaint) score = Math.max(score + 15, 30);
  return { score, priority: priorityOf(score) };
}

export function priorityOf(score: number): CasePriority {
  return score >= 45 ? 'urgent' : score >= 30 ? 'high' : score >= 20 ? 'medium' : 'low';
}

/** Stage of an enrolment at `now`: first 7 days new; ≤ 30 days before expiry near_expiry; paused as is. */
export function lifecycleStage(e: { status: string; enrolledAt: Date; expiresAt: Date | null }, now: Date): LifecycleStage {
  if (e.status === 'paused') return 'paused';
  if (e.status === 'completed') return 'completed';
  if (e.status === 'cancelled' || e.status === 'expired') return 'churned';
  const day = 86_400_000;
  if (now.getTime() - e.enrolledAt.getTime() < 7 * day) return 'new';
  if (e.expiresAt && e.expiresAt.getTime() - now.getTime() <= 30 * day) return 'near_expiry';
  return 'active';
}
