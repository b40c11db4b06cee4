import { Body, Controller, Delete, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import type { Actor } from '../../../../libs/access/actor.js';
import { ApiClientsService } from '../../../../libs/auth/api-clients.service.js';
import { CurrentActor, Roles, StaffOnly } from '../http/decorators.js';
import { API_SCOPES, type ApiScope } from '../../../../libs/access/roles.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { ApiClientCreatedDto, ApiClientViewDto } from './api-clients.responses.js';

export class CreateApiClientDto {
  @ApiProperty({ example: 'LMS sync' }) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @ApiProperty({ enum: API_SCOPES, isArray: true, example: ['sync:write', 'read'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2)
  @IsIn(API_SCOPES, { each: true })
  scopes: ApiScope[];
}

@ApiTags('integrations')
@ApiBearerAuth()
@StaffOnly()
@Roles('admin')
@Controller('api-clients')
export class ApiClientsController {
  constructor(private readonly clients: ApiClientsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API client; the key is in this response only' })
  @ApiCreatedResponse({ type: ApiClientCreatedDto })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateApiClientDto) {
    return this.clients.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List API clients (keys are never shown again)' })
  @ApiOkResponse({ type: [ApiClientViewDto] })
  list(@CurrentActor() actor: Actor) {
    return this.clients.list(actor);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Revoke an API client; its key stops working at once' })
  @ApiOkResponse({ type: ApiClientViewDto })
  revoke(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string) {
    return this.clients.revoke(actor, id);
  }
}
