import { ApiError } from '../api/client';
import { useI18n, type MessageKey } from '../i18n/i18n';

/** Which words explain a failure to a person: no answer, no access, not there, a server fault. */
export function errorKind(error: unknown): 'network' | 'forbidden' | 'notFound' | 'server' | 'rateLimited' | 'other' {
  if (error instanceof ApiError) {
    if (error.status === 0) return 'network';
    if (error.status === 403) return 'forbidden';
    if (error.status === 404) return 'notFound';
    if (error.status === 429) return 'rateLimited';
    if (error.status >= 500) return 'server';
  }
  return 'other';
}

export function ErrorState({ error, retry, notFoundKey }: { error: unknown; retry?: () => void; notFoundKey?: MessageKey }) {
  const { t } = useI18n();
  const kind = errorKind(error);
  const title = kind === 'notFound' && notFoundKey ? t(notFoundKey) : t(`error.${kind}.title`);
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <div className="state state-error" role="alert">
      <h2>{title}</h2>
      <p>{t(`error.${kind}.body`)}</p>
      {kind === 'other' && error instanceof Error && <p className="muted">{error.message}</p>}
      {requestId && <p className="muted">{t('error.requestId', { id: requestId })}</p>}
      {retry && kind !== 'notFound' && kind !== 'forbidden' && (
        <button type="button" onClick={retry}>
          {t('action.retry')}
        </button>
      )}
    </div>
  );
}

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('state.loading')}
    </div>
  );
}

export function Empty({ title, body }: { title: string; body?: string }) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {body && <p className="muted">{body}</p>}
    </div>
  );
}
