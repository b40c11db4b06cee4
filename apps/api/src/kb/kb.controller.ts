import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, Scopes, StaffOnly } from '../http/decorators.js';
import { KbService } from '../../../../libs/tickets/kb.service.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { CreateKbArticleDto, SearchKbQueryDto, UpdateKbArticleDto } from './kb.dto.js';
import { KbArticleDetailDto, KbArticlePageDto, KbArticleViewDto } from './kb.responses.js';

@ApiTags('knowledge base')
@ApiBearerAuth()
@Controller('kb/articles')
export class KbController {
  constructor(private readonly kb: KbService) {}

  @Post()
  @StaffOnly()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Write an article (admin, supervisor)' })
  @ApiCreatedResponse({ type: KbArticleViewDto })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateKbArticleDto) {
    return this.kb.create(actor, dto);
  }

  @Get()
  @Scopes('read')
  @ApiOperation({ summary: 'Search articles (Chinese or English), best match first' })
  @ApiOkResponse({ type: KbArticlePageDto })
  search(@Query() q: SearchKbQueryDto) {
    return this.kb.search(q);
  }

  @Get(':id')
  @Scopes('read')
  @ApiOperation({ summary: 'One article, with how often it answered tickets per category' })
  @ApiOkResponse({ type: KbArticleDetailDto })
  get(@Param('id', UuidPipe) id: string) {
    return this.kb.get(id);
  }

  @Patch(':id')
  @StaffOnly()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'Edit an article (admin, supervisor)' })
  @ApiOkResponse({ type: KbArticleViewDto })
  update(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: UpdateKbArticleDto) {
    return this.kb.update(actor, id, dto);
  }
}
