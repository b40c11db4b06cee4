import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ENTITIES } from '../../../../libs/audit/audit.service.js';
import { pageOf } from '../openapi.js';

export class AuditEntryDto {
  @ApiProperty({ example: '1024' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ enum: ['staff', 'api_client', 'system'], example: 'staff' }) actorType: string;
  @ApiProperty({ type: String, nullable: true, example: '5d1e8f7a-9b2c-4e3d-8a1f-6c7b9e0d2a34' }) actorId: string | null;
  @ApiProperty({ example: 'case.assigned' }) action: string;
  @ApiProperty({ enum: AUDIT_ENTITIES, example: 'case' }) entity: string;
  @ApiProperty({ example: '3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01' }) entityId: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'the record before the change (null on creation)' }) before: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'the record after the change' }) after: unknown;
  @ApiProperty({ type: String, nullable: true, example: 'advisor on leave' }) reason: string | null;
}

export class AuditPageDto extends pageOf(AuditEntryDto, 'AuditPageBase') {}
