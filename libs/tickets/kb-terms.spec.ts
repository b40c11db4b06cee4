import { searchTerms } from './kb-terms.js';

describe('searchTerms', () => {
  it('splits Chinese into character bigrams, so word order and extra characters do not matter', () => {
    expect(searchTerms('重置密码')).toEqual(['重置', '置密', '密码']);
    const query = new Set(searchTerms('密码忘了怎么重置？'));
    expect(['密码', '重置'].every((t) => query.has(t))).toBe(true);
    expect(query.has('怎么')).toBe(false);
  });

  it('lower-cases and stems English words and drops stop words', () => {
    expect(searchTerms('How do I reset my Passwords?')).toEqual(['reset', 'password']);
    expect(searchTerms('Videos not loading')).toEqual(['video', 'load']);
  });

  it('handles mixed text and full-width characters', () => {
    expect(searchTerms('Ｐｙｔｈｏｎ课程 视频')).toEqual(['python', '课程', '视频']);
  });
});
