import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WorkItemKind } from './assignment.contract.js';
import type { Candidate } from './assignment-policy.js';
import { LoadCounters } from './load-counters.js';

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

/**
 * Assignment's statements over the staff table: the candidates with their loads (counted by LoadCounters), their
 * locks, and the one column assignment owns, `staff.last_assigned_at` (the rotation). The staff context owns the
 * rest of the table and never writes that column.
 */
@Injectable()
export class AssignmentRepository {
  constructor(private readonly counters: LoadCounters) {}

  async stampAssigned(em: EntityManager, staffIds: string[], at: Date): Promise<void> {
    if (staffIds.length) await em.query(`update staff set last_assigned_at = $2 where id = any($1::uuid[])`, [[...new Set(staffIds)], at]);
  }

  /** One person's load of `kind` and capacity for it, locking their staff row (`for no key update`). */
  async loadOf(em: EntityManager, kind: WorkItemKind, staffId: string): Promise<{ load: number; capacity: number } | undefined> {
    const counter = this.counters.get(kind);
    const [s] = await em.query(
      `select (${counter.load})::int as load, (${counter.capacity ?? 's.capacity'})::int as capacity from staff s where s.id = $1 for no key update`,
      [staffId],
    );
    return s;
  }

  /**
   * Every staff row of these teams, or named as preferred, with its load of `kind`. With `lock`, the rows are locked
   * first (`for no key update`, stable id order, held until the caller commits) and the loads counted after, so they
   * include whatever the previous holder of the locks committed.
   */
  async candidates(em: EntityManager, kind: WorkItemKind, teamIds: string[], preferred: string[], lock: boolean): Promise<Candidate[]> {
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
