import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { Field } from '../../../components/Field';
import { useFieldErrors } from '../../../components/form-errors';
import { useI18n } from '../../../i18n/i18n';
import { useCalendars, useCreateCalendar, type CreateCalendarBody, type Weekday } from '../api/calendars';
import { hoursFromTexts, HoursEditor } from './HoursEditor';
import { parseYears, yearsError } from './PresetBox';
import { SlaPolicies } from './SlaPolicies';

const OFFICE: Record<Weekday, string> = {
  mon: '09:00-18:00',
  tue: '09:00-18:00',
  wed: '09:00-18:00',
  thu: '09:00-18:00',
  fri: '09:00-18:00',
  sat: '',
  sun: '',
};

/** Admin: the support desk's business-hours calendars, and a new one (optionally with China's public holidays). */
export function CalendarsPage() {
  const { t } = useI18n();
  const calendars = useCalendars();
  return (
    <section className="page" aria-labelledby="calendars-title">
      <div className="page-head">
        <div>
          <h1 id="calendars-title">{t('calendar.title')}</h1>
          <p className="muted">{t('calendar.subtitle')}</p>
        </div>
      </div>
      {calendars.isPending && <Loading />}
      {calendars.isError && <ErrorState error={calendars.error} retry={() => calendars.refetch()} />}
      {calendars.data && calendars.data.length === 0 && <Empty title={t('calendar.none')} />}
      {calendars.data && calendars.data.length > 0 && (
        <table className="plain-table" aria-label="Calendars">
          <thead>
            <tr>
              <th scope="col">{t('calendar.name')}</th>
              <th scope="col">{t('calendar.timezone')}</th>
              <th scope="col">{t('calendar.holidays')}</th>
              <th scope="col">{t('calendar.workdays')}</th>
            </tr>
          </thead>
          <tbody>
            {calendars.data.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/admin/calendars/${c.id}`}>{c.name}</Link>
                </td>
                <td>{c.timezone}</td>
                <td>{c.holidays.length}</td>
                <td>{c.workdays.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {calendars.data && <SlaPolicies calendars={calendars.data} />}
      <NewCalendar />
    </section>
  );
}

function NewCalendar() {
  const { t, a11y } = useI18n();
  const navigate = useNavigate();
  const create = useCreateCalendar();
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState('Asia/Shanghai');
  const [texts, setTexts] = useState(OFFICE);
  const [withPreset, setWithPreset] = useState(true);
  const [years, setYears] = useState(String(new Date().getFullYear()));
  const [local, setLocal] = useState<Record<string, string>>({});
  const { fieldError, apiError, fieldsNamed } = useFieldErrors(create.error, local);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (!name.trim()) errors.name = t('calendar.name.required');
    const hours = hoursFromTexts(texts);
    if (!hours) errors.hours = t('calendar.hours.invalid');
    const y = withPreset ? parseYears(years) : undefined;
    if (withPreset && !y) errors.years = t('calendar.preset.years.invalid');
    setLocal(errors);
    if (Object.keys(errors).length) return;
    create.mutate(
      { name: name.trim(), timezone, hours: hours as CreateCalendarBody['hours'], makeUpHoursFrom: 'mon', ...(y ? { preset: 'cn' as const, years: y } : {}) },
      { onSuccess: (c) => navigate(`/admin/calendars/${c.id}`) },
    );
  };
  const hoursApiError = apiError?.details.find((d) => d.field.startsWith('hours'));
  return (
    <form className="card form-grid new-calendar" onSubmit={submit} noValidate aria-labelledby="new-calendar-title">
      <h2 id="new-calendar-title">{t('calendar.new')}</h2>
      <Field label={t('calendar.name')} accessibleName="Name" error={fieldError('name')}>
        <input type="text" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label={t('calendar.timezone')} accessibleName="Time zone" error={fieldError('timezone')}>
        <input type="text" value={timezone} onChange={(e) => setTimezone(e.target.value)} />
      </Field>
      <HoursEditor texts={texts} onChange={setTexts} error={local.hours ?? (hoursApiError ? `${hoursApiError.field}: ${hoursApiError.message}` : undefined)} />
      <label className="check">
        <input type="checkbox" checked={withPreset} onChange={(e) => setWithPreset(e.target.checked)} /> {t('calendar.preset.include')}
      </label>
      {withPreset && (
        <Field
          label={t('calendar.preset.years')}
          accessibleName="Years"
          error={local.years ?? yearsError(t, create.error)}
          hint={t('calendar.preset.years.hint')}
        >
          <input type="text" inputMode="numeric" value={years} onChange={(e) => setYears(e.target.value)} />
        </Field>
      )}
      {create.error && !fieldsNamed && (
        <p className="form-error" role="alert">
          {apiError?.status === 409 ? t('calendar.name.taken') : t('error.server.body')}
        </p>
      )}
      <div className="dialog-actions">
        <button type="submit" className="primary" disabled={create.isPending} aria-label={a11y(t('calendar.create'), 'Create calendar')}>
          {create.isPending ? t('state.saving') : t('calendar.create')}
        </button>
      </div>
    </form>
  );
}
