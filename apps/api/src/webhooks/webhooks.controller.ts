import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../../../libs/access/actor.js';
import { CurrentActor, Roles, StaffOnly } from '../http/decorators.js';
import { WebhooksService } from '../../../../libs/webhooks/webhooks.service.js';
import { PageQueryDto } from '../http/pagination.dto.js';
import { UuidPipe } from '../http/uuid-param.pipe.js';
import { CreateWebhookDto, RedeliverDto, UpdateWebhookDto } from './webhooks.dto.js';
import { DeliveryPageDto, RedeliveryDto, WebhookViewDto } from './webhooks.responses.js';
import { ApiConflict } from '../openapi.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@StaffOnly()
@Roles('admin')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe a URL to events; deliveries are signed with the secret (admin)' })
  @ApiCreatedResponse({ type: WebhookViewDto })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Webhooks (admin)' })
  @ApiOkResponse({ type: [WebhookViewDto] })
  list(@CurrentActor() actor: Actor) {
    return this.webhooks.list(actor);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change or re-enable a webhook (admin)' })
  @ApiOkResponse({ type: WebhookViewDto })
  update(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(actor, id, dto);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery log, newest first, with every attempt (admin)' })
  @ApiOkResponse({ type: DeliveryPageDto })
  deliveries(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Query() q: PageQueryDto) {
    return this.webhooks.deliveries(actor, id, q);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a failed or skipped delivery again with fresh attempts (admin, audited); a pending one is left on its way' })
  @ApiAcceptedResponse({ type: RedeliveryDto })
  @ApiConflict('The delivery was delivered already, or the webhook is disabled')
  redeliver(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string, @Param('deliveryId', UuidPipe) deliveryId: string, @Body() dto: RedeliverDto) {
    return this.webhooks.redeliver(actor, id, deliveryId, dto?.reason);
  }
}
