import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n';

/** Re-renders every 30 s so "in 5 minutes" stays true on a page left open. */
export function useNow(intervalMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const id = setInterval(() => setNow(new Date()), intervalMs);
    return () => clearInterval(id);
  }, [intervalMs]);
  return now;
}

/** "in 2 hours" / "2 小时后", with the absolute time (and zone) in a <time> element for the curious and for readers. */
export function RelativeTime({ at, overdueLabel }: { at: string; overdueLabel?: boolean }) {
  const { t, fmt } = useI18n();
  const now = useNow();
  const ms = new Date(at).getTime() - now.getTime();
  const text = overdueLabel && ms < 0 ? t('time.overdue', { duration: fmt.duration(-ms) }) : fmt.relative(at, now);
  return (
    <time dateTime={at} title={fmt.dateTime(at, { zone: true })}>
      {text}
    </time>
  );
}
