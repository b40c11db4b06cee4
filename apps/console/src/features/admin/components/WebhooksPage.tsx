import { useSearchParams } from 'react-router';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { RelativeTime } from '../../../components/RelativeTime';
import { useI18n } from '../../../i18n/i18n';
import { useDeliveries, useWebhooks, type WebhookView } from '../api/integrations';

/**
 * Admin: the webhooks (receiver, event types, state) and, for the one chosen (`?webhook=` in the URL), its delivery
 * log: each event's status, attempts, last answer or error, and every attempt.
 */
export function WebhooksPage() {
  const { t } = useI18n();
  const hooks = useWebhooks();
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
      {hooks.isPending && <Loading />}
      {hooks.isError && <ErrorState error={hooks.error} retry={() => hooks.refetch()} />}
      {hooks.data && hooks.data.length === 0 && <Empty title={t('webhooks.none')} body={t('webhooks.none.body')} />}
      {hooks.data && hooks.data.length > 0 && (
        <table className="plain-table" aria-label="Webhooks">
          <thead>
            <tr>
              <th scope="col">{t('webhooks.url')}</th>
              <th scope="col">{t('webhooks.events')}</th>
              <th scope="col">{t('webhooks.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('queue.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {hooks.data.map((h) => (
              <tr key={h.id} className={h.id === chosen ? 'is-selected' : undefined}>
                <td>
                  <code>{h.url}</code>
                </td>
                <td>{h.events.join(', ')}</td>
                <td>{stateText(t, h)}</td>
                <td className="cell-actions">
                  <button type="button" className="small" aria-pressed={h.id === chosen} onClick={() => setParams({ webhook: h.id })}>
                    {t('webhooks.showLog')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {chosen && hooks.data?.some((h) => h.id === chosen) && <DeliveryLog webhookId={chosen} />}
    </section>
  );
}

function stateText(t: ReturnType<typeof useI18n>['t'], h: WebhookView): string {
  if (!h.enabled) return h.disabledReason ? t('webhooks.disabledWhy', { why: h.disabledReason }) : t('webhooks.disabled');
  return h.consecutiveFailures ? t('webhooks.failing', { n: h.consecutiveFailures, max: h.disableAfterFailures }) : t('webhooks.enabled');
}

function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { t, fmt } = useI18n();
  const log = useDeliveries(webhookId);
  return (
    <section className="card" aria-labelledby="log-title">
      <h2 id="log-title">{t('webhooks.log')}</h2>
      {log.isPending && <Loading />}
      {log.isError && <ErrorState error={log.error} retry={() => log.refetch()} />}
      {log.data && log.data.items.length === 0 && <Empty title={t('webhooks.log.none')} />}
      {log.data && log.data.items.length > 0 && (
        <table className="plain-table" aria-label="Delivery log">
          <thead>
            <tr>
              <th scope="col">{t('webhooks.log.event')}</th>
              <th scope="col">{t('webhooks.log.status')}</th>
              <th scope="col">{t('webhooks.log.attempts')}</th>
              <th scope="col">{t('webhooks.log.last')}</th>
              <th scope="col">{t('webhooks.log.when')}</th>
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
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
