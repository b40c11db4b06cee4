import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsInt, IsObject, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { WeeklyHours } from '../../../../libs/common/working-hours.js';
import { PageQueryDto } from '../http/pagination.dto.js';

const ROLES = ['admin', 'supervisor', 'advisor'] as const;
const STATUSES = ['active', 'away', 'inactive'] as const;
const HOURS_EXAMPLE = { mon: [['09:00', '12:00'], ['13:30', '17:30']], tue: [['09:00', '17:30']] };

export class CreateTeamDto {
  @ApiProperty({ example: 'Team North' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() supervisorId?: string;
}

export class CreateStaffDto {
  @ApiProperty({ example: 'li.wei@school.example' }) @IsEmail() @MaxLength(254) email: string;
  @ApiProperty({ example: 'Li Wei' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ minLength: 8 }) @IsString() @MinLength(8) @MaxLength(200) password: string;
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role: (typeof ROLES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() teamId?: string;
  @ApiPropertyOptional({ default: 60, description: 'open cases this person can hold' }) @IsOptional() @IsInt() @Min(0) @Max(10000) capacity?: number;
  @ApiPropertyOptional({ type: [String], example: ['programming'] }) @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true }) skills?: string[];
  @ApiPropertyOptional({ example: 'Asia/Shanghai' }) @IsOptional() @IsString() @MaxLength(64) timezone?: string;
  @ApiPropertyOptional({ example: HOURS_EXAMPLE }) @IsOptional() @IsObject() workingHours?: WeeklyHours;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
}

export class UpdateStaffDto {
  @ApiPropertyOptional() @IsOptional() @IsEmail() @MaxLength(254) email?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(8) @MaxLength(200) password?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: (typeof ROLES)[number];
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() teamId?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10000) capacity?: number;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true }) skills?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(64) timezone?: string;
  @ApiPropertyOptional({ example: HOURS_EXAMPLE }) @IsOptional() @IsObject() workingHours?: WeeklyHours;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
  @ApiPropertyOptional({ description: 'why (kept in the audit log)' }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class ListStaffQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() teamId?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES) role?: (typeof ROLES)[number];
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: (typeof STATUSES)[number];
}

export class StaffViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiProperty({ format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty() capacity: number;
  @ApiProperty({ type: [String] }) skills: string[];
  @ApiProperty() timezone: string;
  @ApiProperty({ example: HOURS_EXAMPLE }) workingHours: object;
  @ApiProperty({ enum: STATUSES }) status: string;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}
