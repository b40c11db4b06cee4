/**
 * Search terms for the knowledge base, computed in Node and stored as a text[] with a GIN index.
 * CJK text has no spaces and pg_trgm (under the C locale) drops CJK characters, so runs of CJK characters
 * become overlapping character bigrams (a single character stays a unigram); Latin text becomes lower-cased
 * words with a light plural/verb suffix strip, minus stop words. Both sides of a search use the same function.
 */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const TOKEN =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}])+/gu;
const STOP = new Set(
  'a an and are as at be but by can do does for from how i if in is it its my no not of on or our so that the this to was we what when where which who why will with you your'.split(
    ' ',
  ),
);
/** Very common CJK function-word bigrams that would match everything. */
const CJK_STOP = new Set(['怎么', '什么', '如何', '为什', '么我', '我的', '一个', '可以', '没有', '请问', '你们']);

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 3 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('es') && /(ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  return word;
}

export function searchTerms(...texts: Array<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const token of text.normalize('NFKC').toLowerCase().match(TOKEN) ?? []) {
      if (CJK.test(token[0])) {
        const chars = [...token];
        if (chars.length === 1) out.add(chars[0]);
        for (let i = 0; i + 1 < chars.length; i++) {
          const bigram = chars[i] + chars[i + 1];
          if (!CJK_STOP.has(bigram)) out.add(bigram);
        }
      } else if (!STOP.has(token)) {
        out.add(stem(token));
      }
    }
  }
  return [...out].slice(0, 4000);
}
