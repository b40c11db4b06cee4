import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, Scopes } from '../http/decorators.js';
import { CasesService } from '../../../../libs/cases/cases.service.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { AssignCaseDto, ListCasesQueryDto, ReassignCasesDto, RescheduleCaseDto, ResolveCaseDto } from './cases.dto.js';
import { CaseDetailDto, CaseMoveResultDto, CasePageDto, CaseViewDto } from './cases.responses.js';
import { ApiConflict } from '../openapi.js';

const bool = (v: 'true' | 'false' | undefined) => (v === undefined ? undefined : v === 'true');

@ApiTags('cases')
@ApiBearerAuth()
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'Cases visible to the caller, by priority then due time' })
  @ApiOkResponse({ type: CasePageDto })
  list(@CurrentActor() actor: Actor, @Query() q: ListCasesQueryDto) {
    return this.cases.list(actor, { ...q, unassigned: bool(q.unassigned), escalated: bool(q.escalated), open: bool(q.open) });
  }

  @Post('reassign')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Move many cases at once, all or nothing (caseIds or every open case of fromAdvisorId)' })
  @ApiOkResponse({ type: CaseMoveResultDto })
  @ApiConflict('A target advisor would exceed their capacity (nothing moved)')
  reassign(@CurrentActor() actor: Actor, @Body() dto: ReassignCasesDto) {
    return this.cases.reassign(actor, dto);
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'One case with its alerts (evidence), tasks and history' })
  @ApiOkResponse({ type: CaseDetailDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.cases.get(actor, id);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Assign one case to an advisor (with a reason)' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiConflict('The case is resolved, or the advisor is at capacity')
  assign(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: AssignCaseDto) {
    return this.cases.assign(actor, id, dto.advisorId, dto.reason);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'advisor')
  @ApiOperation({ summary: 'Resolve a case: retained, churned (churnReason required), unreachable or not_at_risk' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiConflict('The case is already resolved with another outcome')
  resolve(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: ResolveCaseDto) {
    return this.cases.resolve(actor, id, dto);
  }

  @Post(':id/reschedule')
  @HttpCode(200)
  @Roles('admin', 'supervisor', 'advisor')
  @ApiOperation({ summary: 'Move the first-contact due time' })
  @ApiOkResponse({ type: CaseViewDto })
  @ApiConflict('The case is resolved')
  reschedule(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: RescheduleCaseDto) {
    return this.cases.reschedule(actor, id, new Date(dto.dueAt), dto.reason);
  }
}
