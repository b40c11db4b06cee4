import { ApiProperty } from '@nestjs/swagger';

export class LiveDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: string;
}

export class ReadyDto {
  @ApiProperty({ enum: ['ok'], example: 'ok' }) status: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', properties: { status: { type: 'string', example: 'up' } } },
    example: { database: { status: 'up' }, redis: { status: 'up' } },
  })
  checks: Record<string, { status: string }>;
}
