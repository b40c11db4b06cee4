import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CALL_RESULTS, CHURN_REASONS, RISK_READS, TASK_KINDS, TASK_STATUSES } from '../../../../libs/tasks/task.types.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { Optional } from '../http/optional.js';

const QUEUE_SORTS = ['due', 'risk'] as const;

export class QueueQueryDto {
  @ApiPropertyOptional({ example: '2026-11-30', description: "the day (in the advisor's time zone); default today" })
  @Optional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be a date as YYYY-MM-DD' })
  date?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "supervisors: a team member's queue (default: your own)" })
  @Optional()
  @IsUUID()
  advisorId?: string;

  @ApiPropertyOptional({ example: 50, minimum: 1, maximum: 500, default: 50, description: 'how many open cases without a task to list' })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  casesLimit?: number;

  @ApiPropertyOptional({ enum: QUEUE_SORTS, default: 'due', description: 'due: overdue first, then by due time; risk: learned churn risk, highest first' })
  @Optional()
  @IsIn(QUEUE_SORTS)
  sort?: (typeof QUEUE_SORTS)[number];
}

const DUE = ['overdue', 'today'] as const;

export class ListTasksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() assigneeId?: string;
  @ApiPropertyOptional({ enum: TASK_STATUSES }) @Optional() @IsIn(TASK_STATUSES) status?: (typeof TASK_STATUSES)[number];
  @ApiPropertyOptional({ enum: TASK_KINDS }) @Optional() @IsIn(TASK_KINDS) kind?: (typeof TASK_KINDS)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() learnerId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "one team's tasks (its people's; unassigned: its cases')" }) @Optional() @IsUUID() teamId?: string;
  @ApiPropertyOptional({
    enum: DUE,
    description: 'scheduled and due before now (overdue) or before the end of today, school time zone (today, overdue included)',
  })
  @Optional()
  @IsIn(DUE)
  due?: (typeof DUE)[number];
}

export class OutcomeDto {
  @ApiProperty({ enum: CALL_RESULTS }) @IsIn(CALL_RESULTS) result: (typeof CALL_RESULTS)[number];
  @ApiPropertyOptional({ example: 12, minimum: 0, maximum: 600 }) @Optional() @IsInt() @Min(0) @Max(600) durationMinutes?: number;
  @ApiPropertyOptional({ example: 'Busy with a new job; agreed on 20 minutes a day on weekdays.', maxLength: 5000 })
  @Optional()
  @IsString()
  @MaxLength(5000)
  note?: string;
  @ApiPropertyOptional({ enum: RISK_READS }) @Optional() @IsIn(RISK_READS) riskRead?: (typeof RISK_READS)[number];
  @ApiPropertyOptional({ enum: CHURN_REASONS }) @Optional() @IsIn(CHURN_REASONS) churnReason?: (typeof CHURN_REASONS)[number];
  @ApiPropertyOptional({ example: '2026-12-01T02:00:00Z', description: 'creates a follow_up task due then' })
  @Optional()
  @IsISO8601({ strict: true })
  followUpAt?: string;
}

export class RescheduleDto {
  @ApiProperty({ example: '2026-12-01T02:00:00Z' }) @IsISO8601({ strict: true }) dueAt: string;
  @ApiPropertyOptional({ example: 'learner asked for the evening', maxLength: 1000 }) @Optional() @IsString() @MaxLength(1000) reason?: string;
}

export class ReassignDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() assigneeId: string;
  @ApiProperty({ example: 'advisor on leave until 12-01', maxLength: 1000 }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}

export class ReassignTasksDto {
  @ApiProperty({ type: [String], format: 'uuid', description: 'the scheduled tasks to move (1–500)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  taskIds: string[];
  @ApiProperty({ format: 'uuid', description: 'the receiver: an active advisor or supervisor of a team you supervise' }) @IsUUID() assigneeId: string;
  @ApiProperty({ example: 'advisor on leave until 12-01', maxLength: 1000 }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}
