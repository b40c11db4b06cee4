import { useI18n } from '../../../i18n/i18n';
import { intervalsText, parseIntervals, WEEKDAYS, type Weekday, type WeeklyHours } from '../api/calendars';

/**
 * The weekly hours, one line per weekday: "09:00-12:00, 13:30-17:30" (several intervals a day for split shifts, empty
 * for a day off). `texts` is what the person typed; `invalid` marks a line that is not intervals.
 */
export function HoursEditor({ texts, onChange, error }: { texts: Record<Weekday, string>; onChange(texts: Record<Weekday, string>): void; error?: string }) {
  const { t, a11y } = useI18n();
  return (
    <fieldset className="hours-editor">
      <legend>{t('calendar.hours')}</legend>
      <p className="field-hint">{t('calendar.hours.hint')}</p>
      {WEEKDAYS.map((wd) => {
        const invalid = parseIntervals(texts[wd]) === undefined;
        return (
          <label key={wd} className="hours-row">
            <span>{t(`weekday.${wd}`)}</span>
            <input
              type="text"
              value={texts[wd]}
              aria-label={a11y(t(`weekday.${wd}`), `Hours on ${WEEKDAY_EN[wd]}`)}
              aria-invalid={invalid || undefined}
              placeholder={t('calendar.hours.off')}
              onChange={(e) => onChange({ ...texts, [wd]: e.target.value })}
            />
            {invalid && <span className="field-error">{t('calendar.hours.invalid')}</span>}
          </label>
        );
      })}
      {error && <span className="field-error">{error}</span>}
    </fieldset>
  );
}

const WEEKDAY_EN: Record<Weekday, string> = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' };

export function hoursTexts(hours: WeeklyHours | undefined): Record<Weekday, string> {
  return Object.fromEntries(WEEKDAYS.map((wd) => [wd, intervalsText((hours as Record<string, string[][]> | undefined)?.[wd])])) as Record<Weekday, string>;
}

/** The typed lines as weekly hours, or undefined while a line is not intervals. */
export function hoursFromTexts(texts: Record<Weekday, string>): WeeklyHours | undefined {
  const out: Record<string, string[][]> = {};
  for (const wd of WEEKDAYS) {
    const intervals = parseIntervals(texts[wd]);
    if (!intervals) return undefined;
    if (intervals.length) out[wd] = intervals;
  }
  return out as WeeklyHours;
}
