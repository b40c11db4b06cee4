import { useI18n } from '../../../i18n/i18n';

/** YYYY-MM-DD ± days, as calendar dates (no time zone involved). */
export function shiftDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function DateNav({ date, onChange, isToday }: { date: string; onChange(date: string | undefined): void; isToday: boolean }) {
  const { t, locale } = useI18n();
  const weekday = new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
  return (
    <div className="date-nav" role="group" aria-label={t('queue.date.group')}>
      <button type="button" onClick={() => onChange(shiftDate(date, -1))} aria-label={t('queue.date.prev')}>
        ‹
      </button>
      <label>
        <span className="visually-hidden">{t('queue.date.label')}</span>
        <input type="date" value={date} onChange={(e) => e.target.value && onChange(e.target.value)} />
      </label>
      <span className="weekday">{weekday}</span>
      <button type="button" onClick={() => onChange(shiftDate(date, 1))} aria-label={t('queue.date.next')}>
        ›
      </button>
      <button type="button" onClick={() => onChange(undefined)} disabled={isToday}>
        {t('queue.date.today')}
      </button>
    </div>
  );
}
