import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Calendar days in the school time zone, both inclusive. */
export class PeriodQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'first day (school time zone), inclusive' })
  @IsOptional() @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'last day (school time zone), inclusive' })
  @IsOptional() @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'courseId must be a UUID' })
  courseId?: string;
}

export class RetentionQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: ['week', 'month'], default: 'month', description: 'enrolment cohort size' })
  @IsOptional() @IsIn(['week', 'month'])
  cohort?: 'week' | 'month';

  @ApiPropertyOptional({ example: 26, minimum: 1, maximum: 104, default: 26, description: 'length of the retention curve in weeks' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(104)
  weeks?: number;
}

export class FirstWeekQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: [30, 60, 90], default: 30, description: 'churn horizon of the holdout uplift, in days' })
  @IsOptional() @Type(() => Number) @IsIn([30, 60, 90])
  horizonDays?: 30 | 60 | 90;
}

export class AdvisorsQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01' })
  @IsOptional() @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31' })
  @IsOptional() @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID('all', { message: 'teamId must be a UUID' })
  teamId?: string;
}

export class TicketsQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'tickets created from this day (school time zone)' })
  @IsOptional() @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'tickets created up to this day, inclusive' })
  @IsOptional() @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: ['technical', 'learning', 'account', 'billing', 'complaint'] })
  @IsOptional() @IsIn(['technical', 'learning', 'account', 'billing', 'complaint'])
  category?: string;

  @ApiPropertyOptional({ enum: ['low', 'medium', 'high', 'urgent'] })
  @IsOptional() @IsIn(['low', 'medium', 'high', 'urgent'])
  priority?: string;
}
