import { useCallback, useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import { Field } from '../../../components/Field';
import { taskKindLabel } from '../../../components/labels';
import type { RescheduleDialogProps } from '../../../components/task-dialogs';
import { useI18n } from '../../../i18n/i18n';
import { useFieldErrors } from '../../../components/form-errors';
import { useReschedule } from '../api/outcome';
import { fromLocalInput, toLocalInput } from './form-values';
import { formErrorText } from './OutcomeDialog';

/** A new time for the call, with the reason (kept in the audit log). */
export function RescheduleDialog({ task, onClose, onSaved }: RescheduleDialogProps) {
  const { t, fmt, a11y } = useI18n();
  const save = useReschedule(task.id);
  const initial = task.dueAt ? new Date(new Date(task.dueAt).getTime() + 86_400_000) : new Date(Date.now() + 86_400_000);
  const [dueAt, setDueAt] = useState(toLocalInput(initial));
  const [reason, setReason] = useState('');
  const [localError, setLocalError] = useState<Record<string, string>>({});
  const close = useCallback(() => onClose(), [onClose]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const iso = fromLocalInput(dueAt);
    const errors: Record<string, string> = {};
    if (!iso) errors.dueAt = t('reschedule.error.time');
    if (!reason.trim()) errors.reason = t('reschedule.error.reason');
    setLocalError(errors);
    if (Object.keys(errors).length) return;
    save.mutate({ dueAt: iso!, reason: reason.trim() }, { onSuccess: () => onSaved() });
  };
  const { fieldError, fieldsNamed } = useFieldErrors(save.error, localError);
  const formError = save.error && !fieldsNamed ? formErrorText(t, save.error) : undefined;

  return (
    <Dialog title={t('reschedule.title', { name: task.learnerName })} onClose={close}>
      <p className="muted dialog-sub">
        {taskKindLabel(t, task.kind, task.dayIndex)}
        {task.dueAt && ` · ${t('reschedule.was', { when: fmt.dateTime(task.dueAt, { zone: true }) })}`}
      </p>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field label={t('reschedule.dueAt')} accessibleName="New time" error={fieldError('dueAt')} hint={t('outcome.followUp.hint', { zone: fmt.zoneLabel })}>
          <input type="datetime-local" value={dueAt} onChange={(e) => setDueAt(e.target.value)} autoFocus />
        </Field>
        <Field label={t('reschedule.reason')} accessibleName="Reason" error={fieldError('reason')}>
          <input type="text" maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('reschedule.reason.placeholder')} />
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
          <button type="submit" className="primary" aria-label={a11y(t('action.save'), 'Save')} disabled={save.isPending}>
            {save.isPending ? t('state.saving') : t('action.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
