import { Controller, Get, Headers, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AnalyticsService } from '../../../../libs/analytics/analytics.service.js';
import { advisorsCsv, churnReasonsCsv, firstWeekCsv, retentionCsv, rulesCsv, ticketsCsv } from '../../../../libs/analytics/report-csv.js';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, Scopes } from '../http/decorators.js';
import { ApiJsonOrCsv } from '../openapi.js';
import {
  AdvisorsReportDto,
  AnalyticsStatusDto,
  ChurnReasonsReportDto,
  CSV_EXAMPLES,
  FirstWeekReportDto,
  RefreshAcceptedDto,
  RetentionReportDto,
  RulesReportDto,
  TicketsReportDto,
} from './analytics.responses.js';
import { AdvisorsQueryDto, FirstWeekQueryDto, PeriodQueryDto, RetentionQueryDto, TicketsQueryDto } from './analytics.dto.js';

/** JSON by default; `Accept: text/csv` gets the same numbers as a CSV table. */
async function respond<T>(accept: string | undefined, reply: FastifyReply, name: string, report: Promise<T>, csv: (r: T) => string): Promise<T | string> {
  const r = await report;
  if (!accept || !/\btext\/csv\b/i.test(accept)) return r;
  void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`);
  return csv(r);
}

@ApiTags('analytics')
@ApiBearerAuth()
@Roles('admin', 'supervisor')
@Controller('analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('retention')
  @Scopes('read')
  @ApiProduces('application/json', 'text/csv')
  @ApiJsonOrCsv(RetentionReportDto, CSV_EXAMPLES.retention)
  @ApiOperation({ summary: 'Churn (30/60/90 days, mature enrolments only), renewal rate and retention curve per enrolment cohort' })
  retention(
    @CurrentActor() actor: Actor,
    @Query() q: RetentionQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return respond(accept, reply, 'retention', this.analytics.retention(actor, q), retentionCsv);
  }

  @Get('first-week')
  @Scopes('read')
  @ApiProduces('application/json', 'text/csv')
  @ApiJsonOrCsv(FirstWeekReportDto, CSV_EXAMPLES.firstWeek)
  @ApiOperation({ summary: 'First-week program: coverage, churn of covered vs not covered vs holdout, holdout uplift with 95% CI' })
  firstWeek(
    @CurrentActor() actor: Actor,
    @Query() q: FirstWeekQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return respond(accept, reply, 'first-week', this.analytics.firstWeek(actor, q), firstWeekCsv);
  }

  @Get('rules')
  @Scopes('read')
  @ApiProduces('application/json', 'text/csv')
  @ApiJsonOrCsv(RulesReportDto, CSV_EXAMPLES.rules)
  @ApiOperation({ summary: 'Per rule: alerts, precision, recall, median lead time, feedback (period = alert and churn dates)' })
  rules(
    @CurrentActor() actor: Actor,
    @Query() q: PeriodQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return respond(accept, reply, 'rules', this.analytics.rules(actor, q), rulesCsv);
  }

  @Get('churn-reasons')
  @Scopes('read')
  @ApiProduces('application/json', 'text/csv')
  @ApiJsonOrCsv(ChurnReasonsReportDto, CSV_EXAMPLES.churnReasons)
  @ApiOperation({ summary: 'Distribution of recorded churn reasons (resolved cases and call outcomes)' })
  churnReasons(
    @CurrentActor() actor: Actor,
    @Query() q: PeriodQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return respond(accept, reply, 'churn-reasons', this.analytics.churnReasons(actor, q), churnReasonsCsv);
  }

  @Get('advisors')
  @Scopes('read')
  @ApiProduces('application/json', 'text/csv')
  @ApiJsonOrCsv(AdvisorsReportDto, CSV_EXAMPLES.advisors)
  @ApiOperation({ summary: 'Per advisor: open cases, tasks done and overdue, median time to first contact, case outcomes' })
  advisors(
    @CurrentActor() actor: Actor,
    @Query() q: AdvisorsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return respond(accept, reply, 'advisors', this.analytics.advisors(actor, q), advisorsCsv);
  }

  @Get('tickets')
  @Scopes('read')
  @ApiProduces('application/json', 'text/csv')
  @ApiJsonOrCsv(TicketsReportDto, CSV_EXAMPLES.tickets)
  @ApiOperation({ summary: 'Tickets: first response and resolution p50/p90 in business minutes, SLA compliance; overall, per category and priority' })
  tickets(
    @CurrentActor() actor: Actor,
    @Query() q: TicketsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return respond(accept, reply, 'tickets', this.analytics.ticketsReport(actor, q), ticketsCsv);
  }

  @Get('status')
  @Scopes('read')
  @ApiOperation({ summary: 'When the outcome summary was last refreshed, and whether a refresh is pending' })
  @ApiOkResponse({ type: AnalyticsStatusDto })
  status(@CurrentActor() actor: Actor) {
    return this.analytics.status(actor);
  }

  @Post('refresh')
  @HttpCode(202)
  @ApiOperation({ summary: 'Recompute churn outcomes now (runs in the worker; poll GET /analytics/status)' })
  @ApiAcceptedResponse({ type: RefreshAcceptedDto })
  refresh(@CurrentActor() actor: Actor) {
    return this.analytics.requestRefresh(actor);
  }
}
