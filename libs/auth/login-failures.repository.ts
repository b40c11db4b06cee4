import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface RecentFailures {
  /** Failures of this email from this address within the window, and the latest. */
  pairN: number;
  pairLast: Date | null;
  /** Failures from this address, any email. */
  ipN: number;
  ipLast: Date | null;
  /** The database's clock, which the timestamps above are on. */
  now: Date;
}

/** The login_failures table: the login throttle's memory (auth.service.ts decides what it means). */
@Injectable()
export class LoginFailuresRepository {
  constructor(private readonly dataSource: DataSource) {}

  async recent(email: string, address: string | null, windowSeconds: number): Promise<RecentFailures> {
    const [t] = await this.dataSource.query(
      `select count(*) filter (where lower(email) = lower($1) and ip is not distinct from $2)::int as pair_n,
              max(failed_at) filter (where lower(email) = lower($1) and ip is not distinct from $2) as pair_last,
              count(*) filter (where ip is not distinct from $2)::int as ip_n,
              max(failed_at) filter (where ip is not distinct from $2) as ip_last,
              now() as now
         from login_failures
        where failed_at > now() - make_interval(secs => $3) and (lower(email) = lower($1) or ip is not distinct from $2)`,
      [email, address, windowSeconds],
    );
    return { pairN: t.pair_n, pairLast: t.pair_last, ipN: t.ip_n, ipLast: t.ip_last, now: new Date(t.now) };
  }

  async record(em: EntityManager, email: string, address: string | null): Promise<void> {
    await em.query(`insert into login_failures (email, ip) values ($1, $2)`, [email, address]);
  }

  /** Forgets this pair's failures after a success, and everyone's older than the window. */
  async clear(em: EntityManager, email: string, address: string | null, windowSeconds: number): Promise<void> {
    await em.query(
      `delete from login_failures where (lower(email) = lower($1) and ip is not distinct from $2) or failed_at < now() - make_interval(secs => $3)`,
      [email, address, windowSeconds],
    );
  }
}
