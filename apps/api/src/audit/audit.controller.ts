import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, StaffOnly } from '../http/decorators.js';
import { AUDIT_ENTITIES, AuditService } from '../../../../libs/audit/audit.service.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { AuditPageDto } from './audit.responses.js';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: AUDIT_ENTITIES }) @IsOptional() @IsIn(AUDIT_ENTITIES) entity?: string;
  @ApiPropertyOptional({ example: '3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01', description: 'id of the record (a rule key for rules)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  entityId?: string;
  @ApiPropertyOptional({ example: 'case.assigned' }) @IsOptional() @IsString() @MaxLength(100) action?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@StaffOnly()
@Roles('admin', 'supervisor')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Audit log, newest first: who changed what, when and why' })
  @ApiOkResponse({ type: AuditPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: AuditQueryDto) {
    return this.audit.list(actor, q);
  }
}
