import { useCallback, useState, type FormEvent } from 'react';
import { ApiError } from '../../../api/client';
import { Dialog } from '../../../components/Dialog';
import { Field } from '../../../components/Field';
import { CHURN_REASONS, enumLabel, taskKindLabel } from '../../../components/labels';
import type { OutcomeDialogProps } from '../../../components/task-dialogs';
import { useI18n } from '../../../i18n/i18n';
import { useFieldErrors } from '../../../components/form-errors';
import { useLogOutcome, type OutcomeBody } from '../api/outcome';
import { fromLocalInput } from './form-values';

const RESULTS = ['reached', 'no_answer', 'voicemail', 'wrong_number', 'callback_requested', 'declined'] as const;
const RISKS = ['low', 'medium', 'high'] as const;

/** The call outcome: result, duration, note, risk read, churn reason, optional follow-up; field errors at their fields. */
export function OutcomeDialog({ task, hasNext, onClose, onSaved }: OutcomeDialogProps) {
  const { t, fmt, a11y } = useI18n();
  const save = useLogOutcome(task.id);
  const [result, setResult] = useState('');
  const [duration, setDuration] = useState('');
  const [note, setNote] = useState('');
  const [riskRead, setRiskRead] = useState('');
  const [churnReason, setChurnReason] = useState('');
  const [followUpAt, setFollowUpAt] = useState('');
  const [localError, setLocalError] = useState<Record<string, string>>({});
  const close = useCallback(() => onClose(), [onClose]);

  const submit = (then: 'close' | 'next') => (e?: FormEvent) => {
    e?.preventDefault();
    const errors: Record<string, string> = {};
    if (!result) errors.result = t('outcome.error.result');
    let follow: string | undefined;
    if (followUpAt) {
      follow = fromLocalInput(followUpAt);
      if (!follow) errors.followUpAt = t('outcome.error.followUp');
    }
    setLocalError(errors);
    if (Object.keys(errors).length) return;
    const body: OutcomeBody = { result: result as OutcomeBody['result'] };
    if (duration.trim() !== '') body.durationMinutes = Number(duration);
    if (note.trim()) body.note = note.trim();
    if (riskRead) body.riskRead = riskRead as OutcomeBody['riskRead'];
    if (churnReason) body.churnReason = churnReason as OutcomeBody['churnReason'];
    if (follow) body.followUpAt = follow;
    save.mutate(body, { onSuccess: () => onSaved(then) });
  };

  const { fieldError, fieldsNamed } = useFieldErrors(save.error, localError);
  const formError = save.error && !fieldsNamed ? formErrorText(t, save.error) : undefined;

  return (
    <Dialog title={t('outcome.title', { name: task.learnerName })} onClose={close}>
      <p className="muted dialog-sub">
        {taskKindLabel(t, task.kind, task.dayIndex)}
        {task.dueAt && ` · ${fmt.dateTime(task.dueAt, { zone: true })}`}
      </p>
      <form onSubmit={submit('close')} noValidate className="form-grid">
        <Field label={t('outcome.result')} accessibleName="Result" error={fieldError('result')}>
          <select value={result} onChange={(e) => setResult(e.target.value)} autoFocus required>
            <option value="">{t('outcome.result.choose')}</option>
            {RESULTS.map((r) => (
              <option key={r} value={r}>
                {enumLabel(t, 'call.result', r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('outcome.duration')} error={fieldError('durationMinutes')} hint={t('outcome.duration.hint')}>
          <input type="number" inputMode="numeric" min={0} max={600} step={1} value={duration} onChange={(e) => setDuration(e.target.value)} />
        </Field>
        <Field label={t('outcome.riskRead')} error={fieldError('riskRead')}>
          <select value={riskRead} onChange={(e) => setRiskRead(e.target.value)}>
            <option value="">{t('outcome.notAssessed')}</option>
            {RISKS.map((r) => (
              <option key={r} value={r}>
                {enumLabel(t, 'risk', r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('outcome.churnReason')} error={fieldError('churnReason')} hint={t('outcome.churnReason.hint')}>
          <select value={churnReason} onChange={(e) => setChurnReason(e.target.value)}>
            <option value="">{t('outcome.churnReason.none')}</option>
            {CHURN_REASONS.map((r) => (
              <option key={r} value={r}>
                {enumLabel(t, 'churn', r)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('outcome.note')} error={fieldError('note')}>
          <textarea rows={3} maxLength={5000} value={note} onChange={(e) => setNote(e.target.value)} />
        </Field>
        <Field label={t('outcome.followUp')} error={fieldError('followUpAt')} hint={t('outcome.followUp.hint', { zone: fmt.zoneLabel })}>
          <input type="datetime-local" value={followUpAt} onChange={(e) => setFollowUpAt(e.target.value)} />
        </Field>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            {t('action.cancel')}
          </button>
          {hasNext && (
            <button type="button" aria-label={a11y(t('outcome.saveNext'), 'Save and next')} onClick={() => submit('next')()} disabled={save.isPending}>
              {t('outcome.saveNext')}
            </button>
          )}
          <button type="submit" className="primary" aria-label={a11y(t('action.save'), 'Save')} disabled={save.isPending}>
            {save.isPending ? t('state.saving') : t('action.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

export function formErrorText(t: ReturnType<typeof useI18n>['t'], error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t('error.network.body');
    if (error.status === 404) return t('outcome.error.gone');
    if (error.status === 409) return t('outcome.error.conflict');
    if (error.status === 403) return t('error.forbidden.body');
    if (error.status === 400) return t('outcome.error.invalid');
  }
  return t('error.server.body');
}
