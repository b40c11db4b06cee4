import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../../../libs/config/index.js';
import { OutboxRelayService } from '../../../../libs/outbox/outbox-relay.service.js';

/** The channel the outbox insert trigger notifies (migration OutboxNotify). */
export const OUTBOX_CHANNEL = 'careloop_outbox';
const RELISTEN_MS = 5000;

/**
 * Drains the outbox batch by batch whenever events commit: one pooled connection LISTENs on `careloop_outbox`, which
 * a trigger notifies at every commit that wrote outbox rows. A poll every OUTBOX_POLL_MS covers a lost connection or
 * notification; if listening fails, polling alone carries on and listening is retried every few seconds.
 */
@Injectable()
export class OutboxRelaySchedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private running = false;
  private again = false;
  private lastError = '';
  private listener: PoolClient | null = null;
  private relisten: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly relay: OutboxRelayService,
    private readonly scheduler: SchedulerRegistry,
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      'outbox-relay',
      setInterval(() => void this.tick(), this.config.outboxPollMs),
    );
    void this.listen();
  }

  /** Before the database module closes its pool, which waits for checked-out connections such as the listener. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.scheduler.doesExist('interval', 'outbox-relay')) this.scheduler.deleteInterval('outbox-relay');
    if (this.relisten) clearTimeout(this.relisten);
    const client = this.listener;
    this.listener = null;
    if (client && !this.released.has(client)) {
      this.released.add(client);
      client.removeAllListeners('notification');
      await client.query(`unlisten ${OUTBOX_CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }

  async tick(): Promise<void> {
    if (this.running) {
      // Events committed while a drain is under way: drain once more when it ends, so none waits for the next poll.
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        while ((await this.relay.relayBatch()) > 0) {
          /* keep draining while batches come back */
        }
      } while (this.again && !this.stopped);
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

  private async listen(): Promise<void> {
    if (this.stopped || this.listener) return;
    let client: PoolClient | null = null;
    try {
      const pool = (this.dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } }).master;
      client = await pool.connect();
      client.on('notification', () => void this.tick());
      client.on('error', (e) => this.lost(client!, e));
      await client.query(`listen ${OUTBOX_CHANNEL}`);
      if (this.stopped) {
        client.release();
        return;
      }
      this.listener = client;
    } catch (e) {
      if (client) this.lost(client, e as Error);
      else this.retryListen(e as Error);
    }
  }

  private readonly released = new WeakSet<PoolClient>();

  private lost(client: PoolClient, e: Error): void {
    if (this.released.has(client)) return;
    this.released.add(client);
    if (this.listener === client) this.listener = null;
    client.removeAllListeners('notification');
    // Release with the error: the pool discards the broken connection instead of handing it out again.
    client.release(e);
    this.retryListen(e);
  }

  private retryListen(e: Error): void {
    if (this.stopped) return;
    this.logger.warn(
      `not listening for outbox notifications (${e.message}); polling every ${this.config.outboxPollMs} ms, retrying in ${RELISTEN_MS / 1000} s`,
    );
    if (this.relisten) clearTimeout(this.relisten);
    this.relisten = setTimeout(() => {
      this.relisten = null;
      void this.listen();
    }, RELISTEN_MS);
  }
}
