import { planAssignments, verifyAssignments, type Candidate } from './assignment-policy.js';

const T = 'team-a';
function adv(id: string, over: Partial<Candidate> = {}): Candidate {
  return { id, teamId: T, role: 'advisor', status: 'active', capacity: 5, skills: [], load: 0, lastAssignedAt: null, ...over };
}

describe('planAssignments', () => {
  it('keeps continuity when the owner is active and has room', () => {
    const [d] = planAssignments([adv('a', { load: 3 }), adv('b')], [{ teamId: T, preferredAdvisorId: 'a' }], 0);
    expect(d.advisorId).toBe('a');
    expect(d.reason).toMatch(/continuity/);
  });

  it('overflows a full owner to the least loaded teammate and says why', () => {
    const [d] = planAssignments([adv('a', { load: 5 }), adv('b', { load: 2 }), adv('c', { load: 1 })], [{ teamId: T, preferredAdvisorId: 'a' }], 0);
    expect(d.advisorId).toBe('c');
    expect(d.reason).toMatch(/owner at capacity \(5\/5\).*least loaded/);
  });

  it('never picks an away or inactive advisor, nor a supervisor', () => {
    const cands = [adv('a', { status: 'away' }), adv('b', { status: 'inactive' }), adv('s', { role: 'supervisor' }), adv('c', { load: 4 })];
    const [d1, d2] = planAssignments(cands, [{ teamId: T, preferredAdvisorId: 'a' }, { teamId: T }], 0);
    expect(d1).toMatchObject({ advisorId: 'c' });
    expect(d1.reason).toMatch(/owner is away/);
    expect(d2.advisorId).toBeNull();
    expect(d2.reason).toMatch(/pool: all 1 eligible/);
  });

  it('prefers a matching skill, ignoring it only when nobody on the team has it', () => {
    const cands = [adv('a'), adv('b', { skills: ['Math'], load: 3 })];
    expect(planAssignments(cands, [{ teamId: T, skill: 'math' }], 0)[0].advisorId).toBe('b');
    const [d] = planAssignments(cands, [{ teamId: T, skill: 'art' }], 0);
    expect(d.advisorId).toBe('a');
    expect(d.reason).toMatch(/nobody active has skill "art"/);
  });

  it('breaks load ties by longest since last assignment, and spreads a batch evenly', () => {
    const cands = [adv('a', { lastAssignedAt: 200 }), adv('b', { lastAssignedAt: 100 }), adv('c', { lastAssignedAt: null })];
    const ds = planAssignments(
      cands,
      Array.from({ length: 6 }, () => ({ teamId: T })),
      1000,
    );
    expect(ds.map((d) => d.advisorId)).toEqual(['c', 'b', 'a', 'c', 'b', 'a']);
  });

  it('never exceeds capacity: the rest of the batch goes to the pool, oldest requests served first', () => {
    const ds = planAssignments(
      [adv('a', { capacity: 2 }), adv('b', { capacity: 1 })],
      Array.from({ length: 5 }, () => ({ teamId: T })),
      0,
    );
    expect(ds.map((d) => d.advisorId)).toEqual(['a', 'b', 'a', null, null]);
  });

  it('pools work without a team or with no active advisors, and honours exclusions', () => {
    expect(planAssignments([adv('a')], [{ teamId: null }], 0)[0]).toEqual({ advisorId: null, reason: 'pool: no responsible team' });
    expect(planAssignments([adv('a', { teamId: 'x' })], [{ teamId: T }], 0)[0].reason).toMatch(/no active advisor/);
    const [d] = planAssignments([adv('a'), adv('b', { load: 4 })], [{ teamId: T, preferredAdvisorId: 'a', excludeAdvisorIds: ['a'] }], 0);
    expect(d.advisorId).toBe('b');
  });
});

describe('verifyAssignments', () => {
  it('accepts a plan whose advisors are still active and, with its own items counted, within capacity', () => {
    const reqs = [{ teamId: T }, { teamId: T }];
    const plan = planAssignments([adv('a', { load: 3 }), adv('b', { load: 4 })], reqs, 0);
    // Re-read after the caller's writes: a got both items (3 + 2 = 5 of 5).
    expect(verifyAssignments([adv('a', { load: 5 }), adv('b', { load: 4 })], reqs, plan)).toEqual([]);
  });

  it('rejects a plan that a concurrent writer pushed over capacity, or whose advisor went away', () => {
    const reqs = [{ teamId: T }];
    const plan = planAssignments([adv('a', { load: 4 })], reqs, 0);
    expect(verifyAssignments([adv('a', { load: 6 })], reqs, plan)).toEqual(['a: over capacity (6/5)']);
    expect(verifyAssignments([adv('a', { load: 5, status: 'away' })], reqs, plan)).toEqual(['a: is away']);
  });

  it('rejects pooling while an eligible advisor has room, honouring skills and exclusions as the planner does', () => {
    const reqs = [{ teamId: T, skill: 'Math', excludeAdvisorIds: ['c'] }];
    const pooled = [{ advisorId: null, reason: 'pool' }];
    const cands = [adv('a', { load: 5, skills: ['math'] }), adv('b', { load: 1 }), adv('c', { load: 0, skills: ['math'] })];
    // b has room but no skill while a skilled teammate exists; c has room but is excluded: pooling stands.
    expect(verifyAssignments(cands, reqs, pooled)).toEqual([]);
    expect(verifyAssignments([...cands, adv('d', { load: 2, skills: ['MATH'] })], reqs, pooled)).toEqual(['pooled although d has room (2/5)']);
  });
});
