import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isAdmin, type Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError } from '../common/domain-error.js';
import type { Weekday, WeeklyHours } from '../common/working-hours.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { validateCalendar } from '../common/business-time.js';
import { DeskConfigRepository, toCalendarView } from './desk-config.repository.js';
import { presetDays, presetYears, type HolidayPreset } from './holiday-presets.js';
import type { CalendarView } from './ticket.types.js';

export interface CalendarInput {
  name: string;
  timezone?: string;
  hours: WeeklyHours;
  holidays?: string[];
  workdays?: string[];
  makeUpHoursFrom?: Weekday;
  /** Official public holidays to add for `years`: `cn`, mainland China's days off and make-up working days. */
  preset?: HolidayPreset;
  years?: number[];
}

/** Business-hours calendars for SLA clocks. Changing one affects tickets opened (or re-timed) afterwards. */
@Injectable()
export class CalendarsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: DeskConfigRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(actor: Actor, input: CalendarInput): Promise<CalendarView> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can manage calendars');
    const data = this.normalize(withPreset(input));
    return this.dataSource.transaction(async (em) => {
      if (await this.repo.calendarNameTaken(data.name, null, em)) throw DomainError.conflict(`A calendar named "${data.name}" already exists`);
      const row = await this.repo.insertCalendar(em, data);
      const view = toCalendarView(row);
      await this.audit.record(em, { actor, action: 'calendar.created', entity: 'calendar', entityId: row.id, after: view });
      return view;
    });
  }

  async update(actor: Actor, id: string, patch: Partial<CalendarInput>): Promise<CalendarView> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can manage calendars');
    return this.dataSource.transaction(async (em) => {
      if (!(await this.repo.lockCalendar(em, id))) throw DomainError.notFound('calendar', id);
      const before = toCalendarView((await this.repo.findCalendar(id, em))!);
      const data = this.normalize(withPreset({ ...before, ...patch }));
      if (await this.repo.calendarNameTaken(data.name, id, em)) throw DomainError.conflict(`A calendar named "${data.name}" already exists`);
      const view = toCalendarView(await this.repo.updateCalendar(em, id, data));
      await this.audit.record(em, { actor, action: 'calendar.updated', entity: 'calendar', entityId: id, before, after: view });
      return view;
    });
  }

  async list(): Promise<CalendarView[]> {
    return (await this.repo.listCalendars()).map(toCalendarView);
  }

  async get(id: string): Promise<CalendarView> {
    const row = await this.repo.findCalendar(id);
    if (!row) throw DomainError.notFound('calendar', id);
    return toCalendarView(row);
  }

  private normalize(input: Omit<CalendarInput, 'preset' | 'years'>) {
    const errors = validateCalendar(input);
    if (errors.length) throw DomainError.validation(errors);
    return {
      name: input.name.trim(),
      timezone: input.timezone ?? this.config.schoolTimezone,
      hours: input.hours,
      holidays: [...new Set(input.holidays ?? [])].sort(),
      workdays: [...new Set(input.workdays ?? [])].sort(),
      make_up_hours_from: input.makeUpHoursFrom ?? ('mon' as Weekday),
    };
  }
}

/**
 * Adds a preset's days off and make-up working days for the given years to the calendar's own (the admin's days are
 * kept: a preset only adds). A year the preset does not hold is refused by name, so it is never silently left empty.
 */
function withPreset<T extends CalendarInput>(input: T): Omit<T, 'preset' | 'years'> {
  const { preset, years, ...rest } = input;
  if (!preset) {
    if (years !== undefined) throw DomainError.field('years', 'needs a preset (years say which years of the preset to load)');
    return rest;
  }
  if (!years?.length) throw DomainError.field('years', 'which years of the preset to load, for example [2026]');
  const days = presetDays(preset, years);
  if (days.missing.length) {
    const held = presetYears(preset);
    throw DomainError.field(
      'years',
      `${days.missing.join(', ')}: the official holidays of mainland China for ${days.missing.length > 1 ? 'these years are' : 'this year are'} not in careloop's data yet (it holds ${held[0]}–${held[held.length - 1]}); add the days off to holidays and the make-up working days to workdays by hand`,
    );
  }
  return { ...rest, holidays: [...(rest.holidays ?? []), ...days.holidays], workdays: [...(rest.workdays ?? []), ...days.workdays] };
}
