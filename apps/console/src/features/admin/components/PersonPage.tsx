import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ErrorState, Loading } from '../../../components/ErrorState';
import { Field } from '../../../components/Field';
import { useFieldErrors } from '../../../components/form-errors';
import { enumLabel } from '../../../components/labels';
import { useI18n } from '../../../i18n/i18n';
import { useTeams } from '../../board/api/board';
import { type Weekday } from '../api/calendars';
import { useStaffMember, useUpdateStaff, type StaffView } from '../api/people';
import { hoursFromTexts, HoursEditor, hoursTexts } from './HoursEditor';

const ROLES = ['advisor', 'supervisor', 'admin'] as const;
const STATUSES = ['active', 'away', 'inactive'] as const;

/** Admin: one person's role, team, capacity, skills, status, time zone and weekly working hours (split shifts). */
export function PersonPage() {
  const { staffId = '' } = useParams();
  const person = useStaffMember(staffId);
  if (person.isPending) return <Loading />;
  if (person.isError) return <ErrorState error={person.error} retry={() => person.refetch()} />;
  return <PersonForm person={person.data} />;
}

function PersonForm({ person }: { person: StaffView }) {
  const { t, a11y } = useI18n();
  const teams = useTeams();
  const update = useUpdateStaff(person.id);
  const [form, setForm] = useState(() => toForm(person));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  useEffect(() => setForm(toForm(person)), [person]);
  const { fieldError, apiError, fieldsNamed } = useFieldErrors(update.error, local);
  const set = <K extends keyof ReturnType<typeof toForm>>(k: K, v: ReturnType<typeof toForm>[K]) => (setSaved(false), setForm((f) => ({ ...f, [k]: v })));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    const workingHours = hoursFromTexts(form.hours);
    if (!workingHours) errors.workingHours = t('calendar.hours.invalid');
    const capacity = Number(form.capacity);
    if (!/^\d+$/.test(form.capacity)) errors.capacity = t('people.capacity.invalid');
    setLocal(errors);
    if (Object.keys(errors).length) return;
    update.mutate(
      {
        role: form.role,
        ...(form.teamId ? { teamId: form.teamId } : {}),
        capacity,
        skills: form.skills
          .split(/[,，]/)
          .map((s) => s.trim())
          .filter(Boolean),
        status: form.status,
        timezone: form.timezone.trim(),
        workingHours: workingHours as never,
        reason: form.reason.trim() || t('people.defaultReason'),
      },
      { onSuccess: () => setSaved(true) },
    );
  };
  const hoursApiError = apiError?.details.find((d) => d.field.startsWith('workingHours'));
  return (
    <section className="page" aria-labelledby="person-title">
      <div className="page-head">
        <div>
          <h1 id="person-title">{person.name}</h1>
          <p className="muted">{person.email}</p>
        </div>
        <Link to="/admin/people">{t('people.back')}</Link>
      </div>
      <form className="card form-grid" onSubmit={submit} noValidate aria-label={a11y(t('people.edit'), 'Edit person') ?? t('people.edit')}>
        <Field label={t('people.role')} accessibleName="Role" error={fieldError('role')}>
          <select value={form.role} onChange={(e) => set('role', e.target.value as (typeof ROLES)[number])}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('people.team')} accessibleName="Team" error={fieldError('teamId')}>
          <select value={form.teamId} onChange={(e) => set('teamId', e.target.value)}>
            {!form.teamId && <option value="">—</option>}
            {(teams.data ?? []).map((tm) => (
              <option key={tm.id} value={tm.id}>
                {tm.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('people.capacity')} accessibleName="Capacity" error={fieldError('capacity')} hint={t('people.capacity.hint')}>
          <input type="text" inputMode="numeric" value={form.capacity} onChange={(e) => set('capacity', e.target.value)} />
        </Field>
        <Field label={t('people.status')} accessibleName="Status" error={fieldError('status')}>
          <select value={form.status} onChange={(e) => set('status', e.target.value as (typeof STATUSES)[number])}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {enumLabel(t, 'staff.status', s)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('people.skills')} accessibleName="Skills" error={fieldError('skills')} hint={t('people.skills.hint')}>
          <input type="text" value={form.skills} onChange={(e) => set('skills', e.target.value)} />
        </Field>
        <Field label={t('calendar.timezone')} accessibleName="Time zone" error={fieldError('timezone')}>
          <input type="text" value={form.timezone} onChange={(e) => set('timezone', e.target.value)} />
        </Field>
        <HoursEditor
          texts={form.hours}
          onChange={(h) => set('hours', h)}
          error={local.workingHours ?? (hoursApiError ? `${hoursApiError.field}: ${hoursApiError.message}` : undefined)}
        />
        <Field label={t('reschedule.reason')} accessibleName="Reason" error={fieldError('reason')}>
          <input
            type="text"
            maxLength={1000}
            value={form.reason}
            onChange={(e) => set('reason', e.target.value)}
            placeholder={t('people.reason.placeholder')}
          />
        </Field>
        {update.error && !fieldsNamed && (
          <p className="form-error" role="alert">
            {apiError?.status === 403 ? t('error.forbidden.body') : t('error.server.body')}
          </p>
        )}
        {saved && (
          <p className="notice" role="status">
            {t('people.saved')}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={update.isPending} aria-label={a11y(t('action.save'), 'Save')}>
            {update.isPending ? t('state.saving') : t('action.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function toForm(p: StaffView) {
  return {
    role: p.role,
    teamId: p.teamId ?? '',
    capacity: String(p.capacity),
    skills: p.skills.join(', '),
    status: p.status as (typeof STATUSES)[number],
    timezone: p.timezone,
    hours: hoursTexts(p.workingHours as never) as Record<Weekday, string>,
    reason: '',
  };
}
