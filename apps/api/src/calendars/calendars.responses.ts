import { ApiProperty } from '@nestjs/swagger';
import { WEEKDAYS } from '../../../../libs/common/working-hours.js';
import { SlaMatchDto } from './calendars.dto.js';

const SPLIT = [
  ['09:00', '12:00'],
  ['13:30', '17:30'],
];
const HOURS_EXAMPLE = { mon: SPLIT, tue: SPLIT, wed: SPLIT, thu: SPLIT, fri: SPLIT };

export class CalendarViewDto {
  @ApiProperty({ format: 'uuid', example: 'c0ffee00-1d4b-4c8e-9a6f-2b5d7e8f9a01' }) id: string;
  @ApiProperty({ example: 'Beijing support' }) name: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timezone: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
    example: HOURS_EXAMPLE,
    description: 'business hours per weekday',
  })
  hours: object;
  @ApiProperty({ type: [String], example: ['2026-10-01', '2026-10-02'] }) holidays: string[];
  @ApiProperty({ type: [String], example: ['2026-10-10'], description: 'make-up working days on a weekend' }) workdays: string[];
  @ApiProperty({ enum: WEEKDAYS, example: 'mon', description: 'whose hours make-up days use' }) makeUpHoursFrom: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class SlaPolicyViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Urgent' }) name: string;
  @ApiProperty({ example: 10, description: 'lower positions are tried first' }) position: number;
  @ApiProperty({ type: SlaMatchDto, example: { priority: 'urgent' }, description: 'empty matches every ticket' }) match: SlaMatchDto;
  @ApiProperty({ format: 'uuid' }) calendarId: string;
  @ApiProperty({ example: 30, description: 'business minutes' }) firstResponseMinutes: number;
  @ApiProperty({ example: 240, description: 'business minutes' }) resolutionMinutes: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}
