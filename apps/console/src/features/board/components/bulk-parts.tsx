import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { NavLink, useSearchParams } from 'react-router';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { ShortcutsDialog } from '../../../components/ShortcutsDialog';
import { useI18n } from '../../../i18n/i18n';

/** Filters kept in the URL (so a view can be bookmarked and shared); setting one drops `resets` too. */
export function useUrlFilters<K extends string>(keys: readonly K[], resets: Partial<Record<K, K[]>> = {}) {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const f: Partial<Record<K, string>> = {};
    for (const k of keys) {
      const v = params.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [params, keys]);
  const setFilters = useCallback(
    (updates: Partial<Record<K, string>>) => {
      const p = new URLSearchParams(params);
      for (const [key, value] of Object.entries(updates) as Array<[K, string | undefined]>) {
        if (value) p.set(key, value);
        else p.delete(key);
        for (const r of resets[key] ?? []) if (!(r in updates)) p.delete(r);
      }
      setParams(p, { replace: true });
    },
    [params, setParams, resets],
  );
  return [filters, setFilters] as const;
}

/** "Select all matching this filter": fetches the ids, then selects them; says how many (and when capped). */
export function useSelectMatching(load: () => Promise<{ ids: string[]; capped: boolean }>, selectAll: (ids: string[]) => void) {
  const [state, setState] = useState<{ pending: boolean; capped?: boolean; count?: number }>({ pending: false });
  const run = async () => {
    setState({ pending: true });
    try {
      const { ids, capped } = await load();
      selectAll(ids);
      setState({ pending: false, capped, count: ids.length });
    } catch {
      setState({ pending: false });
    }
  };
  return { state, run, reset: () => setState({ pending: false }) };
}

/** The bar above a bulk list: how many are selected, select matching, clear, Reassign, shortcuts. */
export function BulkBar({
  count,
  matching,
  matchingText,
  canSelectMatching,
  onSelectMatching,
  onClear,
  onReassign,
  onHelp,
}: {
  count: number;
  matching: boolean;
  matchingText?: string;
  canSelectMatching: boolean;
  onSelectMatching(): void;
  onClear(): void;
  onReassign(): void;
  onHelp(): void;
}) {
  const { t, a11y } = useI18n();
  return (
    <div className="bulk-bar" role="region" aria-label={t('bulk.bar')}>
      <span>
        <strong>{count}</strong> {t('bulk.selected')}
      </span>
      <button type="button" onClick={onSelectMatching} disabled={matching || !canSelectMatching}>
        {matching ? t('state.loading') : t('bulk.selectMatching')}
      </button>
      {matchingText && <span className="muted">{matchingText}</span>}
      <button type="button" onClick={onClear} disabled={count === 0}>
        {t('bulk.clear')}
      </button>
      <button type="button" className="primary" aria-label={a11y(t('bulk.reassign'), 'Reassign')} disabled={count === 0} onClick={onReassign}>
        {t('bulk.reassign')}
      </button>
      <button type="button" className="link-button" onClick={onHelp}>
        {t('shortcuts.open')} <kbd>?</kbd>
      </button>
    </div>
  );
}

/** Cases | Calls: the two bulk views, keeping the team filter. */
export function BulkTabs({ teamId }: { teamId?: string }) {
  const { t } = useI18n();
  const q = teamId ? `?teamId=${teamId}` : '';
  return (
    <nav className="tabs" aria-label={t('bulk.tabs')}>
      <NavLink to={`/board/cases${q}`}>{t('bulk.tabs.cases')}</NavLink>
      <NavLink to={`/board/tasks${q}`}>{t('bulk.tabs.tasks')}</NavLink>
    </nav>
  );
}

/** What a bulk list's query gives the list (TanStack's infinite query). */
interface PagedQuery {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: unknown;
  refetch: () => unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/**
 * The list of a bulk page: loading, error and empty states, the table with a selection column first (`head` names the
 * other columns, `children` are the rows) and "more" while pages remain.
 */
export function BulkList({
  query,
  count,
  empty,
  label,
  head,
  children,
}: {
  query: PagedQuery;
  count: number;
  empty: string;
  label: string;
  head: string[];
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <>
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} retry={() => query.refetch()} />}
      {!!query.data && count === 0 && <Empty title={empty} />}
      {count > 0 && (
        <table className="queue-table" aria-label={label}>
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">{t('bulk.select')}</span>
              </th>
              {head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      )}
      {query.hasNextPage && (
        <button type="button" onClick={() => query.fetchNextPage()} disabled={query.isFetchingNextPage}>
          {query.isFetchingNextPage ? t('state.loading') : t('bulk.more')}
        </button>
      )}
    </>
  );
}

/** The keys of a bulk list; Enter opens what `open` says (the case, or the learner of a call). */
export function BulkShortcuts({ open, onClose }: { open: string; onClose: () => void }) {
  const { t } = useI18n();
  return (
    <ShortcutsDialog
      onClose={onClose}
      shortcuts={[
        { keys: ['j'], label: t('shortcuts.next') },
        { keys: ['k'], label: t('shortcuts.prev') },
        { keys: ['x'], label: t('shortcuts.select') },
        { keys: ['Shift', 'click'], label: t('shortcuts.range') },
        { keys: ['Enter'], label: open },
        { keys: ['?'], label: t('shortcuts.help') },
      ]}
    />
  );
}
