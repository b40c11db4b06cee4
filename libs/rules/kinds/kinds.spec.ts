import { readFileSync, writeFileSync } from 'node:fs';
import { describeEvidence } from '../evidence-summary.js';
import { describeParams } from '../rule-views.js';
import { PARAM_SPECS, RULE_KINDS, normalizeParams } from '../rule-definitions.js';
import { defaultRules, defaultRulesTable, KINDS } from './index.js';

const DOC = 'docs/admins.md';
const BLOCK = /(<!-- default-rules:[^\n]*-->\n)[\s\S]*?(\n<!-- \/default-rules -->)/;

describe('rule kinds (libs/rules/kinds)', () => {
  it('has one file per built-in kind, each naming itself', () => {
    expect(Object.keys(KINDS).sort()).toEqual([...RULE_KINDS].sort());
    for (const k of RULE_KINDS) expect(KINDS[k].kind).toBe(k);
  });

  it('gives every parameter a default inside its own range, and the validator takes the defaults from there', () => {
    for (const k of RULE_KINDS) {
      const defaults: Record<string, number> = {};
      for (const [name, spec] of Object.entries(
        PARAM_SPECS[k] as Record<string, { min: number; max: number; minExclusive?: boolean; default: number; integer: boolean }>,
      )) {
        expect(spec.default).toBeLessThanOrEqual(spec.max);
        expect(spec.minExclusive ? spec.default > spec.min : spec.default >= spec.min).toBe(true);
        if (spec.integer) expect(Number.isInteger(spec.default)).toBe(true);
        defaults[name] = spec.default;
      }
      expect(normalizeParams(k, undefined)).toEqual({ params: defaults, errors: [] });
    }
  });

  it('ships one default rule per kind, with the default parameters', () => {
    const rules = defaultRules();
    expect(rules.map((r) => r.kind).sort()).toEqual([...RULE_KINDS].sort());
    expect(rules.find((r) => r.key === 'inactive_7d')).toMatchObject({
      kind: 'inactive_days',
      params: { days: 7 },
      cohortThreshold: 0.05,
      action: { taskKind: 'care_call', dueWithinHours: 24 },
    });
  });

  it('describes parameters and evidence through the kind', () => {
    expect(describeParams('inactive_days', { days: 10 })).toMatch(/^No login for 10 days/);
    expect(describeParams('not_a_kind', {})).toBe('not_a_kind');
    expect(describeEvidence('complaints', { complaints: 3, month: '2026-11', thresholdCount: 2 })).toBe('3 complaints in 2026-11 (threshold 2).');
    expect(describeEvidence('not_a_kind', { x: 1 })).toBe('{"x":1}');
  });

  it(`keeps the default rules table of ${DOC} generated from the kinds`, () => {
    const doc = readFileSync(DOC, 'utf8');
    expect(doc).toMatch(BLOCK);
    const generated = doc.replace(BLOCK, `$1${defaultRulesTable()}$2`);
    if (process.env.DOCS_UPDATE === '1') writeFileSync(DOC, generated);
    if (generated !== doc)
      throw new Error(`${DOC}: the default rules table differs from libs/rules/kinds; run DOCS_UPDATE=1 npx jest libs/rules/kinds and commit it`);
  });
});
