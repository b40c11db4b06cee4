import { Global, Module } from '@nestjs/common';
import { OutboxService } from './outbox.service.js';
import { OutboxRelayService } from './outbox-relay.service.js';
import { OutboxRepository } from './outbox.repository.js';

@Global()
@Module({ providers: [OutboxService, OutboxRelayService, OutboxRepository], exports: [OutboxService, OutboxRelayService] })
export class OutboxModule {}
