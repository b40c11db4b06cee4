import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsISO8601, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { CHURN_REASONS, OUTCOMES } from '../../../../libs/cases/case-tasks.js';
import { LIFECYCLE_STAGES } from '../../../../libs/learners/lifecycle.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { Optional } from '../http/optional.js';

const STATUSES = ['open', 'in_progress', 'resolved'] as const;
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
const QUEUES = ['advisor', 'escalation'] as const;
const BOOL = ['true', 'false'] as const;
const DUE = ['overdue', 'today'] as const;

const SORTS = ['priority', 'risk'] as const;

export class ListCasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STATUSES }) @Optional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() advisorId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() teamId?: string;
  @ApiPropertyOptional({ enum: BOOL, description: 'true: only the pool (no advisor); false: only assigned' })
  @Optional()
  @IsIn(BOOL)
  unassigned?: (typeof BOOL)[number];
  @ApiPropertyOptional({ enum: PRIORITIES }) @Optional() @IsIn(PRIORITIES) priority?: (typeof PRIORITIES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() learnerId?: string;
  @ApiPropertyOptional({ enum: QUEUES, description: "escalation: the supervisors' escalation queue" })
  @Optional()
  @IsIn(QUEUES)
  queue?: (typeof QUEUES)[number];
  @ApiPropertyOptional({ enum: BOOL }) @Optional() @IsIn(BOOL) escalated?: (typeof BOOL)[number];
  @ApiPropertyOptional({ enum: BOOL, description: 'true: open or in progress (not resolved)' }) @Optional() @IsIn(BOOL) open?: (typeof BOOL)[number];
  @ApiPropertyOptional({ example: 'inactive_7d', description: 'cases with an alert of this rule' }) @Optional() @IsString() @MaxLength(100) ruleKey?: string;
  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES, description: "the lifecycle stage of the case's enrolment" })
  @Optional()
  @IsIn(LIFECYCLE_STAGES)
  stage?: (typeof LIFECYCLE_STAGES)[number];
  @ApiPropertyOptional({ enum: DUE, description: 'first contact still to make: overdue (past its due time) or due today (school time zone)' })
  @Optional()
  @IsIn(DUE)
  due?: (typeof DUE)[number];
  @ApiPropertyOptional({ enum: SORTS, description: 'priority (default): priority, then first due; risk: learned churn risk, highest first, unscored last' })
  @Optional()
  @IsIn(SORTS)
  sort?: (typeof SORTS)[number];
}

export class AssignCaseDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() advisorId: string;
  @ApiProperty({ example: "speaks the learner's dialect", description: 'why (kept in the audit log)' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}

export class ReassignCasesDto {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'the cases to move (or give fromAdvisorId)' })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  caseIds?: string[];
  @ApiPropertyOptional({ format: 'uuid', description: 'move every open case of this advisor (e.g. away)' }) @Optional() @IsUUID() fromAdvisorId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'target advisor; omitted: each case goes through the assignment policy' })
  @Optional()
  @IsUUID()
  toAdvisorId?: string;
  @ApiProperty({ example: 'advisor on leave until 12-01', description: 'why (kept in the audit log)' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  reason: string;
}

export class ResolveCaseDto {
  @ApiProperty({ enum: OUTCOMES }) @IsIn(OUTCOMES) outcome: (typeof OUTCOMES)[number];
  @ApiPropertyOptional({ enum: CHURN_REASONS, description: 'required when outcome is churned' })
  @Optional()
  @IsIn(CHURN_REASONS)
  churnReason?: (typeof CHURN_REASONS)[number];
  @ApiPropertyOptional({ example: 'Back on track after a schedule change; two lessons this week.' }) @Optional() @IsString() @MaxLength(5000) note?: string;
}

export class RescheduleCaseDto {
  @ApiProperty({ example: '2026-11-26T09:00:00Z' }) @IsISO8601({ strict: true }) dueAt: string;
  @ApiProperty({ example: 'learner travelling until Thursday' }) @IsString() @MinLength(1) @MaxLength(1000) reason: string;
}
