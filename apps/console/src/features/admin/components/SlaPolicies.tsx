import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { enumLabel } from '../../../components/labels';
import { useI18n } from '../../../i18n/i18n';
import type { CalendarView } from '../api/calendars';
import { useSlaPolicies } from '../api/integrations';

/** The SLA policies in the order they are tried, with what they match, their calendar and their targets. */
export function SlaPolicies({ calendars }: { calendars: CalendarView[] }) {
  const { t } = useI18n();
  const policies = useSlaPolicies();
  const calendarName = new Map(calendars.map((c) => [c.id, c.name]));
  const hours = (minutes: number) => t('slaPolicies.hours', { hours: Math.round((minutes / 60) * 10) / 10 });
  return (
    <section className="card" aria-labelledby="sla-title">
      <h2 id="sla-title">{t('slaPolicies.title')}</h2>
      <p className="muted">{t('slaPolicies.subtitle')}</p>
      {policies.isPending && <Loading />}
      {policies.isError && <ErrorState error={policies.error} retry={() => policies.refetch()} />}
      {policies.data && policies.data.length === 0 && <Empty title={t('slaPolicies.none')} />}
      {policies.data && policies.data.length > 0 && (
        <table className="plain-table" aria-label="SLA policies">
          <thead>
            <tr>
              <th scope="col">{t('slaPolicies.position')}</th>
              <th scope="col">{t('slaPolicies.name')}</th>
              <th scope="col">{t('slaPolicies.match')}</th>
              <th scope="col">{t('slaPolicies.calendar')}</th>
              <th scope="col">{t('slaPolicies.firstResponse')}</th>
              <th scope="col">{t('slaPolicies.resolution')}</th>
            </tr>
          </thead>
          <tbody>
            {[...policies.data]
              .sort((a, b) => a.position - b.position)
              .map((p) => (
                <tr key={p.id}>
                  <td>{p.position}</td>
                  <td>{p.name}</td>
                  <td>
                    {[
                      p.match.category && enumLabel(t, 'ticket.category', p.match.category),
                      p.match.priority && enumLabel(t, 'case.priority', p.match.priority),
                    ]
                      .filter(Boolean)
                      .join(' · ') || t('slaPolicies.matchAll')}
                  </td>
                  <td>{calendarName.get(p.calendarId) ?? '—'}</td>
                  <td>{hours(p.firstResponseMinutes)}</td>
                  <td>{hours(p.resolutionMinutes)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
