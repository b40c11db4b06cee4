import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/index.js';
import { OutboxRelayService } from '../../../../libs/outbox/outbox-relay.service.js';

/** Polls the outbox every OUTBOX_POLL_MS and drains it batch by batch. */
@Injectable()
export class OutboxRelaySchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private running = false;
  private lastError = '';

  constructor(
    private readonly relay: OutboxRelayService,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval('outbox-relay', setInterval(() => void this.tick(), this.config.outboxPollMs));
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', 'outbox-relay')) this.scheduler.deleteInterval('outbox-relay');
  }

  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while ((await this.relay.relayBatch()) > 0) {
        /* keep draining while full batches come back */
      }
      if (this.lastError) this.logger.log('outbox relay recovered');
      this.lastError = '';
    } catch (e) {
      const msg = (e as Error).message;
      if (msg !== this.lastError) this.logger.warn(`outbox relay paused: ${msg}; will retry`);
      this.lastError = msg;
    } finally {
      this.running = false;
    }
  }
}
