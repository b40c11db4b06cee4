import { ApiProperty } from '@nestjs/swagger';
import { WEBHOOK_EVENTS } from '../../../../libs/outbox/subscriptions.js';
import { pageOf } from '../openapi.js';

export class WebhookViewDto {
  @ApiProperty({ format: 'uuid', example: 'b7a6c5d4-e3f2-4a1b-9c8d-7e6f5a4b3c2d' }) id: string;
  @ApiProperty({ example: 'https://school.example/careloop-hook' }) url: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true, example: ['learner.reminder'] }) events: string[];
  @ApiProperty({ example: true }) enabled: boolean;
  @ApiProperty({ example: 0 }) consecutiveFailures: number;
  @ApiProperty({ example: 10 }) disableAfterFailures: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: '10 consecutive failed deliveries' }) disabledReason: string | null;
  @ApiProperty({ example: '…f00d', description: 'the last characters of the secret; the secret itself is never shown' }) secretHint: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class DeliveryAttemptDto {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ type: Number, nullable: true, example: 502 }) statusCode: number | null;
  @ApiProperty({ type: String, nullable: true, example: 'HTTP 502' }) error: string | null;
  @ApiProperty({ example: 180 }) durationMs: number;
}

export class DeliveryViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) webhookId: string;
  @ApiProperty({ example: '81234', description: 'id of the outbox event delivered' }) eventId: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, example: 'learner.reminder' }) eventType: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed', 'skipped'] }) status: string;
  @ApiProperty({ example: 2 }) attempts: number;
  @ApiProperty({ type: Number, nullable: true, example: 200 }) lastStatusCode: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: [DeliveryAttemptDto] }) attemptLog: DeliveryAttemptDto[];
}

export class DeliveryPageDto extends pageOf(DeliveryViewDto, 'DeliveryPageBase') {}

export class RedeliveryDto {
  @ApiProperty({ type: DeliveryViewDto, description: 'the delivery, pending again' }) delivery: DeliveryViewDto;
  @ApiProperty({ example: true, description: 'false when the delivery was still pending (on its way): nothing new was queued' }) queued: boolean;
}
