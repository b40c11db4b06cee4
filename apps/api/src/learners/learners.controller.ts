import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Scopes } from '../http/decorators.js';
import { LearnersService } from '../../../../libs/learners/learners.service.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { ListLearnersQueryDto, TimelineQueryDto } from './learners.dto.js';
import { LearnerDetailDto, LearnerPageDto, TimelinePageDto } from './learners.responses.js';

@ApiTags('learners')
@ApiBearerAuth()
@Controller('learners')
export class LearnersController {
  constructor(private readonly learners: LearnersService) {}

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'Learners visible to the caller: search, filter by owner, lifecycle stage, risk' })
  @ApiOkResponse({ type: LearnerPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: ListLearnersQueryDto) {
    return this.learners.list(actor, q);
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'One learner: enrolments with progress and stage, open alerts, weekly study minutes, owner' })
  @ApiOkResponse({ type: LearnerDetailDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.learners.get(actor, id);
  }

  @Get(':id/timeline')
  @Scopes('read')
  @ApiOperation({ summary: 'Events, alerts and tasks of a learner, newest first (cursor pagination)' })
  @ApiOkResponse({ type: TimelinePageDto })
  timeline(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Query() q: TimelineQueryDto) {
    return this.learners.timeline(actor, id, q);
  }
}
