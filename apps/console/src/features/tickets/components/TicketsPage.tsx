import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { enumLabel } from '../../../components/labels';
import { RelativeTime } from '../../../components/RelativeTime';
import { SlaClock } from '../../../components/SlaClock';
import { useListKeys } from '../../../components/use-list-keys';
import { useI18n } from '../../../i18n/i18n';
import { TICKET_FILTER_KEYS, useStaffNames, useTickets, type TicketFilters } from '../api/tickets';
import { NewTicketDialog } from './NewTicketDialog';

const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
const CATEGORIES = ['technical', 'learning', 'account', 'billing', 'complaint'] as const;

/** The support desk: the caller's tickets with live SLA clocks, the next deadline first. */
export function TicketsPage() {
  const { t, a11y } = useI18n();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const f: Record<string, string> = {};
    for (const k of TICKET_FILTER_KEYS) if (params.get(k)) f[k] = params.get(k)!;
    return f as TicketFilters;
  }, [params]);
  const tickets = useTickets(filters);
  const staff = useStaffNames();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const rows = tickets.data?.items ?? [];
  const names = useMemo(() => new Map((staff.data?.items ?? []).map((s) => [s.id, s.name])), [staff.data]);
  const { active, setActive } = useListKeys(rows.length, { open: (i) => rows[i] && navigate(`/tickets/${rows[i].id}`) });
  const setFilter = (key: keyof TicketFilters, value: string) => {
    const p = new URLSearchParams(params);
    if (value) p.set(key, value);
    else p.delete(key);
    setParams(p, { replace: true });
  };
  return (
    <section className="page" aria-labelledby="tickets-title">
      <div className="page-head">
        <div>
          <h1 id="tickets-title">{t('tickets.title')}</h1>
          <p className="muted">{t('tickets.subtitle')}</p>
        </div>
        <button type="button" className="primary" aria-label={a11y(t('tickets.new'), 'New ticket')} onClick={() => setCreating(true)}>
          {t('tickets.new')}
        </button>
      </div>
      <form className="filters" aria-label={t('bulk.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('tickets.col.status')}
          <select value={filters.status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">{t('tickets.filter.unresolved')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {enumLabel(t, 'ticket.status', s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tickets.col.category')}
          <select value={filters.category ?? ''} onChange={(e) => setFilter('category', e.target.value)}>
            <option value="">{t('bulk.filter.any')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {enumLabel(t, 'ticket.category', c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('tickets.col.assignee')}
          <select value={filters.assigneeId ?? ''} onChange={(e) => setFilter('assigneeId', e.target.value)}>
            <option value="">{t('bulk.filter.anyone')}</option>
            {(staff.data?.items ?? [])
              .filter((s) => s.role !== 'admin')
              .map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t('tickets.col.sla')}
          <select value={filters.sla ?? ''} onChange={(e) => setFilter('sla', e.target.value)}>
            <option value="">{t('bulk.filter.any')}</option>
            <option value="warning">{t('tickets.filter.warning')}</option>
            <option value="breached">{t('tickets.filter.breached')}</option>
          </select>
        </label>
      </form>
      {tickets.isPending && <Loading />}
      {tickets.isError && <ErrorState error={tickets.error} retry={() => tickets.refetch()} />}
      {tickets.data && rows.length === 0 && <Empty title={t('tickets.empty')} />}
      {rows.length > 0 && (
        <table className="queue-table" aria-label="Tickets">
          <thead>
            <tr>
              <th scope="col">{t('tickets.col.subject')}</th>
              <th scope="col">{t('queue.col.learner')}</th>
              <th scope="col">{t('tickets.col.category')}</th>
              <th scope="col">{t('tickets.col.status')}</th>
              <th scope="col">{t('tickets.col.assignee')}</th>
              <th scope="col">{t('tickets.col.sla')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((tk, i) => (
              <tr
                key={tk.id}
                className={i === active ? 'queue-row is-active' : 'queue-row'}
                data-row-index={i}
                tabIndex={i === active ? 0 : -1}
                onFocus={() => setActive(i)}
                onClick={() => setActive(i)}
              >
                <td>
                  <Link to={`/tickets/${tk.id}`} className="learner-name">
                    {tk.subject}
                  </Link>
                  <span className="muted small-text">
                    <RelativeTime at={tk.createdAt} />
                  </span>
                </td>
                <td>{tk.learnerName}</td>
                <td>
                  {enumLabel(t, 'ticket.category', tk.category)} ·{' '}
                  <span className={`tag tag-${tk.priority}`}>{enumLabel(t, 'case.priority', tk.priority)}</span>
                </td>
                <td>{enumLabel(t, 'ticket.status', tk.status)}</td>
                <td>{tk.assigneeId ? (names.get(tk.assigneeId) ?? '—') : t('tickets.unassigned')}</td>
                <td className="cell-sla">
                  <SlaClock label={t('sla.firstResponse')} state={tk.slaStatus.firstResponse} dueAt={tk.firstResponseDueAt} doneAt={tk.firstRespondedAt} />
                  <SlaClock label={t('sla.resolution')} state={tk.slaStatus.resolution} dueAt={tk.resolutionDueAt} doneAt={tk.resolvedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <NewTicketDialog onClose={() => setCreating(false)} onCreated={(id) => navigate(`/tickets/${id}`)} />}
    </section>
  );
}
