import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { ErrorState, Loading } from './ErrorState';

/** What a list query gives the table (a TanStack query of an array). */
interface ListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T[] | undefined;
  refetch: () => unknown;
}

/**
 * A settings list: loading, error (with retry) and `empty` states, then the table: `head` names the columns, a last
 * column for row actions unless `actions` is false, and `children` renders the rows. `notice` sits between the
 * states and the table (e.g. an action that failed).
 */
export function QueryTable<T>({
  query,
  empty,
  label,
  head,
  actions = true,
  notice,
  children,
}: {
  query: ListQuery<T>;
  empty: ReactNode;
  label: string;
  head: string[];
  actions?: boolean;
  notice?: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  const { t } = useI18n();
  return (
    <>
      {query.isPending && <Loading />}
      {query.isError && <ErrorState error={query.error} retry={() => query.refetch()} />}
      {query.data && query.data.length === 0 && empty}
      {notice}
      {query.data && query.data.length > 0 && (
        <table className="plain-table" aria-label={label}>
          <thead>
            <tr>
              {head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
              {actions && (
                <th scope="col">
                  <span className="visually-hidden">{t('queue.col.actions')}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>{children(query.data)}</tbody>
        </table>
      )}
    </>
  );
}
