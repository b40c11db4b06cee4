import { Body, Controller, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, Scopes } from '../http/decorators.js';
import { DomainError } from '../../../../libs/common/domain-error.js';
import { BacktestService } from '../../../../libs/rules/backtest.service.js';
import { RuleRunsService } from '../../../../libs/rules/rule-runs.service.js';
import { RulesService } from '../../../../libs/rules/rules.service.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { BacktestDto, CreateRuleDto, EvaluateRulesDto, RunAcceptedDto, UpdateRuleDto } from './rules.dto.js';
import { BacktestResultDto, RuleApplyCountsDto, RuleKindDto, RuleRunViewDto, RuleViewDto } from './rules.responses.js';
import { PARAM_SPECS, RULE_KINDS } from '../../../../libs/rules/rule-definitions.js';
import { ApiConflict } from '../openapi.js';

@ApiTags('rules')
@ApiBearerAuth()
@ApiExtraModels(RuleApplyCountsDto)
@Controller()
export class RulesController {
  constructor(
    private readonly rules: RulesService,
    private readonly runs: RuleRunsService,
    private readonly backtests: BacktestService,
  ) {}

  @Get('rules')
  @Scopes('read')
  @ApiOperation({ summary: 'Warning rules with their parameters, severity, action and cohort threshold' })
  @ApiOkResponse({ type: [RuleViewDto] })
  list() {
    return this.rules.list();
  }

  @Get('rule-kinds')
  @Scopes('read')
  @ApiOperation({ summary: "The built-in rule kinds and each one's parameters: range, whole or not, default, meaning" })
  @ApiOkResponse({ type: [RuleKindDto] })
  kinds(): RuleKindDto[] {
    return RULE_KINDS.map((kind) => ({
      kind,
      params: Object.entries(
        PARAM_SPECS[kind] as Record<string, { integer: boolean; min: number; max: number; minExclusive?: boolean; default: number; meaning: string }>,
      ).map(([name, spec]) => ({
        name,
        integer: spec.integer,
        min: spec.min,
        max: spec.max,
        minExclusive: spec.minExclusive ?? false,
        default: spec.default,
        meaning: spec.meaning,
      })),
    }));
  }

  @Get('rules/:key')
  @Scopes('read')
  @ApiOperation({ summary: 'One rule' })
  @ApiOkResponse({ type: RuleViewDto })
  get(@Param('key') key: string) {
    return this.rules.get(key);
  }

  @Post('rules')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a rule of a built-in kind (admin); the same definition again returns 200 unchanged' })
  @ApiCreatedResponse({ type: RuleViewDto })
  @ApiOkResponse({ type: RuleViewDto, description: 'The same definition was sent again: the rule, unchanged' })
  @ApiConflict('Another rule has this key with a different definition')
  async create(@CurrentActor() actor: Actor, @Body() dto: CreateRuleDto, @Res({ passthrough: true }) res: FastifyReply) {
    const { rule, created } = await this.rules.create(actor, dto);
    res.status(created ? 201 : 200);
    return rule;
  }

  @Patch('rules/:key')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a rule (admin, audited with before and after)' })
  @ApiOkResponse({ type: RuleViewDto })
  update(@CurrentActor() actor: Actor, @Param('key') key: string, @Body() dto: UpdateRuleDto) {
    const { reason, ...patch } = dto;
    return this.rules.update(actor, key, patch, reason);
  }

  @Post('rules/evaluate')
  @HttpCode(202)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Start a rule run (single-flight: returns the run already queued or running)' })
  @ApiConflict('Another rule run was just requested; try again')
  @ApiAcceptedResponse({ type: RunAcceptedDto })
  async evaluate(@CurrentActor() actor: Actor, @Body() dto: EvaluateRulesDto) {
    const { runId } = await this.runs.request(actor, { trigger: 'manual', asOf: dto.asOf ? new Date(dto.asOf) : undefined });
    return { runId };
  }

  @Post('rules/backtest')
  @HttpCode(200)
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Evaluate a draft rule for each day of a past period: alerts, learners flagged, daily workload' })
  @ApiOkResponse({ type: BacktestResultDto })
  backtest(@CurrentActor() actor: Actor, @Body() dto: BacktestDto) {
    if (!dto.rule) throw DomainError.field('rule', 'is required');
    return this.backtests.run(actor, dto);
  }

  @Get('rule-runs/:id')
  @Scopes('read')
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'A rule run: status, timings, alerts opened / refreshed / cleared' })
  @ApiOkResponse({ type: RuleRunViewDto })
  getRun(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.runs.get(actor, id);
  }
}
