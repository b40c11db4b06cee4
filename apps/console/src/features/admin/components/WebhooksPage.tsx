import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Field } from '../../../components/Field';
import { useFieldErrors } from '../../../components/form-errors';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { QueryTable } from '../../../components/QueryTable';
import { RelativeTime } from '../../../components/RelativeTime';
import { useI18n } from '../../../i18n/i18n';
import { ApiError } from '../../../api/client';
import {
  useCreateWebhook,
  useDeliveries,
  useRedeliver,
  useUpdateWebhook,
  useWebhooks,
  WEBHOOK_EVENTS,
  type WebhookEvent,
  type WebhookView,
} from '../api/integrations';

/**
 * Admin: the webhooks (receiver, event types, state) and, for the one chosen (`?webhook=` in the URL), its delivery
 * log: each event's status, attempts, last answer or error, and every attempt.
 */
export function WebhooksPage() {
  const { t, a11y } = useI18n();
  const hooks = useWebhooks();
  const update = useUpdateWebhook();
  const [params, setParams] = useSearchParams();
  const chosen = params.get('webhook') ?? hooks.data?.[0]?.id;
  return (
    <section className="page" aria-labelledby="webhooks-title">
      <div className="page-head">
        <div>
          <h1 id="webhooks-title">{t('webhooks.title')}</h1>
          <p className="muted">{t('webhooks.subtitle')}</p>
        </div>
      </div>
      <QueryTable
        query={hooks}
        empty={<Empty title={t('webhooks.none')} body={t('webhooks.none.body')} />}
        label="Webhooks"
        head={[t('webhooks.url'), t('webhooks.events'), t('webhooks.state')]}
        notice={
          update.isError && (
            <p className="form-error" role="alert">
              {t('webhooks.toggle.failed')}
            </p>
          )
        }
      >
        {(items) =>
          items.map((h) => (
            <tr key={h.id} className={h.id === chosen ? 'is-selected' : undefined}>
              <td>
                <code>{h.url}</code>
              </td>
              <td>{h.events.join(', ')}</td>
              <td>{stateText(t, h)}</td>
              <td className="cell-actions">
                <button
                  type="button"
                  className="small"
                  aria-pressed={h.id === chosen}
                  onClick={() => setParams({ webhook: h.id })}
                  aria-label={a11y(t('webhooks.showLog'), `Delivery log of ${h.url}`)}
                >
                  {t('webhooks.showLog')}
                </button>{' '}
                <button
                  type="button"
                  className="small"
                  disabled={update.isPending}
                  onClick={() =>
                    (h.enabled ? window.confirm(t('webhooks.disable.confirm', { url: h.url })) : true) && update.mutate({ id: h.id, enabled: !h.enabled })
                  }
                  aria-label={a11y(h.enabled ? t('webhooks.disable') : t('webhooks.enable'), `${h.enabled ? 'Disable' : 'Enable'} ${h.url}`)}
                >
                  {h.enabled ? t('webhooks.disable') : t('webhooks.enable')}
                </button>
              </td>
            </tr>
          ))
        }
      </QueryTable>
      {chosen && hooks.data?.some((h) => h.id === chosen) && <DeliveryLog webhook={hooks.data.find((h) => h.id === chosen)!} />}
      <NewWebhook onCreated={(id) => setParams({ webhook: id })} />
    </section>
  );
}

/** A new receiver: its URL, the events it wants and the signing secret (which careloop never shows again). */
function NewWebhook({ onCreated }: { onCreated: (id: string) => void }) {
  const { t, a11y } = useI18n();
  const create = useCreateWebhook();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>([]);
  const [secret, setSecret] = useState('');
  const [offAfter, setOffAfter] = useState('10');
  const [local, setLocal] = useState<Record<string, string>>({});
  const { fieldError } = useFieldErrors(create.error, local);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (!url.trim()) errors.url = t('webhooks.new.url.required');
    if (!events.length) errors.events = t('webhooks.new.events.required');
    if (secret.length < 16) errors.secret = t('webhooks.new.secret.short');
    const n = Number(offAfter);
    if (!Number.isInteger(n) || n < 1 || n > 1000) errors.disableAfterFailures = t('webhooks.new.offAfter.range');
    setLocal(errors);
    if (Object.keys(errors).length) return;
    create.mutate(
      { url: url.trim(), events, secret, disableAfterFailures: n },
      { onSuccess: (w) => (setUrl(''), setEvents([]), setSecret(''), onCreated(w.id)) },
    );
  };
  const eventsError = local.events ?? fieldError('events');
  return (
    <form className="card form-grid" onSubmit={submit} noValidate aria-labelledby="new-webhook-title">
      <h2 id="new-webhook-title">{t('webhooks.new')}</h2>
      <Field label={t('webhooks.url')} accessibleName="Receiver URL" error={fieldError('url')} hint={t('webhooks.new.url.hint')}>
        <input type="url" maxLength={2000} value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://" />
      </Field>
      <fieldset className="scopes" aria-describedby={eventsError ? 'new-webhook-events-error' : undefined}>
        <legend>{t('webhooks.events')}</legend>
        {WEBHOOK_EVENTS.map((ev) => (
          <label key={ev} className="check">
            <input
              type="checkbox"
              checked={events.includes(ev)}
              onChange={(e) => setEvents((cur) => (e.target.checked ? [...cur, ev] : cur.filter((x) => x !== ev)))}
            />{' '}
            <code>{ev}</code>
          </label>
        ))}
        {eventsError && (
          <span id="new-webhook-events-error" className="field-error">
            {eventsError}
          </span>
        )}
      </fieldset>
      <Field label={t('webhooks.new.secret')} accessibleName="Signing secret" error={fieldError('secret')} hint={t('webhooks.new.secret.hint')}>
        <input type="password" autoComplete="new-password" maxLength={500} value={secret} onChange={(e) => setSecret(e.target.value)} />
      </Field>
      <Field label={t('webhooks.new.offAfter')} accessibleName="Switch off after failures" error={fieldError('disableAfterFailures')}>
        <input type="number" min={1} max={1000} step={1} value={offAfter} onChange={(e) => setOffAfter(e.target.value)} />
      </Field>
      <div className="dialog-actions">
        <button
          type="submit"
          className="primary"
          disabled={create.isPending}
          aria-label={a11y(t('webhooks.new.create'), 'Create webhook') ?? t('webhooks.new.create')}
        >
          {create.isPending ? t('state.saving') : t('webhooks.new.create')}
        </button>
      </div>
    </form>
  );
}

function stateText(t: ReturnType<typeof useI18n>['t'], h: WebhookView): string {
  if (!h.enabled) return h.disabledReason ? t('webhooks.disabledWhy', { why: h.disabledReason }) : t('webhooks.disabled');
  return h.consecutiveFailures ? t('webhooks.failing', { n: h.consecutiveFailures, max: h.disableAfterFailures }) : t('webhooks.enabled');
}

function DeliveryLog({ webhook }: { webhook: WebhookView }) {
  const { t, fmt } = useI18n();
  const log = useDeliveries(webhook.id);
  const redeliver = useRedeliver(webhook.id);
  const redeliverError =
    redeliver.error instanceof ApiError && redeliver.error.status === 409
      ? t('webhooks.redeliver.refused')
      : redeliver.error
        ? t('webhooks.redeliver.failed')
        : null;
  return (
    <section className="card" aria-labelledby="log-title">
      <h2 id="log-title">{t('webhooks.log')}</h2>
      {log.isPending && <Loading />}
      {log.isError && <ErrorState error={log.error} retry={() => log.refetch()} />}
      {log.data && log.data.items.length === 0 && <Empty title={t('webhooks.log.none')} />}
      {!webhook.enabled && <p className="muted">{t('webhooks.redeliver.enableFirst')}</p>}
      {redeliverError && (
        <p className="form-error" role="alert">
          {redeliverError}
        </p>
      )}
      {redeliver.isSuccess && (
        <p className="muted" role="status">
          {redeliver.data.queued ? t('webhooks.redeliver.queued') : t('webhooks.redeliver.onItsWay')}
        </p>
      )}
      {log.data && log.data.items.length > 0 && (
        <table className="plain-table" aria-label="Delivery log">
          <thead>
            <tr>
              <th scope="col">{t('webhooks.log.event')}</th>
              <th scope="col">{t('webhooks.log.status')}</th>
              <th scope="col">{t('webhooks.log.attempts')}</th>
              <th scope="col">{t('webhooks.log.last')}</th>
              <th scope="col">{t('webhooks.log.when')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('queue.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {log.data.items.map((d) => (
              <tr key={d.id} data-delivery={d.id}>
                <td>
                  {d.eventType} <span className="muted">#{d.eventId}</span>
                </td>
                <td>
                  <span className={`tag tag-delivery-${d.status}`}>{t(`webhooks.status.${d.status}`)}</span>
                </td>
                <td title={d.attemptLog.map((a) => `${a.attempt}: ${a.statusCode ?? a.error ?? '—'} (${fmt.dateTime(a.at)})`).join('\n')}>{d.attempts}</td>
                <td>{d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—')}</td>
                <td>
                  <RelativeTime at={d.deliveredAt ?? d.createdAt} />
                </td>
                <td className="cell-actions">
                  {(d.status === 'failed' || d.status === 'skipped') && webhook.enabled && (
                    <button
                      type="button"
                      className="small"
                      disabled={redeliver.isPending}
                      aria-label={t('webhooks.redeliver.label', { event: `${d.eventType} #${d.eventId}` })}
                      onClick={() => redeliver.mutate(d.id)}
                    >
                      {t('webhooks.redeliver')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
