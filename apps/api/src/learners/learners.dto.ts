import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { LIFECYCLE_STAGES } from '../../../../libs/learners/lifecycle.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { Optional } from '../http/optional.js';

const RISKS = ['low', 'medium', 'high'] as const;

export class ListLearnersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'Wang', description: 'search by name, email or external id, or by phone digits (three or more; spaces and signs ignored)' })
  @Optional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'owner advisor' })
  @Optional()
  @IsUUID()
  advisorId?: string;

  @ApiPropertyOptional({ enum: LIFECYCLE_STAGES })
  @Optional()
  @IsIn(LIFECYCLE_STAGES)
  stage?: (typeof LIFECYCLE_STAGES)[number];

  @ApiPropertyOptional({ enum: RISKS, description: 'highest severity of open alerts (none: low)' })
  @Optional()
  @IsIn(RISKS)
  risk?: (typeof RISKS)[number];
}

export class TimelineQueryDto extends PageQueryDto {}
