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

/**
 * Why a case went to whom, as the assignment policy wrote it for the audit log (libs/assignment/assignment-policy.ts):
 * in Chinese, the known shapes are said in Chinese; a reason a person typed (manual or bulk moves) is kept as typed.
 */
export function localizeAssignmentReason(locale: Locale, reason: string): string {
  if (locale === 'en') return reason;
  const parts = reason.split('; ');
  return parts.map(zhReasonPart).join('；');
}

function zhReasonPart(part: string): string {
  let m: RegExpMatchArray | null;
  if ((m = part.match(/^continuity: learner's owner has room \((\d+)\/(\d+) open\)$/))) return `延续负责关系：学员的负责顾问还有余量（${m[1]}/${m[2]} 个未结）`;
  if ((m = part.match(/^least loaded in team \((\d+)\/(\d+) open(?:, skill "([^"]+)")?(?: \(nobody active has skill "([^"]+)"\))?\)$/))) {
    const skill = m[3] ? `，技能“${m[3]}”` : m[4] ? `，团队中无人具备技能“${m[4]}”` : '';
    return `团队中负担最轻（${m[1]}/${m[2]} 个未结${skill}）`;
  }
  if (part === 'pool: no responsible team') return '进入待分配池：没有负责的团队';
  if (part === 'pool: no active advisor in the team') return '进入待分配池：团队中没有在岗的顾问';
  if ((m = part.match(/^pool: all (\d+) eligible advisor\(s\) of the team are at capacity(?: \(nobody active has skill "([^"]+)"\))?$/)))
    return `进入待分配池：团队中 ${m[1]} 位合适的顾问都已满额${m[2] ? `（无人具备技能“${m[2]}”）` : ''}`;
  if (part === 'owner unknown') return '负责顾问未知';
  if (part === 'owner excluded') return '负责顾问被排除';
  if (part === 'owner is an admin') return '负责人是管理员';
  if ((m = part.match(/^owner is (away|inactive)$/))) return m[1] === 'away' ? '负责顾问不在岗' : '负责顾问已停用';
  if ((m = part.match(/^owner at capacity \((\d+)\/(\d+)\)$/))) return `负责顾问已满额（${m[1]}/${m[2]}）`;
  if ((m = part.match(/^manual assignment: (.*)$/s))) return `手动分配：${m[1]}`;
  if ((m = part.match(/^bulk reassignment by policy \((.*?)\): (.*)$/s))) return `按规则批量改派（${m[1]}）：${zhReasonPart(m[2])}`;
  if ((m = part.match(/^bulk reassignment: (.*)$/s))) return `批量改派：${m[1]}`;
  return part;
}
