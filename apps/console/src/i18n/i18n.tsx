import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import en from './en.json';
import zhCN from './zh-CN.json';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

const CATALOGS: Record<Locale, Messages> = { en, 'zh-CN': zhCN };
const STORAGE_KEY = 'careloop.locale';

/** Chinese where the browser prefers it (any zh-* ahead of English), else English; a saved choice wins. */
export function detectLocale(saved: string | null, preferred: readonly string[]): Locale {
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

// Intl objects are costly to build (a queue of 150 rows formats about a thousand values): build each once.
const pluralRules = new Map<string, Intl.PluralRules>();
function memo<K, V>(cache: Map<K, V>, key: K, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) cache.set(key, (v = make()));
  return v;
}

/** `{name}` placeholders; `{count}` also picks `key.one` / `key.other` when the catalog has them. */
export function translate(messages: Messages, locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  let template: string = messages[key];
  if (vars && typeof vars.count === 'number') {
    const form = memo(pluralRules, locale, () => new Intl.PluralRules(locale)).select(vars.count);
    const plural = (messages as Record<string, string>)[`${key}.${form}`];
    if (plural) template = plural;
  }
  if (template === undefined) return key;
  return vars ? template.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : template;
}

export interface Formatters {
  /** "12月5日 周六 09:30" / "Sat, 5 Dec, 09:30", with the zone when `zone` is true. */
  dateTime(iso: string | Date, opts?: { zone?: boolean }): string;
  date(iso: string | Date): string;
  time(iso: string | Date): string;
  /** "in 2 hours", "3 days ago" (Intl.RelativeTimeFormat, the largest sensible unit). */
  relative(iso: string | Date, now?: Date): string;
  /** "3 days", "2 hours": a span, for "3 days overdue". */
  duration(ms: number): string;
  number(n: number, opts?: Intl.NumberFormatOptions): string;
  percent(fraction: number): string;
  /** YYYY-MM-DD of an instant in the viewer's zone. */
  day(iso: string | Date): string;
  /** The viewer's time zone and its short name, e.g. "Asia/Shanghai (GMT+8)". */
  zoneLabel: string;
  timeZone: string;
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

function pickUnit(ms: number): [Intl.RelativeTimeFormatUnit, number] {
  const abs = Math.abs(ms);
  for (const [unit, size] of UNITS) {
    if (abs >= size || unit === 'minute') return [unit, Math.round(ms / size)];
  }
  return ['minute', Math.round(ms / 60_000)];
}

export function makeFormatters(locale: Locale, timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone): Formatters {
  const d = (iso: string | Date) => (iso instanceof Date ? iso : new Date(iso));
  const dateTimeFmt = new Intl.DateTimeFormat(locale, {
    timeZone,
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const dateTimeZoneFmt = new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  });
  const dateFmt = new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: 'short', day: 'numeric' });
  const timeFmt = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const dayFmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const rel = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const shortZone = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' })
    .formatToParts(new Date())
    .find((p) => p.type === 'timeZoneName')?.value;
  const numberFormats = new Map<string, Intl.NumberFormat>();
  const numberFormat = (opts?: Intl.NumberFormatOptions) => memo(numberFormats, opts ? JSON.stringify(opts) : '', () => new Intl.NumberFormat(locale, opts));
  return {
    timeZone,
    zoneLabel: shortZone && shortZone !== timeZone ? `${timeZone} (${shortZone})` : timeZone,
    dateTime: (iso, opts) => (opts?.zone ? dateTimeZoneFmt : dateTimeFmt).format(d(iso)),
    date: (iso) => dateFmt.format(d(iso)),
    time: (iso) => timeFmt.format(d(iso)),
    relative: (iso, now = new Date()) => {
      const [unit, value] = pickUnit(d(iso).getTime() - now.getTime());
      return rel.format(value, unit);
    },
    duration: (ms) => {
      const [unit, value] = pickUnit(Math.abs(ms));
      return numberFormat({ style: 'unit', unit, unitDisplay: 'long' }).format(Math.max(1, Math.abs(value)));
    },
    number: (n, opts) => numberFormat(opts).format(n),
    percent: (fraction) => numberFormat({ style: 'percent', maximumFractionDigits: 0 }).format(fraction),
    day: (iso) => dayFmt.format(d(iso)),
  };
}

interface I18nValue {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  fmt: Formatters;
  /**
   * The accessible name of a control that tests and assistive tech find by a stable English name ("Log outcome"):
   * in English the visible text is that name; in Chinese the name is the visible text followed by the English, so
   * the visible words stay part of the name (WCAG 2.5.3) and the English name still finds it.
   */
  a11y(visible: string, english: string): string | undefined;
}

export function stableName(locale: Locale, visible: string, english: string): string | undefined {
  if (visible === english || (locale === 'en' && visible.includes(english))) return undefined;
  return locale === 'en' ? english : `${visible} ${english}`;
}

const I18nContext = createContext<I18nValue | null>(null);

function storedLocale(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => detectLocale(storedLocale(), navigator.languages ?? [navigator.language]));
  const setLocale = useCallback((next: Locale) => {
    setLocaleState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = CATALOGS[locale]['app.title'];
  }, [locale]);
  const value = useMemo<I18nValue>(() => {
    const messages = CATALOGS[locale];
    return {
      locale,
      setLocale,
      t: (key, vars) => translate(messages, locale, key, vars),
      fmt: makeFormatters(locale),
      a11y: (visible, english) => stableName(locale, visible, english),
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
