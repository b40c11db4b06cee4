import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { CaseIntakeService } from '../../../../libs/cases/case-intake.service.js';
import { OutboxRelayService } from '../../../../libs/outbox/outbox-relay.service.js';
import { QueueService } from '../../../../libs/queue/queue.service.js';

/** Prometheus metrics: HTTP latency, queue depths, outbox and case intake backlogs, plus Node's defaults. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor(queues: QueueService, outbox: OutboxRelayService, intake: CaseIntakeService) {
    collectDefaultMetrics({ register: this.registry, prefix: 'careloop_' });
    this.httpDuration = new Histogram({
      name: 'careloop_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    new Gauge({
      name: 'careloop_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        for (const q of queues.allQueues()) {
          try {
            const counts = await q.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
            for (const [state, n] of Object.entries(counts)) this.set({ queue: q.name, state }, n);
          } catch {
            /* Redis down: leave the last values; /health/ready reports the outage */
          }
        }
      },
    });
    backlogGauge(this.registry, 'careloop_outbox_backlog', 'Outbox rows not yet relayed to the queue', () => outbox.backlog());
    backlogGauge(this.registry, 'careloop_case_intake_backlog', 'Open alerts waiting to become (or join) a case', () => intake.backlog());
  }
}

/** A gauge read from the database at scrape time; left at its last value while the database is down. */
function backlogGauge(registry: Registry, name: string, help: string, read: () => Promise<number>): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      try {
        this.set(await read());
      } catch {
        /* database down: /health/ready reports it */
      }
    },
  });
}
