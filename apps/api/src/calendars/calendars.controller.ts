import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, Scopes, StaffOnly } from '../http/decorators.js';
import { CalendarsService } from '../../../../libs/tickets/calendars.service.js';
import { SlaPoliciesService } from '../../../../libs/tickets/sla-policies.service.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { CreateCalendarDto, CreateSlaPolicyDto, UpdateCalendarDto, UpdateSlaPolicyDto } from './calendars.dto.js';
import { CalendarViewDto, SlaPolicyViewDto } from './calendars.responses.js';
import { ApiConflict } from '../openapi.js';

@ApiTags('support desk settings')
@ApiBearerAuth()
@Controller()
export class CalendarsController {
  constructor(
    private readonly calendars: CalendarsService,
    private readonly policies: SlaPoliciesService,
  ) {}

  @Post('calendars')
  @StaffOnly()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a business-hours calendar (admin)' })
  @ApiCreatedResponse({ type: CalendarViewDto })
  @ApiConflict('A calendar with this name exists')
  createCalendar(@CurrentActor() actor: Actor, @Body() dto: CreateCalendarDto) {
    return this.calendars.create(actor, dto);
  }

  @Get('calendars')
  @Scopes('read')
  @ApiOperation({ summary: 'Business-hours calendars' })
  @ApiOkResponse({ type: [CalendarViewDto] })
  listCalendars() {
    return this.calendars.list();
  }

  @Get('calendars/:id')
  @Scopes('read')
  @ApiOperation({ summary: 'One calendar' })
  @ApiOkResponse({ type: CalendarViewDto })
  getCalendar(@Param('id', UuidPipe) id: string) {
    return this.calendars.get(id);
  }

  @Patch('calendars/:id')
  @StaffOnly()
  @Roles('admin')
  @ApiOperation({ summary: 'Change a calendar (admin); tickets opened afterwards use the new hours' })
  @ApiOkResponse({ type: CalendarViewDto })
  @ApiConflict('A calendar with this name exists')
  updateCalendar(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: UpdateCalendarDto) {
    return this.calendars.update(actor, id, dto);
  }

  @Post('sla-policies')
  @StaffOnly()
  @Roles('admin')
  @ApiOperation({ summary: 'Create an SLA policy (admin); the first policy by position that matches a ticket wins' })
  @ApiCreatedResponse({ type: SlaPolicyViewDto })
  @ApiConflict('A policy with this name or position exists')
  createPolicy(@CurrentActor() actor: Actor, @Body() dto: CreateSlaPolicyDto) {
    return this.policies.create(actor, dto);
  }

  @Get('sla-policies')
  @Scopes('read')
  @ApiOperation({ summary: 'SLA policies in match order' })
  @ApiOkResponse({ type: [SlaPolicyViewDto] })
  listPolicies() {
    return this.policies.list();
  }

  @Patch('sla-policies/:id')
  @StaffOnly()
  @Roles('admin')
  @ApiOperation({ summary: 'Change an SLA policy (admin)' })
  @ApiOkResponse({ type: SlaPolicyViewDto })
  @ApiConflict('A policy with this name or position exists')
  updatePolicy(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: UpdateSlaPolicyDto) {
    return this.policies.update(actor, id, dto);
  }
}
