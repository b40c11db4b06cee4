import { Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { Clock } from '../common/clock.js';
import { SyncRepository } from './sync.repository.js';

/** How many months beyond the current one always have an activity_events partition. */
export const PARTITION_MONTHS_AHEAD = 3;

/**
 * Keeps monthly partitions of activity_events ahead of time (docs/design.md §7: events partitioned by month so old
 * data can be detached). Idempotent: careloop_ensure_event_partition() (migration LearnerData) creates a
 * missing month and moves any rows the default partition caught for it.
 */
@Injectable()
export class PartitionsService {
  private readonly logger = new Logger(PartitionsService.name);

  constructor(
    private readonly repo: SyncRepository,
    private readonly clock: Clock,
  ) {}

  async ensureAhead(monthsAhead = PARTITION_MONTHS_AHEAD): Promise<{ created: string[] }> {
    const start = DateTime.fromJSDate(this.clock.now(), { zone: 'utc' }).startOf('month');
    const months = Array.from({ length: monthsAhead + 1 }, (_, i) => start.plus({ months: i }).toISODate()!);
    return this.ensureMonths(months);
  }

  /** Partitions for every month touched by [from, to] (used for back-fills and by the benchmark). */
  async ensureRange(from: Date, to: Date): Promise<{ created: string[] }> {
    const months: string[] = [];
    let m = DateTime.fromJSDate(from, { zone: 'utc' }).startOf('month');
    const end = DateTime.fromJSDate(to, { zone: 'utc' });
    while (m <= end) {
      months.push(m.toISODate()!);
      m = m.plus({ months: 1 });
    }
    return this.ensureMonths(months);
  }

  private async ensureMonths(months: string[]): Promise<{ created: string[] }> {
    const created: string[] = [];
    for (const month of months) {
      if (await this.repo.ensureEventPartition(month)) created.push(month.slice(0, 7));
    }
    if (created.length) this.logger.log(`created activity_events partitions ${created.join(', ')}`);
    return { created };
  }
}
