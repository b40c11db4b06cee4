import type { AssignmentDecision, AssignmentRequest } from './assignment.contract.js';

/** A staff member as the planner sees them after their row was locked and their load counted. */
export interface Candidate {
  id: string;
  teamId: string | null;
  role: 'admin' | 'supervisor' | 'advisor';
  status: 'active' | 'away' | 'inactive';
  capacity: number;
  skills: string[];
  load: number;
  /** epoch ms, null = never assigned (sorts first). */
  lastAssignedAt: number | null;
}

type PlanRequest = Omit<AssignmentRequest, 'kind'>;

/**
 * The assignment policy as a pure function (docs/design.md §4.4). Requests are decided in order; each decision adds
 * one to the chosen candidate's load and makes them the most recently assigned, so a batch spreads work the
 * same way a sequence of single calls would. `now` stamps lastAssignedAt for tie-breaking within the batch.
 */
export function planAssignments(candidates: Candidate[], reqs: PlanRequest[], now: number): AssignmentDecision[] {
  const pool = candidates.map((c) => ({ ...c, skills: c.skills.map((s) => s.toLowerCase()) }));
  const byId = new Map(pool.map((c) => [c.id, c]));
  let tick = 0;
  return reqs.map((req) => {
    const excluded = new Set(req.excludeAdvisorIds ?? []);
    const take = (c: Candidate, reason: string): AssignmentDecision => {
      c.load += 1;
      c.lastAssignedAt = now + tick++;
      return { advisorId: c.id, reason };
    };

    let ownerNote = '';
    if (req.preferredAdvisorId) {
      const owner = byId.get(req.preferredAdvisorId);
      if (!owner) ownerNote = 'owner unknown';
      else if (excluded.has(owner.id)) ownerNote = 'owner excluded';
      else if (owner.status !== 'active') ownerNote = `owner is ${owner.status}`;
      else if (owner.role === 'admin') ownerNote = 'owner is an admin';
      else if (owner.load >= owner.capacity) ownerNote = `owner at capacity (${owner.load}/${owner.capacity})`;
      else return take(owner, `continuity: learner's owner has room (${owner.load}/${owner.capacity} open)`);
    }
    const prefix = ownerNote ? `${ownerNote}; ` : '';

    if (!req.teamId) return { advisorId: null, reason: `${prefix}pool: no responsible team` };
    const team = pool.filter((c) => c.teamId === req.teamId && c.role === 'advisor' && !excluded.has(c.id));
    const active = team.filter((c) => c.status === 'active');
    if (!active.length) return { advisorId: null, reason: `${prefix}pool: no active advisor in the team` };

    let eligible = active;
    let skillNote = '';
    const skill = req.skill?.toLowerCase();
    if (skill) {
      const skilled = active.filter((c) => c.skills.includes(skill));
      // Where nobody active on the team has the skill at all, the skill cannot decide; say so in the reason.
      if (skilled.length) eligible = skilled;
      else skillNote = ` (nobody active has skill "${req.skill}")`;
    }
    const withRoom = eligible.filter((c) => c.load < c.capacity);
    if (!withRoom.length) {
      return { advisorId: null, reason: `${prefix}pool: all ${eligible.length} eligible advisor(s) of the team are at capacity${skillNote}` };
    }
    withRoom.sort((a, b) => a.load - b.load || (a.lastAssignedAt ?? -Infinity) - (b.lastAssignedAt ?? -Infinity) || a.id.localeCompare(b.id));
    const c = withRoom[0];
    const skillPart = skill && !skillNote ? `, skill "${req.skill}"` : skillNote;
    return take(c, `${prefix}least loaded in team (${c.load}/${c.capacity} open${skillPart})`);
  });
}

/**
 * Checks decisions made from an unlocked snapshot against candidates re-read under their row locks (loads now
 * include the caller's own writes). Returns what no longer holds, empty when the plan may be committed: every
 * chosen advisor still active and within capacity, and no pooled request with an eligible advisor who has room
 * (the planner would have assigned it). Used by optimistic callers (see AssignmentService.confirmMany).
 */
export function verifyAssignments(candidates: Candidate[], reqs: PlanRequest[], decisions: AssignmentDecision[]): string[] {
  const byId = new Map(candidates.map((c) => [c.id, c]));
  const problems: string[] = [];
  for (const id of new Set(decisions.map((d) => d.advisorId).filter((a): a is string => !!a))) {
    const c = byId.get(id);
    if (!c) problems.push(`${id}: not a candidate`);
    else if (c.status !== 'active') problems.push(`${id}: is ${c.status}`);
    else if (c.load > c.capacity) problems.push(`${id}: over capacity (${c.load}/${c.capacity})`);
  }
  decisions.forEach((d, i) => {
    const req = reqs[i];
    if (d.advisorId || !req.teamId) return;
    const excluded = new Set(req.excludeAdvisorIds ?? []);
    const active = candidates.filter((c) => c.teamId === req.teamId && c.role === 'advisor' && c.status === 'active' && !excluded.has(c.id));
    const skill = req.skill?.toLowerCase();
    const skilled = skill ? active.filter((c) => c.skills.some((s) => s.toLowerCase() === skill)) : [];
    const eligible = skilled.length ? skilled : active;
    const free = eligible.find((c) => c.load < c.capacity);
    if (free) problems.push(`pooled although ${free.id} has room (${free.load}/${free.capacity})`);
  });
  return problems;
}
