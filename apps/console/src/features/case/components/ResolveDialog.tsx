import { useCallback, useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import { Field } from '../../../components/Field';
import { CHURN_REASONS, enumLabel } from '../../../components/labels';
import { useI18n } from '../../../i18n/i18n';
import { useFieldErrors } from '../../../components/form-errors';
import { useResolveCase, type ResolveBody } from '../api/case';

const OUTCOMES = ['retained', 'churned', 'unreachable', 'not_at_risk'] as const;

/** Resolve a case with its outcome; a churned learner needs the cause, so the school learns why learners leave. */
export function ResolveDialog({ caseId, learnerName, onClose, onResolved }: { caseId: string; learnerName: string; onClose(): void; onResolved(): void }) {
  const { t, a11y } = useI18n();
  const resolve = useResolveCase(caseId);
  const [outcome, setOutcome] = useState('');
  const [churnReason, setChurnReason] = useState('');
  const [note, setNote] = useState('');
  const [localError, setLocalError] = useState<Record<string, string>>({});
  const close = useCallback(() => onClose(), [onClose]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (!outcome) errors.outcome = t('resolve.error.outcome');
    if (outcome === 'churned' && !churnReason) errors.churnReason = t('resolve.error.churnReason');
    setLocalError(errors);
    if (Object.keys(errors).length) return;
    const body: ResolveBody = { outcome: outcome as ResolveBody['outcome'] };
    if (churnReason) body.churnReason = churnReason as ResolveBody['churnReason'];
    if (note.trim()) body.note = note.trim();
    resolve.mutate(body, { onSuccess: onResolved });
  };
  const { apiError, fieldError, fieldsNamed } = useFieldErrors(resolve.error, localError);
  const formError =
    resolve.error && !fieldsNamed
      ? apiError?.status === 409
        ? t('resolve.error.conflict')
        : apiError?.status === 0
          ? t('error.network.body')
          : apiError?.status === 404
            ? t('error.notFound.body')
            : t('error.server.body')
      : undefined;

  return (
    <Dialog title={t('resolve.title', { name: learnerName })} onClose={close}>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field label={t('resolve.outcome')} accessibleName="Outcome" error={fieldError('outcome')}>
          <select value={outcome} onChange={(e) => setOutcome(e.target.value)} autoFocus>
            <option value="">{t('resolve.outcome.choose')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {enumLabel(t, 'case.outcome', o)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label={outcome === 'churned' ? t('resolve.churnReason.required') : t('outcome.churnReason')}
          accessibleName="Churn reason"
          error={fieldError('churnReason')}
        >
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
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="primary" aria-label={a11y(t('resolve.submit'), 'Resolve')} disabled={resolve.isPending}>
            {resolve.isPending ? t('state.saving') : t('resolve.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
