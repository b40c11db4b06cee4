import { presetDays, presetYears } from './holiday-presets.js';

/** The shipped data, checked against the State Council's notices for the years careloop's tests use. */
describe('holiday presets: mainland China', () => {
  it('holds 2025 and 2026 and not 2027 (not published when this data was cut)', () => {
    const years = presetYears('cn');
    expect(years).toEqual(expect.arrayContaining([2025, 2026]));
    expect(years).not.toContain(2027);
    expect(presetDays('cn', [2026, 2027]).missing).toEqual([2027]);
  });

  it('2026 (国办发明电〔2025〕7号): National Day and Mid-Autumn, Spring Festival, with their make-up working days', () => {
    const d = presetDays('cn', [2026]);
    // 国庆节: 10月1日至7日放假；9月20日（周日）、10月10日（周六）上班. 中秋节: 9月25日至27日.
    for (let day = 1; day <= 7; day++) expect(d.holidays).toContain(`2026-10-0${day}`);
    expect(d.holidays).not.toContain('2026-10-08');
    expect(d.holidays).toEqual(expect.arrayContaining(['2026-09-25', '2026-09-26', '2026-09-27']));
    expect(d.workdays).toEqual(expect.arrayContaining(['2026-09-20', '2026-10-10']));
    expect(d.names['2026-10-01']).toBe('National Day / 国庆节');
    // 春节: 2月15日至23日放假；2月14日（周六）、2月28日（周六）上班.
    for (const day of ['2026-02-15', '2026-02-19', '2026-02-23']) expect(d.holidays).toContain(day);
    expect(d.workdays).toEqual(expect.arrayContaining(['2026-02-14', '2026-02-28']));
    expect(d.missing).toEqual([]);
  });

  it('2025 (国办发明电〔2024〕12号): National Day 10月1日至8日, make-up days 9月28日 and 10月11日', () => {
    const d = presetDays('cn', [2025]);
    for (let day = 1; day <= 8; day++) expect(d.holidays).toContain(`2025-10-0${day}`);
    expect(d.workdays).toEqual(expect.arrayContaining(['2025-09-28', '2025-10-11']));
  });
});
