import { useI18n } from '../i18n/i18n';

/** Completed share against the share expected by now at the course pace; behind pace is shown in colour and words. */
export function ProgressBar({ percent, expectedPercent, label }: { percent: number; expectedPercent: number; label?: string }) {
  const { t, fmt } = useI18n();
  // Flag only a real gap: under half the expected share, once at least 5% of the course should be done.
  const behind = expectedPercent >= 5 && percent < expectedPercent * 0.5;
  const text = t('progress.text', {
    percent: fmt.number(percent, { maximumFractionDigits: 0 }),
    expected: fmt.number(expectedPercent, { maximumFractionDigits: 0 }),
  });
  return (
    <div className={behind ? 'progress progress-behind' : 'progress'}>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label ?? t('progress.label')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
        aria-valuetext={text}
      >
        <span className="progress-fill" style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
        <span className="progress-expected" style={{ left: `${Math.min(100, Math.max(0, expectedPercent))}%` }} aria-hidden="true" />
      </div>
      <span className="progress-text">
        {text}
        {behind && <span className="tag tag-warn">{t('progress.behind')}</span>}
      </span>
    </div>
  );
}
