import { createRequire } from 'node:module';

/**
 * Official public holidays shipped as calendar presets. `cn`: mainland China, from the `chinese-days` package
 * (maintained from the State Council's yearly notices): the days off, and the make-up working days (调休: weekend
 * days worked in exchange). A year the package does not hold yet (the next year's notice comes out in late autumn)
 * is refused by name: the admin adds its days by hand until the package is updated.
 */
export const HOLIDAY_PRESETS = ['cn'] as const;
export type HolidayPreset = (typeof HOLIDAY_PRESETS)[number];

interface ChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let cn: { holidays: Map<string, string>; workdays: Map<string, string>; years: number[] } | undefined;

function load(): NonNullable<typeof cn> {
  if (!cn) {
    const data = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json') as ChineseDays;
    // Entries read "National Day,国庆节,3": the English name, the Chinese name, the length of the holiday.
    const names = (m: Record<string, string>) => new Map(Object.entries(m).map(([day, v]) => [day, v.split(',').slice(0, 2).join(' / ')]));
    const holidays = names(data.holidays);
    const workdays = names(data.workdays);
    const years = [...new Set([...holidays.keys()].map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b);
    cn = { holidays, workdays, years };
  }
  return cn;
}

/** The years a preset holds, oldest first. */
export function presetYears(preset: HolidayPreset): number[] {
  return preset === 'cn' ? load().years : [];
}

export interface PresetDays {
  holidays: string[];
  workdays: string[];
  /** Each day's holiday, in English and Chinese ("National Day / 国庆节"); make-up days name the holiday they serve. */
  names: Record<string, string>;
}

/** The preset's days off and make-up working days for `years`; `missing` lists the years it does not hold. */
export function presetDays(preset: HolidayPreset, years: number[]): PresetDays & { missing: number[] } {
  const data = load();
  const held = new Set(presetYears(preset));
  const missing = [...new Set(years)].filter((y) => !held.has(y)).sort((a, b) => a - b);
  const wanted = new Set(years.map(String));
  const pick = (m: Map<string, string>) => [...m.keys()].filter((d) => wanted.has(d.slice(0, 4))).sort();
  const holidays = pick(data.holidays);
  const workdays = pick(data.workdays);
  const names: Record<string, string> = {};
  for (const d of holidays) names[d] = data.holidays.get(d)!;
  for (const d of workdays) names[d] = data.workdays.get(d)!;
  return { holidays, workdays, names, missing };
}
