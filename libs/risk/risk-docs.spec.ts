import { readFileSync } from 'node:fs';
import { FEATURES } from './risk-features.js';

const DOC = new URL('../../docs/admins.md', import.meta.url);

describe('docs/admins.md "Learned risk"', () => {
  it('lists every feature of the model with its meaning, in order', () => {
    const doc = readFileSync(DOC, 'utf8');
    const block = doc.slice(doc.indexOf('<!-- risk-features'), doc.indexOf('<!-- /risk-features -->'));
    const rows = block
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => l.split(' | ').map((c) => c.replace(/^\| |`| \|$/g, '')));
    expect(rows).toEqual(FEATURES.map((f) => [f.key, f.meaning]));
  });
});
