import type { Locale } from './i18n';

/**
 * The API's validation messages are English sentences ("durationMinutes must not be greater than 600"). In Chinese
 * the console says the same in Chinese for the common shapes, so a screen never mixes languages; an unknown shape
 * falls back to a generic Chinese sentence.
 */
const ZH: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/must not be greater than (-?[\d.]+)/, (m) => `不能大于 ${m[1]}`],
  [/must not be less than (-?[\d.]+)/, (m) => `不能小于 ${m[1]}`],
  [/must be an integer/, () => '必须是整数'],
  [/must be a number/, () => '必须是数字'],
  [/must be one of the following values/, () => '不是可选的值'],
  [/ISO 8601|must be a date|valid date/i, () => '必须是有效的日期和时间'],
  [/must be longer than or equal to (\d+)/, (m) => `至少 ${m[1]} 个字符`],
  [/must be shorter than or equal to (\d+)/, (m) => `最多 ${m[1]} 个字符`],
  [/should not be empty|must not be empty|is required|required/i, () => '必填'],
  [/must be an email/, () => '必须是有效的邮箱地址'],
  [/in the past/i, () => '不能早于现在'],
  [/must be a UUID/, () => '不是有效的编号'],
];

export function localizeServerMessage(locale: Locale, message: string): string {
  if (locale === 'en') return message;
  for (const [pattern, say] of ZH) {
    const m = message.match(pattern);
    if (m) return say(m);
  }
  return '此项的值无效';
}
