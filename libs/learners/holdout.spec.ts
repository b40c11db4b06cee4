import { holdoutBucket, isHoldout } from './holdout.js';

describe('holdout', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `stu-${i}`);

  it('is stable for a learner', () => {
    expect(holdoutBucket('stu-42')).toBe(holdoutBucket('stu-42'));
    expect(isHoldout('stu-42', 37)).toBe(isHoldout('stu-42', 37));
  });

  it('holds out about the configured share', () => {
    const share = ids.filter((id) => isHoldout(id, 10)).length / ids.length;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
  });

  it('holds out nobody at 0 and everybody at 100', () => {
    expect(ids.some((id) => isHoldout(id, 0))).toBe(false);
    expect(ids.every((id) => isHoldout(id, 100))).toBe(true);
  });

  it('only adds learners when the percentage grows', () => {
    for (const id of ids.slice(0, 2000)) if (isHoldout(id, 5)) expect(isHoldout(id, 15)).toBe(true);
  });
});
