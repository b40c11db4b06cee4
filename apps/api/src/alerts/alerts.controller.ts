import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Scopes, StaffOnly } from '../http/decorators.js';
import { AlertsService } from '../../../../libs/rules/alerts.service.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { AlertFeedbackDto, ListAlertsQueryDto, ListCohortAlertsQueryDto } from './alerts.dto.js';
import { AlertFeedbackViewDto, AlertPageDto, AlertViewDto, CohortAlertPageDto } from './alerts.responses.js';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller()
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get('alerts')
  @Scopes('read')
  @ApiOperation({ summary: 'Alerts with their evidence and a plain summary, newest first (advisors: their learners)' })
  @ApiOkResponse({ type: AlertPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: ListAlertsQueryDto) {
    return this.alerts.list(actor, q);
  }

  @Get('alerts/:id')
  @Scopes('read')
  @ApiOperation({ summary: 'One alert' })
  @ApiOkResponse({ type: AlertViewDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.alerts.get(actor, id);
  }

  @Post('alerts/:id/feedback')
  @HttpCode(200)
  @StaffOnly()
  @ApiOperation({ summary: 'Record your verdict on an alert (one per staff member; sending again updates it)' })
  @ApiOkResponse({ type: AlertFeedbackViewDto })
  feedback(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: AlertFeedbackDto) {
    return this.alerts.feedback(actor, id, dto);
  }

  @Get('cohort-alerts')
  @Scopes('read')
  @ApiOperation({ summary: "Courses where too many active learners are flagged (supervisors: their teams' courses)" })
  @ApiOkResponse({ type: CohortAlertPageDto })
  listCohort(@CurrentActor() actor: Actor, @Query() q: ListCohortAlertsQueryDto) {
    return this.alerts.listCohortAlerts(actor, q);
  }
}
