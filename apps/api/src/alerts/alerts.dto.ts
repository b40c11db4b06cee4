import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { FEEDBACK_VERDICTS } from '../../../../libs/rules/alerts.service.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { Optional } from '../http/optional.js';

export class ListAlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'cleared'] }) @Optional() @IsIn(['open', 'cleared']) status?: 'open' | 'cleared';
  @ApiPropertyOptional({ example: 'inactive_7d' }) @Optional() @IsString() @MaxLength(63) ruleKey?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() learnerId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() enrollmentId?: string;
}

export class AlertFeedbackDto {
  @ApiProperty({ enum: FEEDBACK_VERDICTS }) @IsIn(FEEDBACK_VERDICTS) verdict: (typeof FEEDBACK_VERDICTS)[number];
  @ApiPropertyOptional({ example: 'learner was on a business trip' }) @Optional() @IsString() @MaxLength(2000) note?: string;
}

export class ListCohortAlertsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() courseId?: string;
  @ApiPropertyOptional({ example: 'inactive_7d' }) @Optional() @IsString() @MaxLength(63) ruleKey?: string;
  @ApiPropertyOptional({ example: '2026-11-01' }) @Optional() @IsDateString({ strict: true }) from?: string;
  @ApiPropertyOptional({ example: '2026-11-30' }) @Optional() @IsDateString({ strict: true }) to?: string;
}
