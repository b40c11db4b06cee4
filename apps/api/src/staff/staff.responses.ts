import { ApiProperty } from '@nestjs/swagger';
import { pageOf } from '../openapi.js';
import { StaffViewDto } from './staff.dto.js';

export class TeamViewDto {
  @ApiProperty({ format: 'uuid', example: '0b5f6a52-3c2e-4d7e-9f55-2d7c1a9e4b10' }) id: string;
  @ApiProperty({ example: 'Team North' }) name: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the supervisor who receives escalations' }) supervisorId: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-25T08:00:00.000Z' }) createdAt: string;
}

export class StaffPageDto extends pageOf(StaffViewDto, 'StaffPageBase') {}
