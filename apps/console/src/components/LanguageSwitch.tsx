import { LOCALES, useI18n, type Locale } from '../i18n/i18n';

const NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };

/** Chinese / English; the choice is saved in this browser. Each option is named in its own language. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label className="lang">
      <span className="visually-hidden">{t('layout.language')}</span>
      <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)}>
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
