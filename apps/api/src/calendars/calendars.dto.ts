import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsString, IsUUID, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { WEEKDAYS, type WeeklyHours } from '../../../../libs/common/working-hours.js';
import { HOLIDAY_PRESETS, type HolidayPreset } from '../../../../libs/tickets/holiday-presets.js';
import { TICKET_CATEGORIES, TICKET_PRIORITIES } from '../../../../libs/tickets/ticket.types.js';
import { Optional } from '../http/optional.js';

const SPLIT = [
  ['09:00', '12:00'],
  ['13:30', '17:30'],
];
const HOURS_EXAMPLE = { mon: SPLIT, tue: SPLIT, wed: SPLIT, thu: SPLIT, fri: SPLIT };

/** Public holidays added from a preset, on create and on update alike. */
class CalendarPresetFields {
  @ApiPropertyOptional({
    enum: HOLIDAY_PRESETS,
    description: 'add official public holidays: cn = mainland China (days off and make-up working days, from the State Council notices); needs years',
  })
  @Optional()
  @IsIn(HOLIDAY_PRESETS)
  preset?: HolidayPreset;
  @ApiPropertyOptional({
    type: [Number],
    example: [2026],
    description: 'the years of the preset to add; a year the data does not hold yet answers 400 naming it',
  })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @IsInt({ each: true })
  @Min(1900, { each: true })
  @Max(2100, { each: true })
  years?: number[];
}

export class CreateCalendarDto extends CalendarPresetFields {
  @ApiProperty({ example: 'Beijing support' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiPropertyOptional({ example: 'Asia/Shanghai', description: 'default SCHOOL_TIMEZONE' }) @Optional() @IsString() @MaxLength(64) timezone?: string;
  @ApiProperty({ example: HOURS_EXAMPLE, description: 'business hours per weekday; several intervals a day for split shifts' }) @IsObject() hours: WeeklyHours;
  @ApiPropertyOptional({ type: [String], example: ['2026-10-01'] }) @Optional() @IsArray() @ArrayMaxSize(2000) holidays?: string[];
  @ApiPropertyOptional({ type: [String], example: ['2026-10-10'], description: 'make-up working days (weekend dates worked)' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(2000)
  workdays?: string[];
  @ApiPropertyOptional({ enum: WEEKDAYS, default: 'mon', description: 'whose hours make-up days use' })
  @Optional()
  @IsIn(WEEKDAYS)
  makeUpHoursFrom?: (typeof WEEKDAYS)[number];
}

export class UpdateCalendarDto extends CalendarPresetFields {
  @ApiPropertyOptional({ example: 'Beijing support' }) @Optional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ example: 'Asia/Shanghai' }) @Optional() @IsString() @MaxLength(64) timezone?: string;
  @ApiPropertyOptional({ example: HOURS_EXAMPLE }) @Optional() @IsObject() hours?: WeeklyHours;
  @ApiPropertyOptional({ example: ['2026-10-01', '2026-10-02'], type: [String] }) @Optional() @IsArray() @ArrayMaxSize(2000) holidays?: string[];
  @ApiPropertyOptional({ example: ['2026-10-10'], type: [String] }) @Optional() @IsArray() @ArrayMaxSize(2000) workdays?: string[];
  @ApiPropertyOptional({ enum: WEEKDAYS }) @Optional() @IsIn(WEEKDAYS) makeUpHoursFrom?: (typeof WEEKDAYS)[number];
}

export class SlaMatchDto {
  @ApiPropertyOptional({ enum: TICKET_CATEGORIES }) @Optional() @IsIn(TICKET_CATEGORIES) category?: (typeof TICKET_CATEGORIES)[number];
  @ApiPropertyOptional({ enum: TICKET_PRIORITIES }) @Optional() @IsIn(TICKET_PRIORITIES) priority?: (typeof TICKET_PRIORITIES)[number];
}

export class CreateSlaPolicyDto {
  @ApiProperty({ example: 'Urgent' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ example: 10, description: 'lower positions are tried first' }) @IsInt() @Min(0) @Max(100000) position: number;
  @ApiPropertyOptional({ type: SlaMatchDto, description: 'empty matches every ticket' })
  @Optional()
  @ValidateNested()
  @Type(() => SlaMatchDto)
  match?: SlaMatchDto;
  @ApiProperty({ format: 'uuid' }) @IsUUID() calendarId: string;
  @ApiProperty({ example: 30, description: 'business minutes' }) @IsInt() @Min(1) @Max(1000000) firstResponseMinutes: number;
  @ApiProperty({ example: 240, description: 'business minutes' }) @IsInt() @Min(1) @Max(1000000) resolutionMinutes: number;
}

export class UpdateSlaPolicyDto {
  @ApiPropertyOptional({ example: 'Urgent' }) @Optional() @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional({ example: 5 }) @Optional() @IsInt() @Min(0) @Max(100000) position?: number;
  @ApiPropertyOptional({ type: SlaMatchDto }) @Optional() @ValidateNested() @Type(() => SlaMatchDto) match?: SlaMatchDto;
  @ApiPropertyOptional({ format: 'uuid' }) @Optional() @IsUUID() calendarId?: string;
  @ApiPropertyOptional({ example: 20 }) @Optional() @IsInt() @Min(1) @Max(1000000) firstResponseMinutes?: number;
  @ApiPropertyOptional({ example: 180 }) @Optional() @IsInt() @Min(1) @Max(1000000) resolutionMinutes?: number;
}
