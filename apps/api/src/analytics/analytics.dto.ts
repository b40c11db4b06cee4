import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsUUID, Matches, Max, Min } from 'class-validator';
import { Optional } from '../http/optional.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Calendar days in the school time zone, both inclusive. */
export class PeriodQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'first day (school time zone), inclusive' })
  @Optional()
  @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'last day (school time zone), inclusive' })
  @Optional()
  @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID('all', { message: 'courseId must be a UUID' })
  courseId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "only this team's courses (a supervisor: one of their teams)" })
  @Optional()
  @IsUUID('all', { message: 'teamId must be a UUID' })
  teamId?: string;
}

export class RetentionQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: ['week', 'month'], default: 'month', description: 'enrolment cohort size' })
  @Optional()
  @IsIn(['week', 'month'])
  cohort?: 'week' | 'month';

  @ApiPropertyOptional({ example: 26, minimum: 1, maximum: 104, default: 26, description: 'length of the retention curve in weeks' })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(104)
  weeks?: number;
}

export class FirstWeekQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: [30, 60, 90], default: 30, description: 'churn horizon of the holdout uplift, in days' })
  @Optional()
  @Type(() => Number)
  @IsIn([30, 60, 90])
  horizonDays?: 30 | 60 | 90;
}

export class AdvisorsQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01' })
  @Optional()
  @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31' })
  @Optional()
  @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @Optional()
  @IsUUID('all', { message: 'teamId must be a UUID' })
  teamId?: string;
}

export class TicketsQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'tickets created from this day (school time zone)' })
  @Optional()
  @Matches(DAY, { message: 'from must be a date YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'tickets created up to this day, inclusive' })
  @Optional()
  @Matches(DAY, { message: 'to must be a date YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: ['technical', 'learning', 'account', 'billing', 'complaint'] })
  @Optional()
  @IsIn(['technical', 'learning', 'account', 'billing', 'complaint'])
  category?: string;

  @ApiPropertyOptional({ enum: ['low', 'medium', 'high', 'urgent'] })
  @Optional()
  @IsIn(['low', 'medium', 'high', 'urgent'])
  priority?: string;

  @ApiPropertyOptional({ format: 'uuid', description: "only this team's tickets (a supervisor: one of their teams)" })
  @Optional()
  @IsUUID('all', { message: 'teamId must be a UUID' })
  teamId?: string;
}
