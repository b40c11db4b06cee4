import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { RULE_KINDS, RULE_TASK_KINDS, SEVERITIES } from '../../../../libs/rules/rule-definitions.js';
import { Optional } from '../http/optional.js';

const ACTION_EXAMPLE = { taskKind: 'care_call', dueWithinHours: 24 };
/** OpenAPI shapes of `params` and `action` (validated per kind in libs/rules/rule-definitions.ts, which names each field). */
const PARAMS = { type: 'object', additionalProperties: { type: 'number' } } as const;
class RuleActionBodyDto {
  @ApiProperty({ enum: RULE_TASK_KINDS, example: 'care_call' }) taskKind: string;
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 720, example: 24 }) dueWithinHours: number;
}
const ACTION = { type: () => RuleActionBodyDto };

export class CreateRuleDto {
  @ApiProperty({ example: 'inactive_10d', description: 'lowercase letters, digits and _' }) @IsString() @MaxLength(63) key: string;
  @ApiProperty({ example: 'No login for 10 days' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: RULE_KINDS }) @IsIn(RULE_KINDS) kind: string;
  @ApiPropertyOptional({ ...PARAMS, example: { days: 10 }, description: 'validated per kind; missing parameters take the kind defaults' })
  @Optional()
  @IsObject()
  params?: Record<string, unknown>;
  @ApiProperty({ enum: SEVERITIES }) @IsIn(SEVERITIES) severity: string;
  @ApiProperty({ ...ACTION, example: ACTION_EXAMPLE }) @IsObject() action: Record<string, unknown>;
  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 1,
    nullable: true,
    example: 0.05,
    description: "cohort alert when this share of a course's active enrolments fire",
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @Min(0)
  @Max(1)
  cohortThreshold?: number | null;
  @ApiPropertyOptional({ example: true, default: true }) @Optional() @IsBoolean() enabled?: boolean;
}

export class UpdateRuleDto {
  @ApiPropertyOptional({ example: 'No login for 10 days' }) @Optional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ ...PARAMS, example: { days: 10 }, description: 'merged into the current parameters, then validated' })
  @Optional()
  @IsObject()
  params?: Record<string, unknown>;
  @ApiPropertyOptional({ enum: SEVERITIES }) @Optional() @IsIn(SEVERITIES) severity?: string;
  @ApiPropertyOptional({ ...ACTION, example: ACTION_EXAMPLE }) @Optional() @IsObject() action?: Record<string, unknown>;
  @ApiPropertyOptional({ type: Number, minimum: 0, maximum: 1, example: 0.08, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @Min(0)
  @Max(1)
  cohortThreshold?: number | null;
  @ApiPropertyOptional({ example: false }) @Optional() @IsBoolean() enabled?: boolean;
  @ApiPropertyOptional({ example: 'too many alerts in exam weeks', description: 'why (kept in the audit log)' })
  @Optional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class EvaluateRulesDto {
  @ApiPropertyOptional({
    example: '2026-11-25T08:00:00Z',
    description: 'evaluate as of this time (default now); a past time is for admins only, at most 7 days back',
  })
  @Optional()
  @IsDateString({ strict: true })
  asOf?: string;
}

export class RunAcceptedDto {
  @ApiProperty({ format: 'uuid' }) runId: string;
}

export class DraftRuleDto {
  @ApiProperty({ enum: RULE_KINDS }) @IsIn(RULE_KINDS) kind: string;
  @ApiPropertyOptional({ ...PARAMS, example: { days: 10 } }) @Optional() @IsObject() params?: Record<string, unknown>;
  @ApiPropertyOptional({ example: 'inactive_10d' }) @Optional() @IsString() @MaxLength(63) key?: string;
  @ApiPropertyOptional({ example: 'No login for 10 days' }) @Optional() @IsString() @MaxLength(200) name?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) @Optional() @IsIn(SEVERITIES) severity?: string;
  @ApiPropertyOptional({ ...ACTION, example: ACTION_EXAMPLE }) @Optional() @IsObject() action?: Record<string, unknown>;
  @ApiPropertyOptional({ type: Number, minimum: 0, maximum: 1, example: 0.05, nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsNumber()
  @Min(0)
  @Max(1)
  cohortThreshold?: number | null;
  @ApiPropertyOptional({ example: true }) @Optional() @IsBoolean() enabled?: boolean;
}

export class BacktestDto {
  @ApiProperty({ type: DraftRuleDto, description: 'a draft rule (not saved); only kind and params matter' })
  @ValidateNested()
  @Type(() => DraftRuleDto)
  @IsObject()
  rule: DraftRuleDto;
  @ApiProperty({ example: '2026-08-01', description: 'first school day evaluated' }) @IsDateString({ strict: true }) from: string;
  @ApiProperty({ example: '2026-10-29', description: 'last school day evaluated (at most 366 days after from)' }) @IsDateString({ strict: true }) to: string;
  @ApiPropertyOptional({ format: 'uuid', description: "only this course's enrolments" }) @Optional() @IsUUID() courseId?: string;
}
