import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { type AssignmentDecision, type AssignmentPolicy, type AssignmentRequest, type WorkItemKind } from './assignment.contract.js';
import { planAssignments, verifyAssignments } from './assignment-policy.js';
import { AssignmentRepository } from './assignment.repository.js';

/**
 * The assignment protocol (see assignment.contract.ts for the locking and load-counting rules): plan with the pure
 * policy, hold it under the candidates' locks, stamp the rotation. Decide-under-lock (chooseMany) and
 * plan-then-confirm (planMany, write, confirmMany) are the same three steps in two orders.
 */
@Injectable()
export class AssignmentService implements AssignmentPolicy {
  constructor(
    private readonly clock: Clock,
    private readonly repo: AssignmentRepository,
  ) {}

  /**
   * Records that these people were just given work (`staff.last_assigned_at`, the "longest since last assignment"
   * tie-break). chooseMany() and confirmMany() call it; a manual assignment (a supervisor naming the receiver) calls
   * it too, so every assignment feeds the same rotation.
   */
  stampAssigned(em: EntityManager, staffIds: string[]): Promise<void> {
    return this.repo.stampAssigned(em, staffIds, this.clock.now());
  }

  /**
   * One person's open items of a kind and their capacity for it, locking their staff row (`for no key update`) in the
   * caller's transaction, as chooseMany() does: a manual assignment checks capacity with the same count.
   */
  loadOf(em: EntityManager, kind: WorkItemKind, staffId: string): Promise<{ load: number; capacity: number } | undefined> {
    return this.repo.loadOf(em, kind, staffId);
  }

  async choose(em: EntityManager, req: AssignmentRequest): Promise<AssignmentDecision> {
    const [decision] = await this.chooseMany(em, req.kind, [req]);
    return decision;
  }

  async chooseMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>): Promise<AssignmentDecision[]> {
    if (!reqs.length) return [];
    const { teamIds, preferred } = scope(reqs);
    const candidates = await this.repo.candidates(em, kind, teamIds, preferred, true);
    const decisions = planAssignments(candidates, reqs, this.clock.now().getTime());
    await this.stampAssigned(em, chosenOf(decisions));
    return decisions;
  }

  async planMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>): Promise<AssignmentDecision[]> {
    if (!reqs.length) return [];
    const { teamIds, preferred } = scope(reqs);
    const candidates = await this.repo.candidates(em, kind, teamIds, preferred, false);
    return planAssignments(candidates, reqs, this.clock.now().getTime());
  }

  async confirmMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>, decisions: AssignmentDecision[]): Promise<string[]> {
    if (!reqs.length) return [];
    const { teamIds, preferred } = scope(reqs);
    const candidates = await this.repo.candidates(em, kind, teamIds, preferred, true);
    const problems = verifyAssignments(candidates, reqs, decisions);
    if (problems.length) return problems;
    await this.stampAssigned(em, chosenOf(decisions));
    return [];
  }
}

function chosenOf(decisions: AssignmentDecision[]): string[] {
  return [...new Set(decisions.map((d) => d.advisorId).filter((a): a is string => !!a))];
}

function scope(reqs: Array<Omit<AssignmentRequest, 'kind'>>): { teamIds: string[]; preferred: string[] } {
  return {
    teamIds: [...new Set(reqs.map((r) => r.teamId).filter((t): t is string => !!t))],
    preferred: [...new Set(reqs.map((r) => r.preferredAdvisorId).filter((p): p is string => !!p))],
  };
}
