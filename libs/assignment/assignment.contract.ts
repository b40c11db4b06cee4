import type { EntityManager } from 'typeorm';

/**
 * The shared assignment policy's contract (docs/design.md §4.4), used by cases, the first-week program and tickets:
 * continuity (preferred advisor, if active and under capacity) → advisors of the team: active, skill match,
 * under capacity, fewest open items, longest since last assignment → otherwise null (the team's pool).
 *
 * One protocol, for every kind of work item and every caller (AssignmentService, AssignmentModule):
 *   1. plan: the pure planner (assignment-policy.ts) decides from the candidates and their loads;
 *   2. hold: the candidate staff rows are locked (`for no key update`, ordered by id) in the caller's transaction
 *      and the plan is made, or checked (verifyAssignments), against the loads counted under those locks;
 *   3. stamp: `staff.last_assigned_at` of everyone chosen, the rotation's tie-break.
 * Two orders of the same steps:
 *   - decide under lock, `chooseMany` (hold, plan, stamp): tickets, the case pool, reassignment, the first week;
 *   - plan then confirm, `planMany` → the caller writes its rows → `confirmMany` (hold, verify, stamp): case intake,
 *     which writes thousands of rows and so serialises only on the short check before commit. When the check fails
 *     the caller rolls back and decides again with chooseMany.
 * Either way concurrent callers touching the same team queue behind each other on the staff locks and see the loads
 * the previous one committed: never two owners, never over capacity. A manual assignment (a supervisor naming the
 * receiver) checks `loadOf` under the same lock and stamps with `stampAssigned`. Keep the caller's own lock order
 * as: the learners (lockLearnerDecisions) and work-item rows first, then the staff rows (chooseMany/confirmMany/loadOf) last.
 *
 * Load per kind: the LoadCounters provider (AssignmentModule) maps a kind to SQL expressions over the staff row `s`:
 *   - 'case'   open cases in the advisor queue (cases.status <> 'resolved'); capacity = staff.capacity.
 *   - 'owner'  learners in their first week owned by the advisor (active enrolment, enrolled < 7 days ago).
 *   - 'ticket' counted by the tickets context, which owns that table: TicketsModule registers its counter with
 *              LoadCounters when the module starts (TICKET_LOAD_SQL). Until then a ticket counts 0.
 * The caller audits the decision (`reason`) in the same transaction.
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
  /** Staff who must not get this item (e.g. the away advisor whose cases are being moved). */
  excludeAdvisorIds?: string[];
}

export interface AssignmentDecision {
  advisorId: string | null;
  /** Plain-words reason, stored in the audit entry ("continuity: owner has room", "least loaded in team", "pool: team full"). */
  reason: string;
}

export interface AssignmentPolicy {
  /** Runs inside the caller's transaction and locks what it needs, so concurrent callers never exceed capacity. */
  choose(em: EntityManager, req: AssignmentRequest): Promise<AssignmentDecision>;
  /**
   * Several items of one kind at once (set-based: one lock, one load query, one stamp), decided in order:
   * earlier requests take capacity first (callers pass oldest first). Decisions come back in request order.
   */
  chooseMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>): Promise<AssignmentDecision[]>;
  /** Step 1 alone, from the committed loads, locking nothing: the optimistic half of plan-then-confirm. */
  planMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>): Promise<AssignmentDecision[]>;
  /**
   * Steps 2 and 3 for a plan from planMany, after the caller wrote its rows: locks the candidates, re-counts their
   * loads (the caller's own rows included) and verifies the plan. Stamps and returns [] when it holds; otherwise
   * returns the problems and changes nothing.
   */
  confirmMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>, decisions: AssignmentDecision[]): Promise<string[]>;
}

/** SQL expressions evaluated per candidate staff row aliased `s`. */
export interface LoadCounter {
  /** Open items of this kind held by `s` (a scalar subquery). */
  load: string;
  /** How many such items `s` may hold; defaults to `s.capacity`. */
  capacity?: string;
}

/** The counters assignment knows itself; other contexts register theirs with LoadCounters. */
export const DEFAULT_LOAD_COUNTERS: Readonly<Record<WorkItemKind, LoadCounter>> = {
  case: { load: `(select count(*) from cases c where c.advisor_id = s.id and c.status <> 'resolved' and c.queue = 'advisor')` },
  owner: {
    // Every owner's count in one pass (an uncorrelated subquery, run once per statement), looked up per staff row:
    // counted per row, each candidate cost a scan of the week's enrolments, 20 of them 140-290 ms under the staff
    // locks of a team at 10k enrolments.
    load: `coalesce(((select jsonb_object_agg(o.owner_advisor_id, o.n)
                        from (select l.owner_advisor_id, count(distinct e.learner_id) as n
                                from enrollments e join learners l on l.id = e.learner_id
                               where l.owner_advisor_id is not null and e.status = 'active' and e.enrolled_at > now() - interval '7 days'
                               group by 1) o) ->> s.id::text)::int, 0)`,
  },
  ticket: { load: '0' },
};
