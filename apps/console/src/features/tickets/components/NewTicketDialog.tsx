import { useCallback, useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog';
import { Field } from '../../../components/Field';
import { enumLabel } from '../../../components/labels';
import { useI18n } from '../../../i18n/i18n';
import { useFieldErrors } from '../../../components/form-errors';
import { useCreateTicket, useLearnerLookup, type CreateTicketBody } from '../api/tickets';

const CATEGORIES = ['learning', 'technical', 'account', 'billing', 'complaint'] as const;
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

/** A ticket opened by staff for a learner they may see (a call that turned into a question, a complaint by phone). */
export function NewTicketDialog({ onClose, onCreated }: { onClose(): void; onCreated(id: string): void }) {
  const { t, a11y } = useI18n();
  const create = useCreateTicket();
  const [q, setQ] = useState('');
  const [learnerId, setLearnerId] = useState('');
  const [category, setCategory] = useState<string>('learning');
  const [priority, setPriority] = useState<string>('medium');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [localError, setLocalError] = useState<Record<string, string>>({});
  const lookup = useLearnerLookup(q);
  const close = useCallback(() => onClose(), [onClose]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (!learnerId) errors.learnerId = t('tickets.error.learner');
    if (!subject.trim()) errors.subject = t('tickets.error.subject');
    if (!body.trim()) errors.body = t('tickets.error.body');
    setLocalError(errors);
    if (Object.keys(errors).length) return;
    create.mutate(
      {
        learnerId,
        category: category as CreateTicketBody['category'],
        priority: priority as CreateTicketBody['priority'],
        subject: subject.trim(),
        body: body.trim(),
      },
      { onSuccess: (tk) => onCreated(tk.id) },
    );
  };
  const { apiError, fieldError, fieldsNamed } = useFieldErrors(create.error, localError);
  return (
    <Dialog title={t('tickets.new')} onClose={close}>
      <form onSubmit={submit} noValidate className="form-grid">
        <Field label={t('tickets.learner.search')} hint={t('layout.search.placeholder')}>
          <input type="search" value={q} onChange={(e) => setQ(e.target.value)} autoFocus />
        </Field>
        <Field label={t('queue.col.learner')} accessibleName="Learner" error={fieldError('learnerId')}>
          <select value={learnerId} onChange={(e) => setLearnerId(e.target.value)}>
            <option value="">{lookup.data ? t('tickets.learner.choose', { count: lookup.data.items.length }) : t('tickets.learner.typeFirst')}</option>
            {(lookup.data?.items ?? []).map((l) => (
              <option key={l.id} value={l.id}>
                {l.name} · {l.externalId}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('tickets.col.category')} error={fieldError('category')}>
          <select value={category} onChange={(e) => setCategory(e.target.value)}>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {enumLabel(t, 'ticket.category', c)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('case.priority')} error={fieldError('priority')}>
          <select value={priority} onChange={(e) => setPriority(e.target.value)}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {enumLabel(t, 'case.priority', p)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('tickets.col.subject')} accessibleName="Subject" error={fieldError('subject')}>
          <input type="text" maxLength={300} value={subject} onChange={(e) => setSubject(e.target.value)} />
        </Field>
        <Field label={t('tickets.body')} error={fieldError('body')}>
          <textarea rows={4} value={body} onChange={(e) => setBody(e.target.value)} />
        </Field>
        {create.error && !fieldsNamed && (
          <p className="form-error" role="alert">
            {apiError?.status === 404 ? t('tickets.error.learnerHidden') : t('error.server.body')}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="primary" aria-label={a11y(t('tickets.create'), 'Create ticket')} disabled={create.isPending}>
            {create.isPending ? t('state.saving') : t('tickets.create')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
