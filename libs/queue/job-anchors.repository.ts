import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobAnchor } from './jobs.js';

/** Does this database have the rows a job is about? (see JOB_ANCHOR in jobs.ts) */
@Injectable()
export class JobAnchorsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** True when at least one of the anchored rows exists here. */
  async present(anchor: JobAnchor): Promise<boolean> {
    if (anchor.table === 'outbox') {
      const rows: unknown[] = await this.dataSource.query(
        `select 1 from outbox o join unnest($1::bigint[], $2::text[]) as e(id, aggregate_id) on o.id = e.id and o.aggregate_id = e.aggregate_id limit 1`,
        [anchor.events.map((e) => e.id), anchor.events.map((e) => e.aggregateId)],
      );
      return rows.length > 0;
    }
    // The table comes from the closed JobAnchor union, never from job data.
    const rows: unknown[] = await this.dataSource.query(`select 1 from ${anchor.table} where id = any($1::uuid[]) limit 1`, [anchor.ids]);
    return rows.length > 0;
  }
}
