import type { EntityManager } from 'typeorm';

/**
 * The shared assignment policy's contract (DESIGN 4.4), used by cases, the first-week program and tickets:
 * continuity (preferred advisor, if active and under capacity) → advisors of the team: active, skill match,
 * under capacity, fewest open items, longest since last assignment → otherwise null (the team's pool).
 */
export type WorkItemKind = 'case' | 'ticket' | 'owner';

export interface AssignmentRequest {
  kind: WorkItemKind;
  /** The responsible team (course team, or category team for tickets). */
  teamId: string | null;
  /** Continuity: the learner's owner advisor, tried first. */
  preferredAdvisorId?: string | null;
  /** Required skill (course category), matched against staff.skills when set. */
  skill?: string | null;
}

export interface AssignmentDecision {
  advisorId: string | null;
  /** Plain-words reason, stored in the audit entry ("continuity: owner has room", "least loaded in team", "pool: team full"). */
  reason: string;
}

export interface AssignmentPolicy {
  /** Runs inside the caller's transaction and locks what it needs, so concurrent callers never exceed capacity. */
  choose(em: EntityManager, req: AssignmentRequest): Promise<AssignmentDecision>;
}
