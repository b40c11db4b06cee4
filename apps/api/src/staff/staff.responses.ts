import { ApiProperty } from '@nestjs/swagger';
import { CohortAlertViewDto } from '../alerts/alerts.responses.js';
import { CaseViewDto } from '../cases/cases.responses.js';
import { pageOf } from '../openapi.js';
import { StaffViewDto } from './staff.dto.js';

const TEAM_ID = '0b5f6a52-3c2e-4d7e-9f55-2d7c1a9e4b10';
const SUPERVISOR_ID = '7c3d9e21-5a4b-4f6e-8d2c-1b0a9f8e7d65';

export class TeamViewDto {
  @ApiProperty({ format: 'uuid', example: TEAM_ID }) id: string;
  @ApiProperty({ example: 'Team North' }) name: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    example: SUPERVISOR_ID,
    description: 'the supervisor who receives escalations; null: escalations go to the admins',
  })
  supervisorId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Chen Jing', description: "the supervisor's name" }) supervisorName: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T08:00:00.000Z' }) createdAt: string;
}

export class StaffPageDto extends pageOf(StaffViewDto, 'StaffPageBase') {}

export class BoardTeamDto {
  @ApiProperty({ format: 'uuid', example: TEAM_ID }) id: string;
  @ApiProperty({ example: 'Team North' }) name: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    example: SUPERVISOR_ID,
    description: 'null: the team has no supervisor and escalates to the admins',
  })
  supervisorId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Chen Jing' }) supervisorName: string | null;
}

export class BoardAdvisorDto {
  @ApiProperty({ format: 'uuid', example: '5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34' }) id: string;
  @ApiProperty({ example: 'Li Wei' }) name: string;
  @ApiProperty({ example: 'li.wei@school.example' }) email: string;
  @ApiProperty({ enum: ['active', 'away', 'inactive'], description: 'away: gets no new work' }) status: string;
  @ApiProperty({ example: 60, description: 'open cases this advisor can hold' }) capacity: number;
  @ApiProperty({ example: 42, description: 'open and in-progress cases assigned to the advisor' }) openCases: number;
  @ApiProperty({ example: 7, description: 'tasks with an outcome logged today (school time zone)' }) tasksDone: number;
  @ApiProperty({ example: 5, description: 'scheduled tasks due later today' }) tasksDue: number;
  @ApiProperty({ example: 2, description: 'scheduled tasks due before now' }) tasksOverdue: number;
}

export class BoardCaseListDto {
  @ApiProperty({ example: 12, description: 'how many there are (the list holds at most 50)' }) total: number;
  @ApiProperty({ type: [CaseViewDto] }) cases: CaseViewDto[];
}

export class TeamBoardDto {
  @ApiProperty({ type: BoardTeamDto }) team: BoardTeamDto;
  @ApiProperty({ format: 'date', example: '2026-11-25', description: 'today in the school time zone: the day of the task figures' }) date: string;
  @ApiProperty({ type: [BoardAdvisorDto], description: "the team's advisors (not inactive), by name" }) advisors: BoardAdvisorDto[];
  @ApiProperty({ type: BoardCaseListDto, description: "the team's unassigned pool, oldest first" }) unassigned: BoardCaseListDto;
  @ApiProperty({ type: BoardCaseListDto, description: 'open escalated cases of the team, most recently escalated first' }) escalated: BoardCaseListDto;
  @ApiProperty({ type: [CohortAlertViewDto], description: "today's cohort alerts of the team's courses" }) cohortAlerts: CohortAlertViewDto[];
}
