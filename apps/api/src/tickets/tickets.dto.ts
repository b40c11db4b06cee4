import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsObject,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { TICKET_CATEGORIES, TICKET_PRIORITIES, TICKET_STATUSES } from '../../../../libs/tickets/ticket.types.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { Optional } from '../http/optional.js';

export class CreateTicketDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'the learner (or give learnerExternalId)' }) @Optional() @IsUUID() learnerId?: string;
  @ApiPropertyOptional({ example: 'stu-000123', description: "the learner's id in the learning platform" })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  learnerExternalId?: string;
  @ApiPropertyOptional({ example: 'zendesk-88123', description: 'ticket id in the source system; repeating it returns the same ticket' })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId?: string;
  @ApiProperty({ enum: TICKET_CATEGORIES }) @IsIn(TICKET_CATEGORIES) category: (typeof TICKET_CATEGORIES)[number];
  @ApiPropertyOptional({ enum: TICKET_PRIORITIES, default: 'medium' }) @Optional() @IsIn(TICKET_PRIORITIES) priority?: (typeof TICKET_PRIORITIES)[number];
  @ApiProperty({ example: '视频无法播放' }) @IsString() @MinLength(1) @MaxLength(500) subject: string;
  @ApiProperty({ example: '第三课的视频一直在加载，换了浏览器也不行。' }) @IsString() @MinLength(1) @MaxLength(20000) body: string;
}

export class AddMessageDto {
  @ApiPropertyOptional({ example: '请先清除浏览器缓存再试一次。', description: 'required unless kbArticleId is given' })
  @Optional()
  @IsString()
  @MaxLength(20000)
  body?: string;
  @ApiPropertyOptional({ example: false, default: false, description: 'internal note (staff only), not shown to the learner' })
  @Optional()
  @IsBoolean()
  internal?: boolean;
  @ApiPropertyOptional({ enum: ['open', 'pending', 'resolved'], description: 'staff: pending = waiting on the learner (pauses the resolution clock)' })
  @Optional()
  @IsIn(['open', 'pending', 'resolved'])
  status?: 'open' | 'pending' | 'resolved';
  @ApiPropertyOptional({ format: 'uuid', description: 'staff: answer with this knowledge-base article (recorded)' }) @Optional() @IsUUID() kbArticleId?: string;
  @ApiPropertyOptional({ example: 'zendesk-msg-4411', description: 'integrations: message id in the source system (replays change nothing)' })
  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalId?: string;
}

export class UpdateTicketDto {
  @ApiPropertyOptional({ enum: TICKET_CATEGORIES }) @Optional() @IsIn(TICKET_CATEGORIES) category?: (typeof TICKET_CATEGORIES)[number];
  @ApiPropertyOptional({ enum: TICKET_PRIORITIES }) @Optional() @IsIn(TICKET_PRIORITIES) priority?: (typeof TICKET_PRIORITIES)[number];
  @ApiPropertyOptional({ example: '视频无法播放（第三课）' }) @Optional() @IsString() @MinLength(1) @MaxLength(500) subject?: string;
  @ApiPropertyOptional({ enum: ['open', 'pending', 'closed'] }) @Optional() @IsIn(['open', 'pending', 'closed']) status?: 'open' | 'pending' | 'closed';
  @ApiPropertyOptional({ example: 'billing question, not technical', description: 'why (kept in the audit log)' })
  @Optional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class ResolveTicketDto {
  @ApiPropertyOptional({ example: 'cache issue; fixed after clearing it', description: 'internal resolution note' })
  @Optional()
  @IsString()
  @MaxLength(5000)
  note?: string;
}

export class AssignTicketDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() assigneeId: string;
  @ApiProperty({ example: 'billing specialist', description: 'why (kept in the audit log)' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class ReassignTicketsDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'the tickets to move (or give fromAssigneeId)' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  ticketIds?: string[];
  @ApiPropertyOptional({ format: 'uuid', description: 'move every open ticket of this person (e.g. someone away)' })
  @Optional()
  @IsUUID()
  fromAssigneeId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'receiver; without it each ticket goes through the assignment policy (or the pool)' })
  @Optional()
  @IsUUID()
  toAssigneeId?: string;
  @ApiProperty({ example: 'advisor on leave until 12-01' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class ListTicketsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TICKET_STATUSES }) @Optional() @IsIn(TICKET_STATUSES) status?: (typeof TICKET_STATUSES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() assigneeId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() teamId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() learnerId?: string;
  @ApiPropertyOptional({ enum: TICKET_CATEGORIES }) @Optional() @IsIn(TICKET_CATEGORIES) category?: (typeof TICKET_CATEGORIES)[number];
  @ApiPropertyOptional({ example: true, description: 'only open tickets nobody holds (the team pool)' })
  @Optional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unassigned?: boolean;
  @ApiPropertyOptional({ enum: ['breached', 'warning'], description: 'breached: any SLA target missed; warning: past 80% of a target, none missed' })
  @Optional()
  @IsIn(['breached', 'warning'])
  sla?: 'breached' | 'warning';
}

export class TicketRouteDto {
  @ApiProperty({ enum: TICKET_CATEGORIES }) @IsIn(TICKET_CATEGORIES) category: (typeof TICKET_CATEGORIES)[number];
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null removes the route' }) @ValidateIf((o) => o.teamId !== null) @IsUUID() teamId:
    string | null;
}

export class PutTicketRoutesDto {
  @ApiProperty({ type: [TicketRouteDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsObject({ each: true, message: 'each route must be an object {category, teamId}' })
  @ValidateNested({ each: true })
  @Type(() => TicketRouteDto)
  routes: TicketRouteDto[];
}
