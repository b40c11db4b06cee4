import { useState, type FormEvent } from 'react';
import { Empty } from '../../../components/ErrorState';
import { QueryTable } from '../../../components/QueryTable';
import { Field } from '../../../components/Field';
import { useFieldErrors } from '../../../components/form-errors';
import { RelativeTime } from '../../../components/RelativeTime';
import { useI18n } from '../../../i18n/i18n';
import { useApiClients, useCreateApiClient, useRevokeApiClient, type ApiClientCreated } from '../api/integrations';

const SCOPES = ['sync:write', 'read'] as const;

/**
 * Admin: API keys for the school's platform and reporting tools. A new key is shown once, with a copy button, and
 * never again (careloop keeps only its hash); a key can be revoked.
 */
export function ApiKeysPage() {
  const { t, a11y } = useI18n();
  const clients = useApiClients();
  const create = useCreateApiClient();
  const revoke = useRevokeApiClient();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Array<(typeof SCOPES)[number]>>(['sync:write']);
  const [created, setCreated] = useState<ApiClientCreated | null>(null);
  const [copied, setCopied] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const { fieldError } = useFieldErrors(create.error, local);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (!name.trim()) errors.name = t('keys.name.required');
    if (!scopes.length) errors.scopes = t('keys.scopes.required');
    setLocal(errors);
    if (Object.keys(errors).length) return;
    setCopied(false);
    create.mutate({ name: name.trim(), scopes }, { onSuccess: (c) => (setCreated(c), setName('')) });
  };
  const copy = async () => {
    if (!created) return;
    await navigator.clipboard.writeText(created.key).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <section className="page" aria-labelledby="keys-title">
      <div className="page-head">
        <div>
          <h1 id="keys-title">{t('keys.title')}</h1>
          <p className="muted">{t('keys.subtitle')}</p>
        </div>
      </div>
      {created && (
        <div className="notice key-once" role="status" aria-label={a11y(t('keys.once.title'), 'New key') ?? t('keys.once.title')}>
          <p>
            <strong>{t('keys.once.title')}</strong> {t('keys.once.body', { name: created.name })}
          </p>
          <code className="key-value">{created.key}</code>{' '}
          <button type="button" className="small primary" onClick={copy} aria-label={a11y(t('keys.copy'), 'Copy key') ?? t('keys.copy')}>
            {t('keys.copy')}
          </button>{' '}
          {copied && <span className="muted">{t('keys.copied')}</span>}{' '}
          <button type="button" className="small" onClick={() => setCreated(null)}>
            {t('keys.once.done')}
          </button>
        </div>
      )}
      <QueryTable
        query={clients}
        empty={<Empty title={t('keys.none')} />}
        label="API keys"
        head={[t('keys.name'), t('keys.scopes'), t('keys.prefix'), t('keys.lastUsed')]}
      >
        {(items) =>
          items.map((c) => (
            <tr key={c.id} className={c.revokedAt ? 'is-closed' : undefined}>
              <td>{c.name}</td>
              <td>{c.scopes.map((s) => t(`keys.scope.${s === 'sync:write' ? 'sync' : 'read'}`)).join(', ')}</td>
              <td>
                <code>{c.keyPrefix}…</code>
              </td>
              <td>{c.revokedAt ? t('keys.revoked') : c.lastUsedAt ? <RelativeTime at={c.lastUsedAt} /> : t('keys.neverUsed')}</td>
              <td className="cell-actions">
                {!c.revokedAt && (
                  <button
                    type="button"
                    className="small"
                    disabled={revoke.isPending}
                    onClick={() => window.confirm(t('keys.revoke.confirm', { name: c.name })) && revoke.mutate(c.id)}
                    aria-label={a11y(t('keys.revoke'), `Revoke ${c.name}`) ?? t('keys.revoke')}
                  >
                    {t('keys.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))
        }
      </QueryTable>
      <form className="card form-grid" onSubmit={submit} noValidate aria-labelledby="new-key-title">
        <h2 id="new-key-title">{t('keys.new')}</h2>
        <Field label={t('keys.name')} accessibleName="Name" error={fieldError('name')} hint={t('keys.name.hint')}>
          <input type="text" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <fieldset className="scopes">
          <legend>{t('keys.scopes')}</legend>
          {SCOPES.map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))}
              />{' '}
              {t(`keys.scope.${s === 'sync:write' ? 'sync' : 'read'}`)}
            </label>
          ))}
          {(local.scopes ?? fieldError('scopes')) && <span className="field-error">{local.scopes ?? fieldError('scopes')}</span>}
        </fieldset>
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={create.isPending} aria-label={a11y(t('keys.create'), 'Create key') ?? t('keys.create')}>
            {create.isPending ? t('state.saving') : t('keys.create')}
          </button>
        </div>
      </form>
    </section>
  );
}
