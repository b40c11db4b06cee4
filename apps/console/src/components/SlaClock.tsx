import { useI18n } from '../i18n/i18n';
import { useNow } from './RelativeTime';

export type SlaState = 'on_track' | 'warning' | 'breached' | 'met' | null | undefined;

/**
 * One SLA target of a ticket, in colour and in words: "First response: 2 hours left", "warning: 20 minutes left",
 * "breached 3 hours ago", "met". The state comes from the API (business hours); the time left ticks every 30 s.
 */
export function SlaClock({ label, state, dueAt, doneAt }: { label: string; state: SlaState; dueAt: string | null; doneAt: string | null }) {
  const { t, fmt } = useI18n();
  const now = useNow(30_000);
  if (!state) return <span className="sla sla-none">{t('sla.none', { label })}</span>;
  let text: string;
  if (state === 'met') text = t('sla.met', { label, when: doneAt ? fmt.dateTime(doneAt) : '' });
  else if (!dueAt) text = t(`sla.state.${state}`);
  else {
    const ms = new Date(dueAt).getTime() - now.getTime();
    text =
      ms >= 0
        ? t(`sla.left.${state === 'breached' ? 'warning' : state}`, { label, duration: fmt.duration(ms) })
        : t('sla.breached', { label, duration: fmt.duration(-ms) });
    if (state === 'breached' && ms >= 0) text = t('sla.breached.state', { label });
  }
  return (
    <span className={`sla sla-${state}`} title={dueAt ? fmt.dateTime(dueAt, { zone: true }) : undefined}>
      {text}
    </span>
  );
}
