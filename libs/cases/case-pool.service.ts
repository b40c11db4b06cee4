import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AssignmentService } from '../assignment/assignment.service.js';
import { SYSTEM } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { TasksService } from '../tasks/tasks.service.js';
import { CasesRepository } from './cases.repository.js';

const BACKFILL_BATCH = 200;

interface PoolRow {
  id: string;
  learner_id: string;
  team_id: string;
  owner_advisor_id: string | null;
  category: string | null;
}

/**
 * The unassigned pool: cases whose team had no room wait with advisor_id null and are handed out oldest
 * first as capacity frees (a case resolved or moved away, an advisor back from away, capacity raised), and
 * by the periodic sweep. Staff rows are locked by the assignment policy before the pool rows are claimed
 * (SKIP LOCKED), so concurrent backfills of one team queue up and never give a case twice.
 */
@Injectable()
export class CasePoolService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: CasesRepository,
    private readonly assignment: AssignmentService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tasks: TasksService,
    private readonly clock: Clock,
  ) {}

  /** Backfills the given teams (all teams with waiting cases when null); returns how many cases were assigned. */
  async backfill(teamIds: Array<string | null> | null, trigger: string): Promise<number> {
    let teams = (teamIds ?? []).filter((t): t is string => !!t);
    if (teamIds === null) {
      teams = await this.repo.teamsWithPooledCases();
    }
    let total = 0;
    for (const teamId of [...new Set(teams)].sort()) {
      for (;;) {
        const { assigned, waiting } = await this.dataSource.transaction((em) => this.backfillTeam(em, teamId, trigger));
        total += assigned;
        if (!assigned || waiting < BACKFILL_BATCH) break;
      }
    }
    return total;
  }

  private async backfillTeam(em: EntityManager, teamId: string, trigger: string): Promise<{ assigned: number; waiting: number }> {
    // Pool rows are claimed with SKIP LOCKED (no waiting); the staff rows are locked by chooseMany, last.
    const pool: PoolRow[] = await this.repo.claimPooled(em, teamId, BACKFILL_BATCH);
    if (!pool.length) return { assigned: 0, waiting: 0 };
    const decisions = await this.assignment.chooseMany(
      em,
      'case',
      pool.map((p) => ({ teamId: p.team_id, preferredAdvisorId: p.owner_advisor_id, skill: p.category })),
    );
    const picked = pool.map((p, i) => ({ ...p, ...decisions[i] })).filter((p) => p.advisorId);
    if (!picked.length) return { assigned: 0, waiting: pool.length };
    const now = this.clock.now();
    const reasons = picked.map((p) => `backfill from the pool (${trigger}): ${p.reason}`);
    await this.repo.assignFromPool(
      em,
      picked.map((p, i) => ({ id: p.id, advisorId: p.advisorId!, reason: reasons[i] })),
      now,
    );
    await this.tasks.followCases(
      em,
      picked.map((p) => ({ caseId: p.id, from: null, to: p.advisorId })),
      now,
    );
    await this.audit.record(
      em,
      picked.map((p, i) => ({
        actor: SYSTEM,
        action: 'case.assigned',
        entity: 'case' as const,
        entityId: p.id,
        before: { advisorId: null },
        after: { advisorId: p.advisorId, teamId: p.team_id },
        reason: reasons[i],
      })),
    );
    await this.outbox.publish(
      em,
      picked.map((p, i) => ({
        aggregateType: 'case',
        aggregateId: p.id,
        eventType: 'case.assigned',
        payload: { caseId: p.id, learnerId: p.learner_id, advisorId: p.advisorId, teamId: p.team_id, reason: reasons[i] },
      })),
    );
    return { assigned: picked.length, waiting: pool.length };
  }
}
