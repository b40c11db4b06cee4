import { Inject, Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { isAdmin, isSupervisorOf, type Actor } from '../access/actor.js';
import { toCaseView, type CaseView } from '../cases/case.mapper.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { toCohortAlertView, type CohortAlertView } from '../rules/alerts.service.js';
import { StaffRepository } from './staff.repository.js';
import { TeamBoardRepository } from './team-board.repository.js';

/** Cases per list on the board; `total` says how many there are. */
export const BOARD_LIST_LIMIT = 50;

export interface TeamBoard {
  team: { id: string; name: string; supervisorId: string | null; supervisorName: string | null };
  date: string;
  advisors: Array<{
    id: string;
    name: string;
    email: string;
    status: 'active' | 'away' | 'inactive';
    capacity: number;
    openCases: number;
    tasksDone: number;
    tasksDue: number;
    tasksOverdue: number;
  }>;
  unassigned: { total: number; cases: CaseView[] };
  escalated: { total: number; cases: CaseView[] };
  cohortAlerts: CohortAlertView[];
}

/** The supervisor's team board (the console's landing page for supervisors; admins pick a team). */
@Injectable()
export class TeamBoardService {
  constructor(
    private readonly staff: StaffRepository,
    private readonly repo: TeamBoardRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async board(actor: Actor, teamId: string): Promise<TeamBoard> {
    if (!isAdmin(actor) && !(actor.kind === 'staff' && actor.role === 'supervisor'))
      throw DomainError.forbidden('The team board is for supervisors and admins');
    const team = await this.staff.teamView(teamId);
    // Another team's supervisor: the team does not exist for them.
    if (!team || !isSupervisorOf(actor, teamId)) throw DomainError.notFound('team', teamId);
    const now = this.clock.now();
    const day = DateTime.fromJSDate(now, { zone: this.config.schoolTimezone }).startOf('day');
    const date = day.toISODate()!;
    const [advisors, totals, pool, escalated, cohort] = await Promise.all([
      this.repo.advisors(teamId, day.toJSDate(), day.plus({ days: 1 }).toJSDate(), now),
      this.repo.totals(teamId),
      this.repo.pool(teamId, BOARD_LIST_LIMIT),
      this.repo.escalated(teamId, BOARD_LIST_LIMIT),
      this.repo.cohortAlerts(teamId, date),
    ]);
    return {
      team: { id: team.id, name: team.name, supervisorId: team.supervisor_id, supervisorName: team.supervisor_name },
      date,
      advisors: advisors.map((a) => ({
        id: a.id,
        name: a.name,
        email: a.email,
        status: a.status,
        capacity: a.capacity,
        openCases: a.open_cases,
        tasksDone: a.tasks_done,
        tasksDue: a.tasks_due,
        tasksOverdue: a.tasks_overdue,
      })),
      unassigned: { total: totals.unassigned, cases: pool.map(toCaseView) },
      escalated: { total: totals.escalated, cases: escalated.map(toCaseView) },
      cohortAlerts: cohort.map(toCohortAlertView),
    };
  }
}
