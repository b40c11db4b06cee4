import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useSession } from '../../../app/auth';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { Field } from '../../../components/Field';
import { enumLabel } from '../../../components/labels';
import { SlaClock } from '../../../components/SlaClock';
import { useI18n } from '../../../i18n/i18n';
import { useFieldErrors } from '../../../components/form-errors';
import { fetchArticle, useAddMessage, useAssignTicket, useResolveTicket, useStaffNames, useTicket, type TicketDetail } from '../api/tickets';

/** One ticket: the SLA clocks, the conversation (public replies and internal notes, clearly apart), KB suggestions, assign and resolve. */
export function TicketPage() {
  const { ticketId = '' } = useParams();
  const { t } = useI18n();
  const ticket = useTicket(ticketId);
  return (
    <section className="page" aria-labelledby="ticket-title">
      {ticket.isPending && <Loading />}
      {ticket.isError && <ErrorState error={ticket.error} retry={() => ticket.refetch()} notFoundKey="tickets.notVisible" />}
      {ticket.data && <TicketView ticket={ticket.data} />}
      <p>
        <Link to="/tickets">{t('tickets.back')}</Link>
      </p>
    </section>
  );
}

function TicketView({ ticket }: { ticket: TicketDetail }) {
  const { t, fmt } = useI18n();
  const staff = useStaffNames();
  const names = new Map((staff.data?.items ?? []).map((s) => [s.id, s.name]));
  const open = ticket.status !== 'resolved' && ticket.status !== 'closed';
  return (
    <div className="case-layout">
      <div className="case-main">
        <div className="page-head">
          <div>
            <h1 id="ticket-title">{ticket.subject}</h1>
            <p className="muted">
              {ticket.learnerName} · {enumLabel(t, 'ticket.category', ticket.category)} ·{' '}
              <span className={`tag tag-${ticket.priority}`}>{enumLabel(t, 'case.priority', ticket.priority)}</span> ·{' '}
              {enumLabel(t, 'ticket.status', ticket.status)}
            </p>
          </div>
        </div>
        <div className="facts sla-facts" aria-label={t('tickets.col.sla')}>
          <SlaClock label={t('sla.firstResponse')} state={ticket.slaStatus.firstResponse} dueAt={ticket.firstResponseDueAt} doneAt={ticket.firstRespondedAt} />
          <SlaClock label={t('sla.resolution')} state={ticket.slaStatus.resolution} dueAt={ticket.resolutionDueAt} doneAt={ticket.resolvedAt} />
        </div>
        <section className="card" aria-labelledby="conv-title">
          <h2 id="conv-title">{t('tickets.conversation')}</h2>
          <ol className="conversation">
            <li className="msg msg-learner">
              <div className="msg-head">
                <strong>{ticket.learnerName}</strong> <time dateTime={ticket.createdAt}>{fmt.dateTime(ticket.createdAt)}</time>
              </div>
              <p>{ticket.body}</p>
            </li>
            {ticket.messages.map((m) => (
              <li key={m.id} className={m.internal ? 'msg msg-internal' : `msg msg-${m.authorType === 'staff' ? 'staff' : 'learner'}`}>
                <div className="msg-head">
                  {m.internal && <span className="tag tag-warn">{t('tickets.internalNote')}</span>}
                  <strong>{m.authorType === 'staff' ? (names.get(m.authorId ?? '') ?? t('tickets.staff')) : ticket.learnerName}</strong>{' '}
                  <time dateTime={m.createdAt}>{fmt.dateTime(m.createdAt)}</time>
                </div>
                <p>{m.body}</p>
              </li>
            ))}
          </ol>
          {open && <Composer ticket={ticket} />}
        </section>
      </div>
      <aside className="case-side" aria-label={t('tickets.details')}>
        <div className="card">
          <h2>{t('tickets.details')}</h2>
          <dl className="facts facts-stacked">
            <div>
              <dt>{t('tickets.col.assignee')}</dt>
              <dd>{ticket.assigneeId ? (names.get(ticket.assigneeId) ?? '—') : t('tickets.unassigned')}</dd>
            </div>
            <div>
              <dt>{t('case.openedAt')}</dt>
              <dd>{fmt.dateTime(ticket.createdAt, { zone: true })}</dd>
            </div>
          </dl>
          <Link to={`/learners/${ticket.learnerId}`}>{t('tickets.openLearner')}</Link>
        </div>
        {open && <AssignBox ticket={ticket} />}
        {open && <ResolveBox ticketId={ticket.id} />}
      </aside>
    </div>
  );
}

function Composer({ ticket }: { ticket: TicketDetail }) {
  const { t, a11y } = useI18n();
  const add = useAddMessage(ticket.id);
  const [mode, setMode] = useState<'reply' | 'note'>('reply');
  const [body, setBody] = useState('');
  const [kbArticleId, setKbArticleId] = useState<string | undefined>();
  const [inserting, setInserting] = useState<string | null>(null);
  const [error, setError] = useState<string | undefined>();
  const insert = async (id: string) => {
    setInserting(id);
    try {
      const article = await fetchArticle(id);
      setBody((b) => (b.trim() ? `${b.trimEnd()}\n\n${article.body}` : article.body));
      setKbArticleId(id);
      setMode('reply');
    } finally {
      setInserting(null);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body.trim()) return setError(t('tickets.error.body'));
    setError(undefined);
    add.mutate(
      { body: body.trim(), internal: mode === 'note', ...(kbArticleId && mode === 'reply' ? { kbArticleId } : {}) },
      { onSuccess: () => (setBody(''), setKbArticleId(undefined)) },
    );
  };
  const shown = useFieldErrors(add.error, error ? { body: error } : {}).fieldError('body');
  return (
    <form onSubmit={submit} noValidate className="composer">
      <fieldset className="mode">
        <legend className="visually-hidden">{t('tickets.mode')}</legend>
        <label>
          <input
            type="radio"
            name="mode"
            value="reply"
            checked={mode === 'reply'}
            onChange={() => setMode('reply')}
            aria-label={a11y(t('tickets.reply'), 'Reply')}
          />{' '}
          {t('tickets.reply')}
        </label>
        <label>
          <input
            type="radio"
            name="mode"
            value="note"
            checked={mode === 'note'}
            onChange={() => setMode('note')}
            aria-label={a11y(t('tickets.internalNote'), 'Internal note')}
          />{' '}
          {t('tickets.internalNote')}
        </label>
        <span className="muted small-text">{mode === 'reply' ? t('tickets.reply.hint') : t('tickets.note.hint')}</span>
      </fieldset>
      <Field label={mode === 'reply' ? t('tickets.reply.label') : t('tickets.note.label')} accessibleName="Message" error={shown}>
        <textarea rows={5} value={body} onChange={(e) => setBody(e.target.value)} className={mode === 'note' ? 'note-input' : undefined} />
      </Field>
      {add.error && !shown && (
        <p className="form-error" role="alert">
          {t('error.server.body')}
        </p>
      )}
      <div className="dialog-actions">
        <button type="submit" className="primary" aria-label={a11y(t('tickets.send'), 'Send')} disabled={add.isPending}>
          {add.isPending ? t('state.saving') : t('tickets.send')}
        </button>
      </div>
      <section aria-labelledby="kb-title" className="kb">
        <h3 id="kb-title">{t('tickets.kb')}</h3>
        {ticket.suggestedArticles.length === 0 ? (
          <Empty title={t('tickets.kb.none')} />
        ) : (
          <ul className="plain-list kb-list">
            {ticket.suggestedArticles.map((a) => (
              <li key={a.id}>
                <span>{a.title}</span>{' '}
                <button
                  type="button"
                  className="small"
                  onClick={() => insert(a.id)}
                  disabled={inserting === a.id}
                  aria-label={a11y(t('tickets.kb.insertNamed', { title: a.title }), `Insert ${a.title}`)}
                >
                  {t('tickets.kb.insert')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </form>
  );
}

function AssignBox({ ticket }: { ticket: TicketDetail }) {
  const { t, a11y } = useI18n();
  const current = useSession();
  const staff = useStaffNames();
  const assign = useAssignTicket(ticket.id);
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const { apiError, fieldError: err } = useFieldErrors(assign.error);
  if (!current || current.staff.role === 'advisor') return null;
  const options = (staff.data?.items ?? []).filter((s) => s.role === 'advisor' && s.status === 'active' && (!ticket.teamId || s.teamId === ticket.teamId));
  return (
    <form
      className="card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (to && reason.trim()) assign.mutate({ assigneeId: to, reason: reason.trim() }, { onSuccess: () => (setTo(''), setReason('')) });
      }}
    >
      <h2>{t('tickets.assign')}</h2>
      <Field label={t('bulk.advisor')} accessibleName="Advisor" error={err('assigneeId')}>
        <select value={to} onChange={(e) => setTo(e.target.value)}>
          <option value="">{t('tickets.assign.choose')}</option>
          {options.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('reschedule.reason')} accessibleName="Reason" error={err('reason')}>
        <input type="text" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
      </Field>
      {assign.error && !apiError?.details.length && (
        <p className="form-error" role="alert">
          {apiError?.status === 403 ? t('bulk.refused.forbidden') : t('error.server.body')}
        </p>
      )}
      <button type="submit" aria-label={a11y(t('tickets.assign.submit'), 'Assign')} disabled={!to || !reason.trim() || assign.isPending}>
        {t('tickets.assign.submit')}
      </button>
    </form>
  );
}

function ResolveBox({ ticketId }: { ticketId: string }) {
  const { t, a11y } = useI18n();
  const resolve = useResolveTicket(ticketId);
  const [note, setNote] = useState('');
  return (
    <form
      className="card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        resolve.mutate(note.trim() ? { note: note.trim() } : {});
      }}
    >
      <h2>{t('tickets.resolve')}</h2>
      <Field label={t('outcome.note')}>
        <textarea rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </Field>
      {resolve.error && (
        <p className="form-error" role="alert">
          {t('error.server.body')}
        </p>
      )}
      <button type="submit" aria-label={a11y(t('tickets.resolve.submit'), 'Resolve ticket')} disabled={resolve.isPending}>
        {t('tickets.resolve.submit')}
      </button>
    </form>
  );
}
