import { useCallback, useMemo, useState } from 'react';
import { NavLink, useSearchParams } from 'react-router';
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
