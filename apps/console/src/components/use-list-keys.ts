import { useCallback, useEffect, useRef, useState } from 'react';

/** Typing in a field, holding a modifier, or working in a dialog: list shortcuts stay out of the way. */
export function shortcutAllowed(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return false;
  const el = e.target as HTMLElement | null;
  if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return false;
  return !document.querySelector('dialog[open]');
}

export interface ListKeyHandlers {
  /** Enter on the active row. */
  open?(index: number): void;
  /** Any other single-key shortcut (e.g. "o", "x"), with the active row. */
  key?: Record<string, (index: number) => void>;
  /** "?" */
  help?(): void;
}

/**
 * j / k move through a list, Enter opens the active row, other letters act on it. The active row gets focus, so a
 * screen reader follows, and it is kept in view. Returns the active index and a setter for clicks.
 */
export function useListKeys(count: number, handlers: ListKeyHandlers) {
  const [active, setActive] = useState(0);
  const ref = useRef(handlers);
  ref.current = handlers;
  const clamp = useCallback((i: number) => Math.max(0, Math.min(count - 1, i)), [count]);
  useEffect(() => {
    if (active > count - 1 && count > 0) setActive(count - 1);
  }, [active, count]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!shortcutAllowed(e)) return;
      const h = ref.current;
      if (e.key === '?') {
        e.preventDefault();
        h.help?.();
        return;
      }
      if (count === 0) return;
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        setActive((i) => {
          const next = clamp(e.key === 'j' ? i + 1 : i - 1);
          focusRow(next);
          return next;
        });
        return;
      }
      const target = e.target as HTMLElement | null;
      const onControl = target && ['BUTTON', 'A'].includes(target.tagName);
      if (e.key === 'Enter' && !onControl && h.open) {
        e.preventDefault();
        h.open(active);
        return;
      }
      const action = h.key?.[e.key];
      if (action) {
        e.preventDefault();
        action(active);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [active, count, clamp]);
  return { active, setActive };
}

function focusRow(index: number) {
  requestAnimationFrame(() => {
    const row = document.querySelector<HTMLElement>(`[data-row-index="${index}"]`);
    row?.focus();
    row?.scrollIntoView({ block: 'nearest' });
  });
}
