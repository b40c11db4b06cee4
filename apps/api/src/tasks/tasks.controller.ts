import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, Scopes, StaffOnly } from '../http/decorators.js';
import { TasksService } from '../../../../libs/tasks/tasks.service.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { ListTasksQueryDto, OutcomeDto, QueueQueryDto, ReassignDto, ReassignTasksDto, RescheduleDto } from './tasks.dto.js';
import { OutcomeResultDto, QueueViewDto, TaskMoveResultDto, TaskPageDto, TaskViewDto } from './tasks.responses.js';
import { ApiConflict } from '../openapi.js';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller()
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get('me/queue')
  @StaffOnly()
  @ApiOperation({
    summary: 'The daily queue: tasks due that day and overdue (overdue first, then due time, then case priority), open cases without a task, counts',
  })
  @ApiOkResponse({ type: QueueViewDto })
  queue(@CurrentActor() actor: Actor, @Query() q: QueueQueryDto) {
    return this.tasks.queue(actor, q);
  }

  @Get('tasks')
  @Scopes('read')
  @ApiOperation({ summary: "Tasks (advisors: their own; supervisors: their teams')" })
  @ApiOkResponse({ type: TaskPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: ListTasksQueryDto) {
    return this.tasks.list(actor, q);
  }

  @Post('tasks/reassign')
  @StaffOnly()
  @Roles('supervisor', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move many scheduled tasks to one person at once, all or nothing (supervisor of their teams, admin); audited' })
  @ApiOkResponse({ type: TaskMoveResultDto })
  @ApiConflict('A task is no longer scheduled (nothing moved)')
  reassignMany(@CurrentActor() actor: Actor, @Body() dto: ReassignTasksDto) {
    return this.tasks.reassignMany(actor, dto);
  }

  @Get('tasks/:id')
  @Scopes('read')
  @ApiOperation({ summary: 'One task' })
  @ApiOkResponse({ type: TaskViewDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.tasks.get(actor, id);
  }

  @Post('tasks/:id/outcome')
  @StaffOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log a call outcome (assignee, their supervisor or an admin); followUpAt creates a follow_up task' })
  @ApiOkResponse({ type: OutcomeResultDto })
  @ApiConflict('The task is no longer scheduled')
  outcome(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: OutcomeDto) {
    return this.tasks.logOutcome(actor, id, dto);
  }

  @Post('tasks/:id/reschedule')
  @StaffOnly()
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a scheduled task (assignee, their supervisor or an admin); audited' })
  @ApiOkResponse({ type: TaskViewDto })
  @ApiConflict('The task is no longer scheduled')
  reschedule(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: RescheduleDto) {
    return this.tasks.reschedule(actor, id, dto);
  }

  @Post('tasks/:id/reassign')
  @StaffOnly()
  @Roles('supervisor', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Give a scheduled task to someone else (supervisor of the team, admin); audited' })
  @ApiOkResponse({ type: TaskViewDto })
  @ApiConflict('The task is no longer scheduled')
  reassign(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: ReassignDto) {
    return this.tasks.reassign(actor, id, dto);
  }
}
