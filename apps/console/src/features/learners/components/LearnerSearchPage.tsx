import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { enumLabel } from '../../../components/labels';
import { RelativeTime } from '../../../components/RelativeTime';
import { useListKeys } from '../../../components/use-list-keys';
import { useI18n } from '../../../i18n/i18n';
import { useLearnerSearch } from '../api/learners';

/** Find a learner by name, phone, email or external id (only the learners the caller may see), and open them. */
export function LearnerSearchPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const search = useLearnerSearch(q);
  const navigate = useNavigate();
  const items = search.data?.items ?? [];
  const { active, setActive } = useListKeys(items.length, { open: (i) => items[i] && navigate(`/learners/${items[i].id}`) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(draft.trim() ? { q: draft.trim() } : {});
  };
  return (
    <section className="page" aria-labelledby="learners-title">
      <div className="page-head">
        <h1 id="learners-title">{t('learners.title')}</h1>
      </div>
      <form role="search" onSubmit={submit} className="search-row">
        <label htmlFor="learner-q">{t('learners.search.label')}</label>
        <input id="learner-q" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder={t('layout.search.placeholder')} />
        <button type="submit" className="primary">
          {t('learners.search.submit')}
        </button>
      </form>
      {search.isPending && <Loading />}
      {search.isError && <ErrorState error={search.error} retry={() => search.refetch()} />}
      {search.data && items.length === 0 && <Empty title={q ? t('learners.empty.query', { q }) : t('learners.empty')} />}
      {items.length > 0 && (
        <table className="plain-table" aria-label="Learners">
          <thead>
            <tr>
              <th scope="col">{t('queue.col.learner')}</th>
              <th scope="col">{t('learner.phone')}</th>
              <th scope="col">{t('queue.col.stage')}</th>
              <th scope="col">{t('learner.risk')}</th>
              <th scope="col">{t('learner.owner')}</th>
              <th scope="col">{t('learner.lastLogin')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((l, i) => (
              <tr
                key={l.id}
                data-row-index={i}
                tabIndex={i === active ? 0 : -1}
                className={i === active ? 'is-active' : undefined}
                onFocus={() => setActive(i)}
              >
                <td>
                  <Link to={`/learners/${l.id}`}>{l.name}</Link> <span className="muted">{l.externalId}</span>
                </td>
                <td>{l.phone ?? '—'}</td>
                <td>{enumLabel(t, 'stage', l.stage)}</td>
                <td>
                  <span className={`chip chip-${l.risk}`}>{enumLabel(t, 'risk', l.risk)}</span>
                </td>
                <td>{l.owner?.name ?? t('learner.owner.none')}</td>
                <td>{l.lastLoginAt ? <RelativeTime at={l.lastLoginAt} /> : t('learner.lastLogin.never')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {search.data?.nextCursor && <p className="muted">{t('learners.more')}</p>}
    </section>
  );
}
