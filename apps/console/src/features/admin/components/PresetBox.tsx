import { useState, type FormEvent } from 'react';
import { ApiError } from '../../../api/client';
import { Field } from '../../../components/Field';
import { useI18n } from '../../../i18n/i18n';

/** Years typed as "2025, 2026" → [2025, 2026], or undefined when that is not a list of years. */
export function parseYears(text: string): number[] | undefined {
  const parts = text.split(/[,，\s]+/).filter(Boolean);
  if (!parts.length || parts.some((p) => !/^\d{4}$/.test(p))) return undefined;
  return [...new Set(parts.map(Number))].sort((a, b) => a - b);
}

/** The API's refusal of a year it does not hold ("2027: …"), in the viewer's words. */
export function yearsError(t: ReturnType<typeof useI18n>['t'], error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const m = error.fieldMessage('years');
  if (!m) return undefined;
  const years = /^(\d{4}(?:, \d{4})*):/.exec(m)?.[1];
  return years ? t('calendar.preset.notHeld', { years }) : t('calendar.preset.years.invalid');
}

/** "Official public holidays of mainland China": which years to add to the calendar. */
export function PresetBox({ pending, error, onLoad }: { pending: boolean; error: unknown; onLoad(years: number[]): void }) {
  const { t, a11y } = useI18n();
  const [text, setText] = useState(String(new Date().getFullYear()));
  const [local, setLocal] = useState<string>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const years = parseYears(text);
    setLocal(years ? undefined : t('calendar.preset.years.invalid'));
    if (years) onLoad(years);
  };
  return (
    <form className="card preset-box" onSubmit={submit} noValidate aria-labelledby="preset-title">
      <h2 id="preset-title">{t('calendar.preset.title')}</h2>
      <p className="muted">{t('calendar.preset.body')}</p>
      <Field label={t('calendar.preset.years')} accessibleName="Years" error={local ?? yearsError(t, error)} hint={t('calendar.preset.years.hint')}>
        <input type="text" inputMode="numeric" value={text} onChange={(e) => setText(e.target.value)} />
      </Field>
      <button type="submit" className="primary" disabled={pending} aria-label={a11y(t('calendar.preset.load'), 'Load holidays')}>
        {pending ? t('state.saving') : t('calendar.preset.load')}
      </button>
    </form>
  );
}
