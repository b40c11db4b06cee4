import { Body, Controller, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, Scopes } from '../http/decorators.js';
import { SyncService } from '../../../../libs/learners/sync.service.js';
import { CourseSyncBodyDto, EnrollmentSyncBodyDto, EventSyncBodyDto, LearnerSyncBodyDto } from './sync.dto.js';
import { SyncReplyDto } from './sync.responses.js';

/**
 * Bulk sync for the school's platform (API keys with `sync:write`; admins too). Bodies are typed `unknown`
 * on purpose: the global pipe skips them and the service validates each item on its own.
 */
@ApiTags('sync')
@ApiBearerAuth()
@Roles('admin')
@Scopes('sync:write')
@Controller('sync')
export class SyncController {
  constructor(private readonly sync: SyncService) {}

  @Put('courses')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upsert courses by externalId (≤ 5,000 items)' })
  @ApiOkResponse({ type: SyncReplyDto })
  @ApiBody({ type: CourseSyncBodyDto })
  courses(@Body() body: unknown) {
    return this.sync.syncCourses(body);
  }

  @Put('learners')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upsert learners by externalId (≤ 5,000 items)' })
  @ApiOkResponse({ type: SyncReplyDto })
  @ApiBody({ type: LearnerSyncBodyDto })
  learners(@Body() body: unknown) {
    return this.sync.syncLearners(body);
  }

  @Put('enrollments')
  @HttpCode(200)
  @ApiOperation({ summary: 'Upsert enrolments by externalId (≤ 5,000 items)' })
  @ApiOkResponse({ type: SyncReplyDto })
  @ApiBody({ type: EnrollmentSyncBodyDto })
  enrollments(@Body() body: unknown) {
    return this.sync.syncEnrollments(body);
  }

  @Post('events')
  @HttpCode(200)
  @ApiOperation({ summary: 'Append activity events by eventId (≤ 5,000 items); rollups updated in the same statement' })
  @ApiOkResponse({ type: SyncReplyDto })
  @ApiBody({ type: EventSyncBodyDto })
  events(@Body() body: unknown) {
    return this.sync.syncEvents(body);
  }
}
