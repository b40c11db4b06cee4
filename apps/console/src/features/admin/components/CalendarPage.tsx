import { useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorState, Loading } from '../../../components/ErrorState';
import { Field } from '../../../components/Field';
import { useFieldErrors } from '../../../components/form-errors';
import { useI18n } from '../../../i18n/i18n';
import { dayKind, monthDays, shiftMonth, useCalendar, useUpdateCalendar, WEEKDAYS, type CalendarView } from '../api/calendars';
import { PresetBox } from './PresetBox';

/**
 * One calendar: a month at a time (in the URL, `?month=2026-10`) with each day in words and colour (holiday,
 * make-up working day, working day, day off), China's public holidays loaded for chosen years, and single days added.
 */
export function CalendarPage() {
  const { t, locale } = useI18n();
  const { calendarId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : new Date().toISOString().slice(0, 7);
  const calendar = useCalendar(calendarId);
  const update = useUpdateCalendar(calendarId);
  const [loaded, setLoaded] = useState<string>();
  if (calendar.isPending) return <Loading />;
  if (calendar.isError) return <ErrorState error={calendar.error} retry={() => calendar.refetch()} notFoundKey="calendar.notFound" />;
  const cal = calendar.data;
  const load = (years: number[]) => {
    const before = { h: cal.holidays.length, w: cal.workdays.length };
    update.mutate(
      { preset: 'cn', years },
      {
        onSuccess: (v) =>
          setLoaded(t('calendar.preset.loaded', { years: years.join(', '), holidays: v.holidays.length - before.h, workdays: v.workdays.length - before.w })),
      },
    );
  };
  return (
    <section className="page" aria-labelledby="calendar-title">
      <div className="page-head">
        <div>
          <h1 id="calendar-title">{cal.name}</h1>
          <p className="muted">
            {cal.timezone} · {t('calendar.counts', { holidays: cal.holidays.length, workdays: cal.workdays.length })}
          </p>
        </div>
        <Link to="/admin/calendars">{t('calendar.back')}</Link>
      </div>
      <div className="calendar-layout">
        <div className="card">
          <div className="month-nav">
            <button type="button" onClick={() => setParams({ month: shiftMonth(month, -1) })} aria-label={t('calendar.month.prev')}>
              ‹
            </button>
            <h2 id="month-title">{monthTitle(month)}</h2>
            <button type="button" onClick={() => setParams({ month: shiftMonth(month, 1) })} aria-label={t('calendar.month.next')}>
              ›
            </button>
          </div>
          <MonthGrid cal={cal} month={month} />
          <ul className="legend" aria-label={t('calendar.legend')}>
            {(['holiday', 'makeup', 'working', 'off'] as const).map((k) => (
              <li key={k} className={`day-${k}`}>
                {t(`calendar.day.${k}`)}
              </li>
            ))}
          </ul>
        </div>
        <div>
          <PresetBox pending={update.isPending} error={update.error} onLoad={load} />
          {loaded && !update.error && (
            <p className="notice" role="status">
              {loaded}
            </p>
          )}
          <AddDay cal={cal} />
        </div>
      </div>
    </section>
  );

  function monthTitle(m: string) {
    return new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${m}-01T00:00:00Z`));
  }
}

function MonthGrid({ cal, month }: { cal: CalendarView; month: string }) {
  const { t } = useI18n();
  const { days, firstWeekday } = monthDays(month);
  const cells: Array<string | null> = [...Array(firstWeekday).fill(null), ...days];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const label = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
  return (
    <table className="month-grid" aria-label={label}>
      <thead>
        <tr>
          {WEEKDAYS.map((wd) => (
            <th key={wd} scope="col">
              {t(`weekday.short.${wd}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week, i) => (
          <tr key={i}>
            {week.map((date, j) => {
              if (!date) return <td key={j} className="day-empty" />;
              const kind = dayKind(cal, date);
              return (
                <td key={date} className={`day day-${kind}`} data-date={date}>
                  <span className="day-number">{Number(date.slice(8))}</span>
                  <span className="day-kind">{t(`calendar.day.${kind}`)}</span>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One date as a holiday or a make-up working day (or back to an ordinary day). */
function AddDay({ cal }: { cal: CalendarView }) {
  const { t, a11y } = useI18n();
  const update = useUpdateCalendar(cal.id);
  const [date, setDate] = useState('');
  const [kind, setKind] = useState<'holiday' | 'makeup' | 'ordinary'>('holiday');
  const [local, setLocal] = useState<Record<string, string>>({});
  const { fieldError } = useFieldErrors(update.error, local);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return setLocal({ date: t('calendar.addDay.date.invalid') });
    setLocal({});
    const holidays = cal.holidays.filter((d) => d !== date);
    const workdays = cal.workdays.filter((d) => d !== date);
    if (kind === 'holiday') holidays.push(date);
    if (kind === 'makeup') workdays.push(date);
    update.mutate({ holidays, workdays }, { onSuccess: () => setDate('') });
  };
  return (
    <form className="card form-grid" onSubmit={submit} noValidate aria-labelledby="add-day-title">
      <h2 id="add-day-title">{t('calendar.addDay')}</h2>
      <Field label={t('calendar.addDay.date')} accessibleName="Date" error={local.date ?? fieldError('holidays') ?? fieldError('workdays')}>
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
      </Field>
      <Field label={t('calendar.addDay.kind')} accessibleName="Kind of day">
        <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
          <option value="holiday">{t('calendar.day.holiday')}</option>
          <option value="makeup">{t('calendar.day.makeup')}</option>
          <option value="ordinary">{t('calendar.addDay.ordinary')}</option>
        </select>
      </Field>
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={update.isPending} aria-label={a11y(t('action.save'), 'Save day')}>
          {update.isPending ? t('state.saving') : t('action.save')}
        </button>
      </div>
    </form>
  );
}
