import { Module } from '@nestjs/common';
import { WebhooksRepository } from './webhooks.repository.js';
import { WebhooksService } from './webhooks.service.js';

@Module({ providers: [WebhooksRepository, WebhooksService], exports: [WebhooksService] })
export class WebhooksModule {}
