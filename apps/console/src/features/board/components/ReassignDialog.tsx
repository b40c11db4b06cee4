import { useCallback, useState, type FormEvent } from 'react';
import { ApiError } from '../../../api/client';
import { Dialog } from '../../../components/Dialog';
import { Field } from '../../../components/Field';
import { useI18n } from '../../../i18n/i18n';
import { useFieldErrors } from '../../../components/form-errors';
import { useReassignCases, type CaseMoveResult, type CaseView, type StaffView } from '../api/board';

type Target = { caseIds: string[] } | { fromAdvisorId: string };

/**
 * Moves cases (the selected ones, or every open case of one advisor) to an advisor or through the assignment
 * policy, with a reason for the audit log; then shows what happened to each case.
 */
export function ReassignDialog({ target, cases, advisors, onClose }: { target: Target; cases: Map<string, CaseView>; advisors: StaffView[]; onClose(): void }) {
  const { t, a11y } = useI18n();
  const reassign = useReassignCases();
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [localError, setLocalError] = useState<Record<string, string>>({});
  const [result, setResult] = useState<CaseMoveResult | null>(null);
  const close = useCallback(() => onClose(), [onClose]);
  const nameOf = (id: string | null | undefined) => (id ? (advisors.find((a) => a.id === id)?.name ?? id.slice(0, 8)) : t('bulk.pool'));
  const count = 'caseIds' in target ? target.caseIds.length : undefined;
  const fromId = 'fromAdvisorId' in target ? target.fromAdvisorId : undefined;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (!reason.trim()) errors.reason = t('reschedule.error.reason');
    setLocalError(errors);
    if (Object.keys(errors).length) return;
    reassign.mutate({ ...target, ...(to ? { toAdvisorId: to } : {}), reason: reason.trim() }, { onSuccess: setResult });
  };
  const { apiError, fieldError } = useFieldErrors(reassign.error, localError);
  const refusal = apiError && !apiError.details.length ? refusalText(t, apiError) : reassign.error && !apiError ? t('error.server.body') : undefined;
  const title = count !== undefined ? t('bulk.reassign.title', { count }) : t('bulk.moveAll.title', { name: nameOf(fromId) });

  if (result) {
    const moved = new Map(result.items.map((m) => [m.caseId, m]));
    const ids = 'caseIds' in target ? target.caseIds : result.items.map((m) => m.caseId);
    return (
      <Dialog title={title} onClose={close} wide>
        <div className="dialog-body">
          <p role="status">{t('bulk.result.summary', { moved: result.moved, pooled: result.pooled })}</p>
          <ul className="result-list" aria-label="Results">
            {ids.map((id) => {
              const m = moved.get(id);
              const name = cases.get(id)?.learnerName ?? id.slice(0, 8);
              const text = !m ? t('bulk.result.already', { advisor: nameOf(to) }) : m.toAdvisorId ? t('bulk.result.moved', { from: nameOf(m.fromAdvisorId), to: nameOf(m.toAdvisorId) }) : t('bulk.result.pooled');
              return (
                <li key={id} className={m ? (m.toAdvisorId ? 'res-moved' : 'res-pooled') : 'res-same'}>
                  <strong>{name}</strong>: {text}
                </li>
              );
            })}
          </ul>
        </div>
        <div className="dialog-actions">
          <button type="button" className="primary" onClick={close} autoFocus>
            {t('action.close')}
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <Dialog title={title} onClose={close}>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field label={t('bulk.advisor')} accessibleName="Advisor" error={fieldError('toAdvisorId')} hint={t('bulk.advisor.hint')}>
          <select value={to} onChange={(e) => setTo(e.target.value)} autoFocus>
            <option value="">{t('bulk.advisor.policy')}</option>
            {advisors
              .filter((a) => a.id !== fromId)
              .map((a) => (
                <option key={a.id} value={a.id} disabled={a.status !== 'active'}>
                  {a.name}
                  {a.status !== 'active' ? ` (${t(`staff.status.${a.status}` as 'staff.status.away')})` : ''}
                </option>
              ))}
          </select>
        </Field>
        <Field label={t('reschedule.reason')} accessibleName="Reason" error={fieldError('reason')}>
          <input type="text" maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('bulk.reason.placeholder')} />
        </Field>
        {refusal && (
          <p className="form-error" role="alert">
            {refusal}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="primary" aria-label={a11y(t('bulk.confirm'), 'Confirm')} disabled={reassign.isPending}>
            {reassign.isPending ? t('state.saving') : t('bulk.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Why the whole move was refused (nothing moved: it is all or nothing). */
function refusalText(t: ReturnType<typeof useI18n>['t'], e: ApiError): string {
  if (e.status === 403) return t('bulk.refused.forbidden');
  if (e.status === 404) return t('bulk.refused.notFound');
  if (e.status === 409) return t('bulk.refused.conflict');
  if (e.status === 0) return t('error.network.body');
  return t('error.server.body');
}
