import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { WeeklyHours } from '../../../../libs/common/working-hours.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { Optional } from '../http/optional.js';

const ROLES = ['admin', 'supervisor', 'advisor'] as const;
const STATUSES = ['active', 'away', 'inactive'] as const;
const HOURS_EXAMPLE = {
  mon: [
    ['09:00', '12:00'],
    ['13:30', '17:30'],
  ],
  tue: [['09:00', '17:30']],
};

export class CreateTeamDto {
  @ApiProperty({ example: 'Team North' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() supervisorId?: string;
}

export class UpdateTeamDto {
  @ApiPropertyOptional({ example: 'Team North' }) @Optional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    example: '7c3d9e21-5a4b-4f6e-8d2c-1b0a9f8e7d65',
    description: "a supervisor (not inactive) who receives the team's escalations; null clears it (escalations then go to the admins)",
  })
  @IsOptional()
  @IsUUID()
  supervisorId?: string | null;
  @ApiPropertyOptional({ example: 'Chen Jing takes over the team', description: 'why (kept in the audit log)' })
  @Optional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class CreateStaffDto {
  @ApiProperty({ example: 'li.wei@school.example' }) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Li Wei' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ example: 'a long passphrase', minLength: 8 }) @IsString() @MinLength(8) @MaxLength(200) password: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role: (typeof ROLES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() teamId?: string;
  @ApiPropertyOptional({ example: 60, default: 60, description: 'open cases this person can hold' }) @Optional() @IsInt() @Min(0) @Max(10000) capacity?: number;
  @ApiPropertyOptional({ type: [String], example: ['programming'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  skills?: string[];
  @ApiPropertyOptional({ example: 'Asia/Shanghai' }) @Optional() @IsString() @MaxLength(64) timezone?: string;
  @ApiPropertyOptional({ example: HOURS_EXAMPLE }) @Optional() @IsObject() workingHours?: WeeklyHours;
  @ApiPropertyOptional({ enum: STATUSES }) @Optional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
}

export class UpdateStaffDto {
  @ApiPropertyOptional({ example: 'li.wei@school.example' }) @Optional() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional({ example: 'Li Wei' }) @Optional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ example: 'a new long passphrase' }) @Optional() @IsString() @MinLength(8) @MaxLength(200) password?: string;
  @ApiPropertyOptional({ enum: ROLES }) @Optional() @IsIn(ROLES) role?: (typeof ROLES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() teamId?: string;
  @ApiPropertyOptional({ example: 45 }) @Optional() @IsInt() @Min(0) @Max(10000) capacity?: number;
  @ApiPropertyOptional({ example: ['programming', 'english'], type: [String] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  skills?: string[];
  @ApiPropertyOptional({ example: 'Asia/Shanghai' }) @Optional() @IsString() @MaxLength(64) timezone?: string;
  @ApiPropertyOptional({ example: HOURS_EXAMPLE }) @Optional() @IsObject() workingHours?: WeeklyHours;
  @ApiPropertyOptional({ enum: STATUSES }) @Optional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @ApiPropertyOptional({ example: 'moved to the evening shift', description: 'why (kept in the audit log)' })
  @Optional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}

export class ListStaffQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() teamId?: string;
  @ApiPropertyOptional({ enum: ROLES }) @Optional() @IsIn(ROLES) role?: (typeof ROLES)[number];
  @ApiPropertyOptional({ enum: STATUSES }) @Optional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
}

export class StaffViewDto {
  @ApiProperty({ format: 'uuid', example: '5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34' }) id: string;
  @ApiProperty({ example: 'li.wei@school.example' }) email: string;
  @ApiProperty({ example: 'Li Wei' }) name: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ example: 60, description: 'open cases this person can hold' }) capacity: number;
  @ApiProperty({ type: [String], example: ['programming'] }) skills: string[];
  @ApiProperty({ example: 'Asia/Shanghai' }) timezone: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
    example: HOURS_EXAMPLE,
    description: 'working hours per weekday, local to timezone',
  })
  workingHours: object;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
