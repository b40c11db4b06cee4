import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { FEEDBACK_VERDICTS } from '../../../../libs/rules/alerts.service.js';
import { PageQueryDto } from '../http/pagination.dto.js';

export class ListAlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'cleared'] }) @IsOptional() @IsIn(['open', 'cleared']) status?: 'open' | 'cleared';
  @ApiPropertyOptional({ example: 'inactive_7d' }) @IsOptional() @IsString() @MaxLength(63) ruleKey?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() learnerId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() enrollmentId?: string;
}

export class AlertFeedbackDto {
  @ApiProperty({ enum: FEEDBACK_VERDICTS }) @IsIn(FEEDBACK_VERDICTS) verdict: (typeof FEEDBACK_VERDICTS)[number];
  @ApiPropertyOptional({ example: 'learner was on a business trip' }) @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class ListCohortAlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() courseId?: string;
  @ApiPropertyOptional({ example: 'inactive_7d' }) @IsOptional() @IsString() @MaxLength(63) ruleKey?: string;
  @ApiPropertyOptional({ example: '2026-11-01' }) @IsOptional() @IsDateString({ strict: true }) from?: string;
  @ApiPropertyOptional({ example: '2026-11-30' }) @IsOptional() @IsDateString({ strict: true }) to?: string;
}
