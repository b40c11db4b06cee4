import { ApiError } from '../api/client';
import { useI18n } from '../i18n/i18n';
import { localizeServerMessage } from '../i18n/server-messages';

/**
 * The errors of a form, one per field: a check the page made itself first, else the API's 400 detail for that
 * field (in the viewer's language). `apiError` is the failure as a whole; `fieldsNamed` says whether the API
 * named any field, so a form shows a general message only when it did not.
 */
export function useFieldErrors(error: unknown, local: Record<string, string> = {}) {
  const { locale } = useI18n();
  const apiError = error instanceof ApiError ? error : undefined;
  const fieldError = (field: string): string | undefined => {
    if (local[field]) return local[field];
    const m = apiError?.fieldMessage(field);
    return m ? localizeServerMessage(locale, m) : undefined;
  };
  return { apiError, fieldError, fieldsNamed: !!apiError && apiError.details.length > 0 };
}
