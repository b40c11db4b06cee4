import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type CalendarView = Schemas['CalendarViewDto'];
export type CreateCalendarBody = Schemas['CreateCalendarDto'];
export type UpdateCalendarBody = Schemas['UpdateCalendarDto'];
export type WeeklyHours = CalendarView['hours'];
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export function useCalendars() {
  return useQuery({ queryKey: ['calendars'], queryFn: ({ signal }) => call(api.GET('/api/v1/calendars', { signal })) });
}

export function useCalendar(id: string) {
  return useQuery({ queryKey: ['calendars', id], queryFn: ({ signal }) => call(api.GET('/api/v1/calendars/{id}', { params: { path: { id } }, signal })) });
}

export function useCreateCalendar() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateCalendarBody) => call(api.POST('/api/v1/calendars', { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['calendars'] }),
  });
}

export function useUpdateCalendar(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateCalendarBody) => call(api.PATCH('/api/v1/calendars/{id}', { params: { path: { id } }, body })),
    onSuccess: (view) => {
      client.setQueryData(['calendars', id], view);
      void client.invalidateQueries({ queryKey: ['calendars'], exact: true });
    },
  });
}

/** "09:00-12:00, 13:30-17:30" ⇄ [["09:00","12:00"],["13:30","17:30"]]: split shifts as text, one line per weekday. */
export function intervalsText(intervals: string[][] | undefined): string {
  return (intervals ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}

export function parseIntervals(text: string): string[][] | undefined {
  const parts = text
    .split(/[,，;；]/)
    .map((p) => p.trim())
    .filter(Boolean);
  const out: string[][] = [];
  for (const p of parts) {
    const m = /^(\d{1,2}:\d{2})\s*[-–~至到]\s*(\d{1,2}:\d{2})$/.exec(p);
    if (!m) return undefined;
    out.push([m[1].padStart(5, '0'), m[2].padStart(5, '0')]);
  }
  return out;
}

export type DayKind = 'holiday' | 'makeup' | 'working' | 'off';

/** What a calendar says of one date: a holiday, a make-up working day, an ordinary working day, or a day off. */
export function dayKind(cal: Pick<CalendarView, 'holidays' | 'workdays' | 'hours'>, date: string): DayKind {
  if (cal.holidays.includes(date)) return 'holiday';
  if (cal.workdays.includes(date)) return 'makeup';
  const wd = WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
  return (cal.hours as Record<string, string[][] | undefined>)[wd]?.length ? 'working' : 'off';
}

/** The dates of a month as YYYY-MM-DD, with the weekday (0 = Monday) of the first. */
export function monthDays(month: string): { days: string[]; firstWeekday: number } {
  const [y, m] = month.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1, 1));
  const days: string[] = [];
  for (let d = new Date(first); d.getUTCMonth() === m - 1; d.setUTCDate(d.getUTCDate() + 1)) days.push(d.toISOString().slice(0, 10));
  return { days, firstWeekday: (first.getUTCDay() + 6) % 7 };
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  return d.toISOString().slice(0, 7);
}
