import { cloneElement, useId, type ReactElement } from 'react';
import { useI18n } from '../i18n/i18n';

/**
 * A labelled form control with its error right below it, tied to the control (aria-describedby, aria-invalid),
 * so a screen reader reads the error with the field.
 */
export function Field({
  label,
  accessibleName,
  error,
  hint,
  children,
}: {
  label: string;
  accessibleName?: string;
  error?: string;
  hint?: string;
  children: ReactElement<Record<string, unknown>>;
}) {
  const { a11y } = useI18n();
  const id = useId();
  const name = accessibleName ? a11y(label, accessibleName) : undefined;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, ...(name ? { 'aria-label': name } : {}) })}
      {hint && (
        <span id={hintId} className="field-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={errorId} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
