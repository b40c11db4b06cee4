import { useCallback, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../../api/client';
import { Dialog } from '../../../components/Dialog';
import { Field } from '../../../components/Field';
import { useFieldErrors } from '../../../components/form-errors';
import { useI18n } from '../../../i18n/i18n';
import { useMove, type MoveOutcome, type StaffView } from '../api/board';

/** What to move: listed cases, every open case (and scheduled call) of one advisor, or listed calls. */
export type MoveTarget = { caseIds: string[] } | { fromAdvisorId: string } | { taskIds: string[] };

type T = ReturnType<typeof useI18n>['t'];

/**
 * Moves work to an advisor (or, for cases, through the assignment policy) with a reason for the audit log, then
 * shows what happened to each item. Moves are all or nothing: a refusal says why and nothing has moved.
 */
export function ReassignDialog({
  target,
  labels: labelsNow,
  advisors,
  onClose,
}: {
  target: MoveTarget;
  labels: Map<string, string>;
  advisors: StaffView[];
  onClose(): void;
}) {
  const { t, a11y } = useI18n();
  // The names as the dialog opened: after the move the list refetches without the moved rows.
  const [labels] = useState(labelsNow);
  const move = useMove();
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const [localError, setLocalError] = useState<Record<string, string>>({});
  const [result, setResult] = useState<MoveOutcome | null>(null);
  const close = useCallback(() => onClose(), [onClose]);
  const tasks = 'taskIds' in target;
  const targetField = tasks ? 'assigneeId' : 'toAdvisorId';
  const fromId = 'fromAdvisorId' in target ? target.fromAdvisorId : undefined;
  const nameOf = (id: string | null | undefined) => (id ? (advisors.find((a) => a.id === id)?.name ?? id.slice(0, 8)) : t('bulk.pool'));
  const title =
    'caseIds' in target
      ? t('bulk.reassign.title', { count: target.caseIds.length })
      : tasks
        ? t('bulk.tasks.reassign.title', { count: target.taskIds.length })
        : t('bulk.moveAll.title', { name: nameOf(fromId) });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (!reason.trim()) errors.reason = t('reschedule.error.reason');
    if (tasks && !to) errors.assigneeId = t('bulk.tasks.advisor.required');
    setLocalError(errors);
    if (Object.keys(errors).length) return;
    const why = reason.trim();
    const req = tasks
      ? { kind: 'tasks' as const, taskIds: target.taskIds, assigneeId: to, reason: why }
      : { kind: 'cases' as const, body: { ...target, ...(to ? { toAdvisorId: to } : {}), reason: why } };
    move.mutate(req, { onSuccess: setResult });
  };
  const { apiError, fieldError } = useFieldErrors(move.error, localError);
  const refusal = apiError && !apiError.details.length ? refusalText(t, apiError, tasks) : move.error && !apiError ? t('error.server.body') : undefined;

  if (result) {
    return (
      <Dialog title={title} onClose={close} wide>
        <div className="dialog-body">
          <MoveResultView target={target} result={result} to={to} labels={labels} nameOf={nameOf} onNavigate={close} />
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
        <Field
          label={t('bulk.advisor')}
          accessibleName="Advisor"
          error={fieldError(targetField)}
          hint={tasks ? t('bulk.tasks.advisor.hint') : fromId ? t('bulk.moveAll.hint') : t('bulk.advisor.hint')}
        >
          <select value={to} onChange={(e) => setTo(e.target.value)} autoFocus>
            <option value="">{tasks ? t('bulk.tasks.advisor.choose') : t('bulk.advisor.policy')}</option>
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
          <button type="submit" className="primary" aria-label={a11y(t('bulk.confirm'), 'Confirm')} disabled={move.isPending}>
            {move.isPending ? t('state.saving') : t('bulk.confirm')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** One line per item: moved from whom to whom, left in the pool, or already with the receiver. */
function MoveResultView({
  target,
  result,
  to,
  labels,
  nameOf,
  onNavigate,
}: {
  target: MoveTarget;
  result: MoveOutcome;
  to: string;
  labels: Map<string, string>;
  nameOf(id: string | null | undefined): string;
  onNavigate(): void;
}) {
  const { t } = useI18n();
  const lines: Array<{ id: string; cls: string; text: string }> = [];
  const label = (id: string) => labels.get(id) ?? id.slice(0, 8);
  if (result.cases) {
    const moved = new Map(result.cases.items.map((m) => [m.caseId, m]));
    const ids = 'caseIds' in target ? target.caseIds : result.cases.items.map((m) => m.caseId);
    for (const id of ids) {
      const m = moved.get(id);
      lines.push({
        id,
        cls: m ? (m.toAdvisorId ? 'res-moved' : 'res-pooled') : 'res-same',
        text: !m
          ? t('bulk.result.already', { advisor: nameOf(to) })
          : m.toAdvisorId
            ? t('bulk.result.moved', { from: nameOf(m.fromAdvisorId), to: nameOf(m.toAdvisorId) })
            : t('bulk.result.pooled'),
      });
    }
  }
  if (result.tasks && 'taskIds' in target) {
    const moved = new Map(result.tasks.items.map((m) => [m.taskId, m]));
    for (const id of target.taskIds) {
      const m = moved.get(id);
      lines.push({
        id,
        cls: m ? 'res-moved' : 'res-same',
        text: m ? t('bulk.result.moved', { from: nameOf(m.fromAssigneeId), to: nameOf(m.toAssigneeId) }) : t('bulk.result.already', { advisor: nameOf(to) }),
      });
    }
  }
  const fromId = 'fromAdvisorId' in target ? target.fromAdvisorId : undefined;
  return (
    <>
      <p role="status">
        {result.cases && t('bulk.result.summary', { moved: result.cases.moved, pooled: result.cases.pooled })}
        {result.cases && result.tasks && ' '}
        {result.tasks && t('bulk.tasks.result.summary', { moved: result.tasks.moved })}
      </p>
      {!!fromId && !!result.callsLeft && (
        <p className={result.tasksError ? 'notice notice-warn' : 'notice'} role={result.tasksError ? 'alert' : undefined}>
          {result.tasksError
            ? t('bulk.moveAll.callsFailed', { count: result.callsLeft })
            : t('bulk.moveAll.callsLeft', { count: result.callsLeft, name: nameOf(fromId) })}{' '}
          <Link to={`/board/tasks?assigneeId=${fromId}`} onClick={onNavigate}>
            {t('bulk.moveAll.callsLink')}
          </Link>
        </p>
      )}
      {lines.length > 0 && (
        <ul className="result-list" aria-label="Results">
          {lines.map((l) => (
            <li key={l.id} className={l.cls}>
              <strong>{label(l.id)}</strong>: {l.text}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Why the whole move was refused (nothing moved: it is all or nothing). */
function refusalText(t: T, e: ApiError, tasks: boolean): string {
  if (e.status === 403) return tasks ? t('bulk.tasks.refused.forbidden') : t('bulk.refused.forbidden');
  if (e.status === 404) return tasks ? t('bulk.tasks.refused.notFound') : t('bulk.refused.notFound');
  if (e.status === 409) return tasks ? t('bulk.tasks.refused.conflict') : t('bulk.refused.conflict');
  if (e.status === 0) return t('error.network.body');
  return t('error.server.body');
}
