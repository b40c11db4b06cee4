import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/access/actor.js';
import { RiskService } from '../../../../libs/risk/risk.service.js';
import { CurrentActor, Roles, Scopes } from '../http/decorators.js';
import { RiskReportDto, RiskTrainAcceptedDto } from './risk.responses.js';

@ApiTags('risk-model')
@ApiBearerAuth()
@Controller('risk-model')
export class RiskController {
  constructor(private readonly risk: RiskService) {}

  @Get()
  @Roles('admin', 'supervisor')
  @Scopes('read')
  @ApiOperation({
    summary: 'The learned risk model: its figures on held-out recent data against the rules at the same number of alerts, calibration, and the verdict',
  })
  @ApiOkResponse({ type: RiskReportDto })
  report(@CurrentActor() actor: Actor) {
    return this.risk.report(actor);
  }

  @Post('train')
  @Roles('admin')
  @HttpCode(202)
  @ApiOperation({ summary: 'Train a new model now (runs in the worker; poll GET /risk-model). One attempt at a time: a second request returns the first' })
  @ApiAcceptedResponse({ type: RiskTrainAcceptedDto })
  train(@CurrentActor() actor: Actor) {
    return this.risk.request(actor);
  }
}
