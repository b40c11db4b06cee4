import { useCallback, useRef, useState } from 'react';

/**
 * Row selection for bulk work: click toggles a row, shift-click selects the range from the last clicked row,
 * and a whole set (e.g. every row matching a filter) can be selected at once.
 */
export function useSelection<T extends { id: string }>(rows: T[]) {
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const anchor = useRef<number | null>(null);
  const toggle = useCallback(
    (index: number, opts: { range?: boolean } = {}) => {
      setSelected((prev) => {
        const next = new Set(prev);
        const id = rows[index]?.id;
        if (!id) return prev;
        if (opts.range && anchor.current !== null) {
          const [from, to] = anchor.current < index ? [anchor.current, index] : [index, anchor.current];
          const on = !prev.has(id) || prev.has(rows[anchor.current]?.id ?? '');
          for (let i = from; i <= to; i++) {
            if (on) next.add(rows[i].id);
            else next.delete(rows[i].id);
          }
        } else if (next.has(id)) next.delete(id);
        else next.add(id);
        anchor.current = index;
        return next;
      });
    },
    [rows],
  );
  const selectAll = useCallback((ids: string[]) => setSelected(new Set(ids)), []);
  const clear = useCallback(() => {
    anchor.current = null;
    setSelected(new Set());
  }, []);
  return { selected, toggle, selectAll, clear };
}
