import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Weekday, WeeklyHours } from '../common/working-hours.js';

export interface StaleTicket {
  id: string;
  createdAt: Date;
  firstRespondedAt: Date | null;
  resolvedAt: Date | null;
  pausedMinutes: number;
  updatedAt: Date;
  calendar: { id: string; timezone: string; hours: WeeklyHours; holidays: string[]; workdays: string[]; makeUpHoursFrom: Weekday; updatedAt: Date } | null;
}

export interface TicketMetricRow {
  ticketId: string;
  firstResponseMinutes: number | null;
  resolutionMinutes: number | null;
  sourceUpdatedAt: Date;
  calendarUpdatedAt: Date | null;
}

export interface TicketFigures {
  category: string | null;
  priority: string | null;
  scope: 'overall' | 'category' | 'priority';
  tickets: number;
  stale: number;
  fr: { measured: number; p50: number | null; p90: number | null; met: number; breached: number; open: number };
  res: { measured: number; p50: number | null; p90: number | null; met: number; breached: number; open: number };
}

/** Ticket durations in business minutes (ticket_metrics) and the SLA report over tickets. */
@Injectable()
export class TicketMetricsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Tickets whose stored durations are missing or older than the ticket (or its calendar). */
  async stale(limit: number): Promise<StaleTicket[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `select t.id, t.created_at, t.first_responded_at, t.resolved_at, t.status, t.paused_minutes, t.updated_at,
              c.id as cal_id, c.timezone, c.hours, c.holidays, c.workdays, c.make_up_hours_from, c.updated_at as cal_updated_at
         from tickets t
         left join calendars c on c.id = t.calendar_id
         left join ticket_metrics m on m.ticket_id = t.id
        where m.ticket_id is null
           -- JavaScript dates carry milliseconds; compare at that precision
           or m.source_updated_at is distinct from date_trunc('milliseconds', t.updated_at)
           or m.calendar_updated_at is distinct from date_trunc('milliseconds', c.updated_at)
        order by t.id
        limit $1`,
      [limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      createdAt: r.created_at as Date,
      firstRespondedAt: (r.first_responded_at as Date) ?? null,
      resolvedAt: r.status === 'resolved' || r.status === 'closed' ? ((r.resolved_at as Date) ?? null) : null,
      pausedMinutes: Number(r.paused_minutes ?? 0),
      updatedAt: r.updated_at as Date,
      calendar: r.timezone
        ? {
            id: String(r.cal_id),
            timezone: String(r.timezone),
            hours: r.hours as WeeklyHours,
            holidays: (r.holidays as string[]) ?? [],
            workdays: (r.workdays as string[]) ?? [],
            makeUpHoursFrom: (r.make_up_hours_from as Weekday) ?? 'mon',
            updatedAt: r.cal_updated_at as Date,
          }
        : null,
    }));
  }

  async upsert(em: EntityManager, rows: TicketMetricRow[]): Promise<void> {
    if (!rows.length) return;
    await em.query(
      `insert into ticket_metrics (ticket_id, first_response_minutes, resolution_minutes, source_updated_at, calendar_updated_at, computed_at)
       select *, now() from unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::timestamptz[], $5::timestamptz[])
       on conflict (ticket_id) do update set
         first_response_minutes = excluded.first_response_minutes, resolution_minutes = excluded.resolution_minutes,
         source_updated_at = excluded.source_updated_at, calendar_updated_at = excluded.calendar_updated_at, computed_at = now()`,
      [
        rows.map((r) => r.ticketId),
        rows.map((r) => r.firstResponseMinutes),
        rows.map((r) => r.resolutionMinutes),
        rows.map((r) => r.sourceUpdatedAt),
        rows.map((r) => r.calendarUpdatedAt),
      ],
    );
  }

  /**
   * SLA figures overall, per category and per priority for tickets created in [from, to): p50/p90 of the
   * stored business-minute durations, and met / breached / still open (within target) per clock at `now`.
   */
  async report(now: Date, s: { teamIds: string[] | null; from: Date | null; to: Date | null; category?: string; priority?: string }): Promise<TicketFigures[]> {
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `with t as (
         select t.category, t.priority, t.status, t.first_response_due_at, t.first_responded_at, t.resolution_due_at, t.resolved_at,
                case when t.status = 'pending' and t.pending_since is not null then t.pending_since else $1 end as res_clock,
                t.status in ('resolved','closed') as finished,
                m.first_response_minutes as frm, m.resolution_minutes as rm,
                (m.ticket_id is null or m.source_updated_at is distinct from date_trunc('milliseconds', t.updated_at)) as stale
           from tickets t
           left join ticket_metrics m on m.ticket_id = t.id
          where ($2::uuid[] is null or t.team_id = any($2::uuid[]))
            and ($3::timestamptz is null or t.created_at >= $3) and ($4::timestamptz is null or t.created_at < $4)
            and ($5::text is null or t.category = $5) and ($6::text is null or t.priority = $6)
            and t.created_at <= $1
       )
       select grouping(category) as g_cat, grouping(priority) as g_pri, category, priority,
              count(*)::int as tickets,
              count(*) filter (where stale)::int as stale,
              count(frm)::int as fr_n,
              percentile_cont(0.5) within group (order by frm) as fr_p50,
              percentile_cont(0.9) within group (order by frm) as fr_p90,
              count(*) filter (where first_responded_at is not null and first_response_due_at is not null and first_responded_at <= first_response_due_at)::int as fr_met,
              count(*) filter (where first_response_due_at is not null and coalesce(first_responded_at, $1) > first_response_due_at)::int as fr_breached,
              count(*) filter (where first_response_due_at is not null and first_responded_at is null and $1 <= first_response_due_at)::int as fr_open,
              count(rm)::int as res_n,
              percentile_cont(0.5) within group (order by rm) as res_p50,
              percentile_cont(0.9) within group (order by rm) as res_p90,
              count(*) filter (where finished and resolution_due_at is not null and coalesce(resolved_at, $1) <= resolution_due_at)::int as res_met,
              count(*) filter (where resolution_due_at is not null and ((finished and coalesce(resolved_at, $1) > resolution_due_at) or (not finished and res_clock > resolution_due_at)))::int as res_breached,
              count(*) filter (where resolution_due_at is not null and not finished and res_clock <= resolution_due_at)::int as res_open
         from t
        group by grouping sets ((), (category), (priority))
        order by 1 desc, 2 desc, 3, 4`,
      [now, s.teamIds, s.from, s.to, s.category ?? null, s.priority ?? null],
    );
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return rows.map((r) => ({
      scope: Number(r.g_cat) === 1 && Number(r.g_pri) === 1 ? 'overall' : Number(r.g_cat) === 0 ? 'category' : 'priority',
      category: (r.category as string) ?? null,
      priority: (r.priority as string) ?? null,
      tickets: Number(r.tickets),
      stale: Number(r.stale),
      fr: { measured: Number(r.fr_n), p50: num(r.fr_p50), p90: num(r.fr_p90), met: Number(r.fr_met), breached: Number(r.fr_breached), open: Number(r.fr_open) },
      res: {
        measured: Number(r.res_n),
        p50: num(r.res_p50),
        p90: num(r.res_p90),
        met: Number(r.res_met),
        breached: Number(r.res_breached),
        open: Number(r.res_open),
      },
    }));
  }
}
