import { useI18n } from '../i18n/i18n';
import { Dialog } from './Dialog';

export interface Shortcut {
  keys: string[];
  label: string;
}

/** "?": the keyboard shortcuts of the page. */
export function ShortcutsDialog({ shortcuts, onClose }: { shortcuts: Shortcut[]; onClose(): void }) {
  const { t } = useI18n();
  return (
    <Dialog title={t('shortcuts.title')} onClose={onClose}>
      <dl className="shortcuts">
        {shortcuts.map((s) => (
          <div key={s.keys.join('+')}>
            <dt>
              {s.keys.map((k) => (
                <kbd key={k}>{k}</kbd>
              ))}
            </dt>
            <dd>{s.label}</dd>
          </div>
        ))}
      </dl>
      <div className="dialog-actions">
        <button type="button" onClick={onClose} autoFocus>
          {t('action.close')}
        </button>
      </div>
    </Dialog>
  );
}
