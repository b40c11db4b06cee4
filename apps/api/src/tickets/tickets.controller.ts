import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, Scopes, StaffOnly } from '../http/decorators.js';
import { TicketRoutesService } from '../../../../libs/tickets/ticket-routes.service.js';
import { TicketAssignmentService } from '../../../../libs/tickets/ticket-assignment.service.js';
import { TicketReadsService } from '../../../../libs/tickets/ticket-reads.service.js';
import { TicketsService } from '../../../../libs/tickets/tickets.service.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import {
  AddMessageDto,
  AssignTicketDto,
  CreateTicketDto,
  ListTicketsQueryDto,
  PutTicketRoutesDto,
  ReassignTicketsDto,
  ResolveTicketDto,
  UpdateTicketDto,
} from './tickets.dto.js';
import { TicketDetailDto, TicketListDto, TicketPageDto, TicketRouteViewDto, TicketViewDto } from './tickets.responses.js';
import { ApiConflict } from '../openapi.js';

@ApiTags('tickets')
@ApiBearerAuth()
@Controller()
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly reads: TicketReadsService,
    private readonly assignments: TicketAssignmentService,
    private readonly routes: TicketRoutesService,
  ) {}

  @Post('tickets')
  @Roles('admin', 'supervisor', 'advisor')
  @Scopes('sync:write')
  @ApiOperation({ summary: 'Open a ticket (staff, or an integration with sync:write); routed by category and assigned. 201 new, 200 when externalId repeats' })
  @ApiCreatedResponse({ type: TicketViewDto })
  @ApiOkResponse({ type: TicketViewDto, description: 'externalId seen before: the existing ticket' })
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateTicketDto, @Res({ passthrough: true }) res: FastifyReply) {
    const { created, ...view } = await this.tickets.create(actor, dto);
    res.status(created ? 201 : 200);
    return view;
  }

  @Get('tickets')
  @Scopes('read')
  @ApiOperation({ summary: 'Tickets visible to the caller (advisors: their own; supervisors: their teams)' })
  @ApiOkResponse({ type: TicketPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: ListTicketsQueryDto) {
    return this.reads.list(actor, q);
  }

  @Get('tickets/:id')
  @Scopes('read')
  @ApiOperation({ summary: 'One ticket with its messages, SLA deadlines and suggested knowledge-base articles' })
  @ApiOkResponse({ type: TicketDetailDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.reads.get(actor, id);
  }

  @Post('tickets/:id/messages')
  @HttpCode(201)
  @Roles('admin', 'supervisor', 'advisor')
  @Scopes('sync:write')
  @ApiOperation({ summary: "Reply or add an internal note (staff), or post the learner's reply (integration, sync:write)" })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiConflict('The ticket is closed')
  addMessage(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: AddMessageDto) {
    return this.tickets.addMessage(actor, id, dto);
  }

  @Patch('tickets/:id')
  @StaffOnly()
  @ApiOperation({ summary: 'Change category, priority, subject or status (open, pending, closed)' })
  @ApiOkResponse({ type: TicketViewDto })
  @ApiConflict('The ticket is closed')
  update(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: UpdateTicketDto) {
    const { reason, ...patch } = dto;
    return this.tickets.update(actor, id, patch, reason);
  }

  @Post('tickets/:id/resolve')
  @HttpCode(200)
  @StaffOnly()
  @ApiOperation({ summary: 'Resolve a ticket (a learner reply reopens it)' })
  @ApiOkResponse({ type: TicketViewDto })
  @ApiConflict('The ticket is already closed')
  resolve(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: ResolveTicketDto) {
    return this.tickets.resolve(actor, id, dto.note);
  }

  @Post('tickets/:id/assign')
  @HttpCode(200)
  @StaffOnly()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Assign or reassign one ticket (supervisor of its team, admin), with a reason' })
  @ApiOkResponse({ type: TicketViewDto })
  assign(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: AssignTicketDto) {
    return this.assignments.assign(actor, id, dto.assigneeId, dto.reason);
  }

  @Post('tickets/reassign')
  @HttpCode(200)
  @StaffOnly()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Move listed tickets, or all open tickets of one person, to someone or through the policy, with a reason (all or nothing)' })
  @ApiOkResponse({ type: TicketListDto })
  async reassign(@CurrentActor() actor: Actor, @Body() dto: ReassignTicketsDto) {
    return { items: await this.assignments.reassign(actor, dto) };
  }

  @Get('ticket-routes')
  @Scopes('read')
  @ApiOperation({ summary: 'Category → team routing' })
  @ApiOkResponse({ type: [TicketRouteViewDto] })
  listRoutes() {
    return this.routes.list();
  }

  @Put('ticket-routes')
  @StaffOnly()
  @Roles('admin')
  @ApiOperation({ summary: 'Set (teamId) or remove (teamId null) the team of the listed categories (admin)' })
  @ApiOkResponse({ type: [TicketRouteViewDto] })
  putRoutes(@CurrentActor() actor: Actor, @Body() dto: PutTicketRoutesDto) {
    return this.routes.put(actor, dto.routes);
  }
}
