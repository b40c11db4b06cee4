import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Weekday, WeeklyHours } from '../common/working-hours.js';
import type { BusinessCalendar } from '../common/business-time.js';
import type { CalendarView, SlaPolicyView, TicketCategory, TicketPriority } from './ticket.types.js';

export interface CalendarRow {
  id: string;
  name: string;
  timezone: string;
  hours: WeeklyHours;
  holidays: string[];
  workdays: string[];
  make_up_hours_from: Weekday;
  created_at: Date;
  updated_at: Date;
}

export interface SlaPolicyRow {
  id: string;
  name: string;
  position: number;
  match_category: TicketCategory | null;
  match_priority: TicketPriority | null;
  calendar_id: string;
  first_response_minutes: number;
  resolution_minutes: number;
  created_at: Date;
  updated_at: Date;
}

export function toCalendarView(r: CalendarRow): CalendarView {
  return {
    id: r.id,
    name: r.name,
    timezone: r.timezone,
    hours: r.hours,
    holidays: r.holidays,
    workdays: r.workdays,
    makeUpHoursFrom: r.make_up_hours_from,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

export function toBusinessCalendar(r: CalendarRow): BusinessCalendar {
  return { timezone: r.timezone, hours: r.hours, holidays: r.holidays, workdays: r.workdays, makeUpHoursFrom: r.make_up_hours_from };
}

export function toSlaPolicyView(r: SlaPolicyRow): SlaPolicyView {
  const match: SlaPolicyView['match'] = {};
  if (r.match_category) match.category = r.match_category;
  if (r.match_priority) match.priority = r.match_priority;
  return {
    id: r.id,
    name: r.name,
    position: r.position,
    match,
    calendarId: r.calendar_id,
    firstResponseMinutes: r.first_response_minutes,
    resolutionMinutes: r.resolution_minutes,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

const CAL_COLS = 'id, name, timezone, hours, holidays, workdays, make_up_hours_from, created_at, updated_at';
const SLA_COLS = 'id, name, position, match_category, match_priority, calendar_id, first_response_minutes, resolution_minutes, created_at, updated_at';

/** Calendars, SLA policies and category routes: the desk's configuration tables. */
@Injectable()
export class DeskConfigRepository {
  constructor(private readonly dataSource: DataSource) {}

  private q(em?: EntityManager) {
    return em ?? this.dataSource.manager;
  }

  async findCalendar(id: string, em?: EntityManager): Promise<CalendarRow | null> {
    const [row] = await this.q(em).query(`select ${CAL_COLS} from calendars where id = $1`, [id]);
    return row ?? null;
  }

  async calendarNameTaken(name: string, exceptId: string | null, em: EntityManager): Promise<boolean> {
    const rows = await em.query(`select 1 from calendars where lower(name) = lower($1) and id is distinct from $2`, [name, exceptId]);
    return rows.length > 0;
  }

  async insertCalendar(em: EntityManager, c: Omit<CalendarRow, 'id' | 'created_at' | 'updated_at'>): Promise<CalendarRow> {
    const [row] = await em.query(
      `insert into calendars (name, timezone, hours, holidays, workdays, make_up_hours_from)
       values ($1, $2, $3, $4, $5, $6) returning ${CAL_COLS}`,
      [c.name, c.timezone, JSON.stringify(c.hours), c.holidays, c.workdays, c.make_up_hours_from],
    );
    return row;
  }

  async updateCalendar(em: EntityManager, id: string, c: Omit<CalendarRow, 'id' | 'created_at' | 'updated_at'>): Promise<CalendarRow> {
    const [[row]] = await em.query(
      `update calendars set name = $2, timezone = $3, hours = $4, holidays = $5, workdays = $6, make_up_hours_from = $7, updated_at = now()
       where id = $1 returning ${CAL_COLS}`,
      [id, c.name, c.timezone, JSON.stringify(c.hours), c.holidays, c.workdays, c.make_up_hours_from],
    );
    return row;
  }

  listCalendars(): Promise<CalendarRow[]> {
    return this.dataSource.query(`select ${CAL_COLS} from calendars order by name, id`);
  }

  async findPolicy(id: string, em?: EntityManager): Promise<SlaPolicyRow | null> {
    const [row] = await this.q(em).query(`select ${SLA_COLS} from sla_policies where id = $1`, [id]);
    return row ?? null;
  }

  listPolicies(): Promise<SlaPolicyRow[]> {
    return this.dataSource.query(`select ${SLA_COLS} from sla_policies order by position, id`);
  }

  /** The first policy by position whose match fits; null fields match anything. */
  async matchPolicy(em: EntityManager, category: TicketCategory, priority: TicketPriority): Promise<{ policy: SlaPolicyRow; calendar: CalendarRow } | null> {
    const [policy]: SlaPolicyRow[] = await em.query(
      `select ${SLA_COLS} from sla_policies
        where (match_category is null or match_category = $1) and (match_priority is null or match_priority = $2)
        order by position limit 1`,
      [category, priority],
    );
    if (!policy) return null;
    const calendar = await this.findCalendar(policy.calendar_id, em);
    return calendar ? { policy, calendar } : null;
  }

  async policyConflict(em: EntityManager, name: string, position: number, exceptId: string | null): Promise<'name' | 'position' | null> {
    const rows: Array<{ name: string; position: number }> = await em.query(
      `select name, position from sla_policies where (lower(name) = lower($1) or position = $2) and id is distinct from $3`,
      [name, position, exceptId],
    );
    if (rows.some((r) => r.name.toLowerCase() === name.toLowerCase())) return 'name';
    return rows.length ? 'position' : null;
  }

  async insertPolicy(em: EntityManager, p: Omit<SlaPolicyRow, 'id' | 'created_at' | 'updated_at'>): Promise<SlaPolicyRow> {
    const [row] = await em.query(
      `insert into sla_policies (name, position, match_category, match_priority, calendar_id, first_response_minutes, resolution_minutes)
       values ($1, $2, $3, $4, $5, $6, $7) returning ${SLA_COLS}`,
      [p.name, p.position, p.match_category, p.match_priority, p.calendar_id, p.first_response_minutes, p.resolution_minutes],
    );
    return row;
  }

  async updatePolicy(em: EntityManager, id: string, p: Omit<SlaPolicyRow, 'id' | 'created_at' | 'updated_at'>): Promise<SlaPolicyRow> {
    const [[row]] = await em.query(
      `update sla_policies set name = $2, position = $3, match_category = $4, match_priority = $5, calendar_id = $6,
              first_response_minutes = $7, resolution_minutes = $8, updated_at = now()
        where id = $1 returning ${SLA_COLS}`,
      [id, p.name, p.position, p.match_category, p.match_priority, p.calendar_id, p.first_response_minutes, p.resolution_minutes],
    );
    return row;
  }

  listRoutes(): Promise<Array<{ category: TicketCategory; team_id: string; updated_at: Date }>> {
    return this.dataSource.query(`select category, team_id, updated_at from ticket_routes order by category`);
  }

  async routeFor(em: EntityManager, category: TicketCategory): Promise<string | null> {
    const [row] = await em.query(`select team_id from ticket_routes where category = $1`, [category]);
    return row?.team_id ?? null;
  }

  async upsertRoutes(em: EntityManager, routes: Array<{ category: TicketCategory; teamId: string | null }>): Promise<void> {
    const set = routes.filter((r) => r.teamId);
    const clear = routes.filter((r) => !r.teamId).map((r) => r.category);
    if (set.length) {
      await em.query(
        `insert into ticket_routes (category, team_id) select * from unnest($1::text[], $2::uuid[])
         on conflict (category) do update set team_id = excluded.team_id, updated_at = now()
         where ticket_routes.team_id is distinct from excluded.team_id`,
        [set.map((r) => r.category), set.map((r) => r.teamId)],
      );
    }
    if (clear.length) await em.query(`delete from ticket_routes where category = any($1::text[])`, [clear]);
  }

  async existingTeams(em: EntityManager, ids: string[]): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await em.query(`select id from teams where id = any($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /** Locks a calendar for a change; false when there is none. */
  async lockCalendar(em: EntityManager, id: string): Promise<boolean> {
    return (await em.query(`select id from calendars where id = $1 for update`, [id])).length > 0;
  }

  /** SLA policies change one at a time (their positions are checked against each other). */
  async lockPolicies(em: EntityManager): Promise<void> {
    await em.query(`lock table sla_policies in share row exclusive mode`);
  }

  /** The routes as they are, locked for replacing them. */
  async lockRoutes(em: EntityManager): Promise<Array<{ category: string; team_id: string }>> {
    return em.query(`select category, team_id from ticket_routes for update`);
  }
}
