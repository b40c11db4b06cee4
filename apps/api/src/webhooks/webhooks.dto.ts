import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { WEBHOOK_EVENTS } from '../../../../libs/outbox/subscriptions.js';
import { Optional } from '../http/optional.js';

export class CreateWebhookDto {
  @ApiProperty({ example: 'https://school.example/careloop-hook' }) @IsString() @MaxLength(2000) url: string;
  @ApiProperty({ type: [String], enum: WEBHOOK_EVENTS, example: ['learner.reminder'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events: string[];
  @ApiProperty({ example: 'whsec_9f8e7d6c5b4a3210', minLength: 16, description: 'HMAC-SHA256 key for x-careloop-signature' })
  @IsString()
  @MinLength(16)
  @MaxLength(500)
  secret: string;
  @ApiPropertyOptional({ example: 10, default: 10, description: 'consecutive failed deliveries before the webhook is disabled' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(1000)
  disableAfterFailures?: number;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ example: 'https://school.example/careloop-hook' }) @Optional() @IsString() @MaxLength(2000) url?: string;
  @ApiPropertyOptional({ type: [String], enum: WEBHOOK_EVENTS })
  @Optional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events?: string[];
  @ApiPropertyOptional({ example: 'whsec_0a1b2c3d4e5f6789', minLength: 16 }) @Optional() @IsString() @MinLength(16) @MaxLength(500) secret?: string;
  @ApiPropertyOptional({ example: true, description: 'true re-enables a disabled webhook (and resets its failure count)' })
  @Optional()
  @IsBoolean()
  enabled?: boolean;
  @ApiPropertyOptional({ example: 20 }) @Optional() @IsInt() @Min(1) @Max(1000) disableAfterFailures?: number;
}

export class RedeliverDto {
  @ApiPropertyOptional({ example: 'receiver was down for maintenance', description: 'why (kept in the audit log)' })
  @Optional()
  @IsString()
  @MaxLength(1000)
  reason?: string;
}
