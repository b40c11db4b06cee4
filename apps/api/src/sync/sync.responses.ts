import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SYNC_STATUSES } from '../../../../libs/learners/sync-items.js';

export class FieldErrorDto {
  @ApiProperty({ example: 'items.3.enrolledAt' }) field: string;
  @ApiProperty({ example: 'must be an ISO-8601 date-time' }) message: string;
}

export class SyncResultDto {
  @ApiProperty({ example: 0, description: 'position of the item in the request' }) index: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d',
    description: 'careloop id of the record; for events the eventId; for rejected items the externalId or eventId sent (null if none)',
  })
  id: string | null;
  @ApiProperty({ enum: SYNC_STATUSES, example: 'created', description: 'stale: older than the stored updatedAt, ignored; duplicate: event id seen before' })
  status: string;
  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'why the item was rejected' }) errors?: FieldErrorDto[];
}

export class SyncSummaryDto {
  @ApiProperty({ example: 2 }) created: number;
  @ApiProperty({ example: 1 }) updated: number;
  @ApiProperty({ example: 0 }) unchanged: number;
  @ApiProperty({ example: 0 }) stale: number;
  @ApiProperty({ example: 0 }) duplicate: number;
  @ApiProperty({ example: 1 }) rejected: number;
}

export class SyncReplyDto {
  @ApiProperty({ type: [SyncResultDto], description: 'one per item, in request order' }) results: SyncResultDto[];
  @ApiProperty({ type: SyncSummaryDto, description: 'how many items ended in each status' }) summary: SyncSummaryDto;
}
