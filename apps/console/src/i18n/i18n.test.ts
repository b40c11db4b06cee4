import { describe, expect, it } from 'vitest';
import en from './en.json';
import zhCN from './zh-CN.json';
import { detectLocale, makeFormatters, stableName, translate, type Messages } from './i18n';
import { localizeAssignmentReason, localizeServerMessage } from './server-messages';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  it('have the same keys in Chinese and English', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });
  it('use the same placeholders for each key in both languages', () => {
    const off = Object.keys(en).filter((k) => placeholders(en[k as keyof typeof en]).join() !== placeholders(zhCN[k as keyof typeof zhCN]).join());
    expect(off).toEqual([]);
  });
  it('have no empty text, and the Chinese catalog has no untranslated English sentence', () => {
    expect(Object.entries(en).filter(([, v]) => !v.trim())).toEqual([]);
    expect(Object.entries(zhCN).filter(([, v]) => !v.trim())).toEqual([]);
    // Every Chinese entry has Chinese in it, except ones that are only placeholders, numbers or the brand.
    const english = Object.entries(zhCN).filter(
      ([, v]) => !/[\u4e00-\u9fff]/.test(v.replace(/\{\w+\}/g, '')) && /[A-Za-z]{3,}/.test(v.replace(/\{\w+\}|careloop/g, '')),
    );
    expect(english).toEqual([]);
  });
});

describe('translate', () => {
  const messages = { 'a.b': 'Hello {name}', n: '{count} calls', 'n.one': '{count} call', 'n.other': '{count} calls' } as unknown as Messages;
  it('fills placeholders and picks the plural form', () => {
    expect(translate(messages, 'en', 'a.b' as never, { name: 'Li' })).toBe('Hello Li');
    expect(translate(messages, 'en', 'n' as never, { count: 1 })).toBe('1 call');
    expect(translate(messages, 'en', 'n' as never, { count: 3 })).toBe('3 calls');
  });
  it('leaves an unknown placeholder as it is and falls back to the key', () => {
    expect(translate(messages, 'en', 'a.b' as never, {})).toBe('Hello {name}');
    expect(translate(messages, 'en', 'missing' as never)).toBe('missing');
  });
});

describe('detectLocale', () => {
  it('prefers a saved choice, then the first Chinese or English browser language, else English', () => {
    expect(detectLocale('en', ['zh-CN'])).toBe('en');
    expect(detectLocale(null, ['zh-TW', 'en'])).toBe('zh-CN');
    expect(detectLocale(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(detectLocale(null, ['fr-FR', 'zh'])).toBe('zh-CN');
    expect(detectLocale('de', ['fr'])).toBe('en');
  });
});

describe('stableName', () => {
  it('keeps the visible words in the accessible name and adds the stable English name in Chinese', () => {
    expect(stableName('en', 'Log outcome', 'Log outcome')).toBeUndefined();
    expect(stableName('zh-CN', '记录结果', 'Log outcome')).toBe('记录结果 Log outcome');
    expect(stableName('en', 'Churn reason (required when churned)', 'Churn reason')).toBeUndefined();
  });
});

describe('formatters', () => {
  const now = new Date('2026-12-03T08:00:00Z');
  it('writes relative times and spans in each language', () => {
    const en = makeFormatters('en', 'Asia/Shanghai');
    const zh = makeFormatters('zh-CN', 'Asia/Shanghai');
    expect(en.relative('2026-12-03T10:00:00Z', now)).toBe('in 2 hours');
    expect(en.relative('2026-11-30T08:00:00Z', now)).toBe('3 days ago');
    expect(zh.relative('2026-12-03T10:00:00Z', now)).toBe('2小时后');
    expect(en.duration(3 * 86_400_000)).toBe('3 days');
    expect(zh.duration(3 * 86_400_000)).toBe('3天');
  });
  it("shows times in the viewer's zone and names the zone", () => {
    const en = makeFormatters('en', 'Asia/Shanghai');
    expect(en.time('2026-12-05T01:00:00Z')).toBe('09:00');
    expect(en.zoneLabel).toBe('Asia/Shanghai (GMT+8)');
    expect(en.dateTime('2026-12-05T01:00:00Z', { zone: true })).toContain('GMT+8');
  });
});

describe('server messages in Chinese', () => {
  it('says the common validation messages in Chinese and never shows English in a Chinese screen', () => {
    expect(localizeServerMessage('zh-CN', 'durationMinutes must not be greater than 600')).toBe('不能大于 600');
    expect(localizeServerMessage('zh-CN', 'something nobody expected')).toBe('此项的值无效');
    expect(localizeServerMessage('en', 'durationMinutes must not be greater than 600')).toBe('durationMinutes must not be greater than 600');
  });
});

describe('assignment reasons in Chinese', () => {
  it("says the policy's reasons in Chinese and keeps what a person typed", () => {
    expect(localizeAssignmentReason('zh-CN', 'least loaded in team (13/100 open, skill "data")')).toBe('团队中负担最轻（13/100 个未结，技能“data”）');
    expect(localizeAssignmentReason('zh-CN', 'owner is away; least loaded in team (2/60 open)')).toBe('负责顾问不在岗；团队中负担最轻（2/60 个未结）');
    expect(localizeAssignmentReason('zh-CN', "continuity: learner's owner has room (3/100 open)")).toBe('延续负责关系：学员的负责顾问还有余量（3/100 个未结）');
    expect(localizeAssignmentReason('zh-CN', 'manual assignment: 会说粤语')).toBe('手动分配：会说粤语');
    expect(localizeAssignmentReason('en', 'least loaded in team (13/100 open)')).toBe('least loaded in team (13/100 open)');
  });
});
