import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { type AssignmentDecision, type AssignmentPolicy, type AssignmentRequest, type WorkItemKind } from './assignment.contract.js';
import { LoadCounters } from './load-counters.js';
import { planAssignments, verifyAssignments, type Candidate } from './assignment-policy.js';

interface CandidateRow {
  id: string;
  team_id: string | null;
  role: Candidate['role'];
  status: Candidate['status'];
  capacity: number;
  skills: string[];
  last_assigned_at: Date | null;
  load: number;
}

/** The assignment policy (see assignment.contract.ts for the locking and load-counting rules). */
@Injectable()
export class AssignmentService implements AssignmentPolicy {
  constructor(
    private readonly clock: Clock,
    private readonly counters: LoadCounters,
  ) {}

  /**
   * Records that these people were just given work (`staff.last_assigned_at`, the "longest since last assignment"
   * tie-break). choose() and confirmMany() call it; a manual assignment (a supervisor naming the receiver) calls it
   * too, so every assignment feeds the same rotation.
   */
  async stampAssigned(em: EntityManager, staffIds: string[]): Promise<void> {
    if (staffIds.length) await em.query(`update staff set last_assigned_at = $2 where id = any($1::uuid[])`, [[...new Set(staffIds)], this.clock.now()]);
  }

  /**
   * One person's open items of a kind and their capacity for it, locking their staff row (`for no key update`) in the
   * caller's transaction, as choose() does: a manual assignment checks capacity with the same count.
   */
  async loadOf(em: EntityManager, kind: WorkItemKind, staffId: string): Promise<{ load: number; capacity: number } | undefined> {
    const counter = this.counters.get(kind);
    const [s] = await em.query(
      `select (${counter.load})::int as load, (${counter.capacity ?? 's.capacity'})::int as capacity from staff s where s.id = $1 for no key update`,
      [staffId],
    );
    return s;
  }

  async choose(em: EntityManager, req: AssignmentRequest): Promise<AssignmentDecision> {
    const [decision] = await this.chooseMany(em, req.kind, [req]);
    return decision;
  }

  async chooseMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>): Promise<AssignmentDecision[]> {
    if (!reqs.length) return [];
    const { teamIds, preferred } = scope(reqs);
    const candidates = await this.candidates(em, kind, teamIds, preferred, true);
    const decisions = planAssignments(candidates, reqs, this.clock.now().getTime());
    const chosen = [...new Set(decisions.map((d) => d.advisorId).filter((a): a is string => !!a))];
    await this.stampAssigned(em, chosen);
    return decisions;
  }

  /**
   * Optimistic half of a decision: plans from the committed loads without locking anything. The caller writes its
   * rows, then calls confirmMany, which locks the same candidates and checks the plan against their loads at that
   * moment; if it does not hold, the caller rolls back and decides again with chooseMany. Lets independent intake
   * transactions do their writes in parallel and serialise only on the short check before commit.
   */
  async planMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>): Promise<AssignmentDecision[]> {
    if (!reqs.length) return [];
    const { teamIds, preferred } = scope(reqs);
    const candidates = await this.candidates(em, kind, teamIds, preferred, false);
    return planAssignments(candidates, reqs, this.clock.now().getTime());
  }

  /**
   * Locks the candidates of `reqs` (stable id order, held until the caller commits), re-counts their loads (the
   * caller's own rows included) and verifies `decisions` (verifyAssignments). Stamps last_assigned_at and returns
   * [] when they hold; otherwise returns the problems and changes nothing.
   */
  async confirmMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>, decisions: AssignmentDecision[]): Promise<string[]> {
    if (!reqs.length) return [];
    const { teamIds, preferred } = scope(reqs);
    const candidates = await this.candidates(em, kind, teamIds, preferred, true);
    const problems = verifyAssignments(candidates, reqs, decisions);
    if (problems.length) return problems;
    const chosen = [...new Set(decisions.map((d) => d.advisorId).filter((a): a is string => !!a))];
    await this.stampAssigned(em, chosen);
    return [];
  }

  /** Every staff row that could be chosen, with its load of `kind`; locked first (stable id order) when `lock`. */
  private async candidates(em: EntityManager, kind: WorkItemKind, teamIds: string[], preferred: string[], lock: boolean): Promise<Candidate[]> {
    if (!teamIds.length && !preferred.length) return [];
    let ids: string[] | null = null;
    if (lock) {
      const locked: Array<{ id: string }> = await em.query(
        `select id from staff where team_id = any($1::uuid[]) or id = any($2::uuid[]) order by id for no key update`,
        [teamIds, preferred],
      );
      if (!locked.length) return [];
      ids = locked.map((r) => r.id);
    }
    const counter = this.counters.get(kind);
    const rows: CandidateRow[] = await em.query(
      `select s.id, s.team_id, s.role, s.status, (${counter.capacity ?? 's.capacity'})::int as capacity, s.skills, s.last_assigned_at,
              (${counter.load})::int as load
         from staff s
        where ${ids ? 's.id = any($1::uuid[])' : '(s.team_id = any($1::uuid[]) or s.id = any($2::uuid[]))'}`,
      ids ? [ids] : [teamIds, preferred],
    );
    return rows.map((r) => ({
      id: r.id,
      teamId: r.team_id,
      role: r.role,
      status: r.status,
      capacity: r.capacity,
      skills: r.skills ?? [],
      load: r.load,
      lastAssignedAt: r.last_assigned_at ? new Date(r.last_assigned_at).getTime() : null,
    }));
  }
}

function scope(reqs: Array<Omit<AssignmentRequest, 'kind'>>): { teamIds: string[]; preferred: string[] } {
  return {
    teamIds: [...new Set(reqs.map((r) => r.teamId).filter((t): t is string => !!t))],
    preferred: [...new Set(reqs.map((r) => r.preferredAdvisorId).filter((p): p is string => !!p))],
  };
}
