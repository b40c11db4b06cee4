import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, StaffOnly } from '../http/decorators.js';
import { StaffService } from '../../../../libs/staff/staff.service.js';
import { TeamBoardService } from '../../../../libs/staff/team-board.service.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { CreateStaffDto, CreateTeamDto, ListStaffQueryDto, StaffViewDto, UpdateStaffDto, UpdateTeamDto } from './staff.dto.js';
import { StaffPageDto, TeamBoardDto, TeamViewDto } from './staff.responses.js';
import { ApiConflict } from '../openapi.js';

@ApiTags('staff')
@ApiBearerAuth()
@StaffOnly()
@Controller()
export class StaffController {
  constructor(
    private readonly staff: StaffService,
    private readonly boards: TeamBoardService,
  ) {}

  @Post('teams')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a team (admin)' })
  @ApiCreatedResponse({ type: TeamViewDto })
  @ApiConflict('A team with this name exists')
  createTeam(@CurrentActor() actor: Actor, @Body() dto: CreateTeamDto) {
    return this.staff.createTeam(actor, dto);
  }

  @Get('teams')
  @ApiOperation({ summary: 'Teams visible to the caller' })
  @ApiOkResponse({ type: [TeamViewDto] })
  listTeams(@CurrentActor() actor: Actor) {
    return this.staff.listTeams(actor);
  }

  @Patch('teams/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Rename a team or set its supervisor, who receives its escalations (admin; null clears it)' })
  @ApiOkResponse({ type: TeamViewDto })
  @ApiConflict('A team with this name exists')
  updateTeam(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: UpdateTeamDto) {
    const { reason, ...patch } = dto;
    return this.staff.updateTeam(actor, id, patch, reason);
  }

  @Get('teams/:id/board')
  @Roles('admin', 'supervisor')
  @ApiOperation({
    summary: "A team's board: advisors' load and day, the unassigned pool, escalations, cohort alerts (the team's supervisor, admins)",
    description: "Another team's supervisor gets 404. Lists hold at most 50 cases each; `total` gives the full count.",
  })
  @ApiOkResponse({ type: TeamBoardDto })
  board(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.boards.board(actor, id);
  }

  @Post('staff')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a staff member (admin)' })
  @ApiCreatedResponse({ type: StaffViewDto })
  @ApiConflict('Staff with this email exists')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateStaffDto) {
    return this.staff.createStaff(actor, dto);
  }

  @Get('staff')
  @ApiOperation({ summary: "Staff of the caller's teams (admins: everyone)" })
  @ApiOkResponse({ type: StaffPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: ListStaffQueryDto) {
    return this.staff.listStaff(actor, q);
  }

  @Get('staff/:id')
  @ApiOperation({ summary: 'One staff member' })
  @ApiOkResponse({ type: StaffViewDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.staff.getStaff(actor, id);
  }

  @Patch('staff/:id')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Change a staff member (admin; supervisors: status, capacity, hours, skills of their team)' })
  @ApiConflict('Staff with this email exists')
  @ApiOkResponse({ type: StaffViewDto })
  update(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: UpdateStaffDto) {
    const { reason, ...patch } = dto;
    return this.staff.updateStaff(actor, id, patch, reason);
  }
}
