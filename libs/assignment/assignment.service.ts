import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { LOAD_COUNTERS, type AssignmentDecision, type AssignmentPolicy, type AssignmentRequest, type WorkItemKind } from './assignment.contract.js';
import { planAssignments, type Candidate } from './assignment-policy.js';

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
  constructor(private readonly clock: Clock) {}

  async choose(em: EntityManager, req: AssignmentRequest): Promise<AssignmentDecision> {
    const [decision] = await this.chooseMany(em, req.kind, [req]);
    return decision;
  }

  async chooseMany(em: EntityManager, kind: WorkItemKind, reqs: Array<Omit<AssignmentRequest, 'kind'>>): Promise<AssignmentDecision[]> {
    if (!reqs.length) return [];
    const teamIds = [...new Set(reqs.map((r) => r.teamId).filter((t): t is string => !!t))];
    const preferred = [...new Set(reqs.map((r) => r.preferredAdvisorId).filter((p): p is string => !!p))];
    const candidates = await this.lockCandidates(em, kind, teamIds, preferred);
    const decisions = planAssignments(candidates, reqs, this.clock.now().getTime());
    const chosen = [...new Set(decisions.map((d) => d.advisorId).filter((a): a is string => !!a))];
    if (chosen.length) await em.query(`update staff set last_assigned_at = $2 where id = any($1::uuid[])`, [chosen, this.clock.now()]);
    return decisions;
  }

  /** Locks every staff row that could be chosen (stable id order) and counts their load of `kind`. */
  private async lockCandidates(em: EntityManager, kind: WorkItemKind, teamIds: string[], preferred: string[]): Promise<Candidate[]> {
    if (!teamIds.length && !preferred.length) return [];
    const locked: Array<{ id: string }> = await em.query(
      `select id from staff where team_id = any($1::uuid[]) or id = any($2::uuid[]) order by id for no key update`,
      [teamIds, preferred],
    );
    if (!locked.length) return [];
    const counter = LOAD_COUNTERS[kind];
    const rows: CandidateRow[] = await em.query(
      `select s.id, s.team_id, s.role, s.status, (${counter.capacity ?? 's.capacity'})::int as capacity, s.skills, s.last_assigned_at,
              (${counter.load})::int as load
         from staff s where s.id = any($1::uuid[])`,
      [locked.map((r) => r.id)],
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
