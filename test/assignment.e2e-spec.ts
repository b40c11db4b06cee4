import { randomUUID } from 'node:crypto';
import { LoadCounters } from '../libs/assignment/load-counters.js';
import { AssignmentService } from '../libs/assignment/assignment.service.js';
import { TestApp } from '../libs/testing/index.js';

/** The shared assignment policy against the real database, under concurrency. */
describe('assignment policy (AssignmentService)', () => {
  let app: TestApp;
  let policy: AssignmentService;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false });
    policy = app.get(AssignmentService);
  });
  afterAll(async () => {
    await app?.close();
  });

  async function learner(ownerId: string | null = null): Promise<string> {
    const [l] = await app.db.query(`insert into learners (external_id, name, owner_advisor_id) values ($1, 'L', $2) returning id`, [
      `l-${randomUUID()}`,
      ownerId,
    ]);
    return l.id;
  }

  it('never exceeds capacity nor gives one slot twice when many transactions choose at once', async () => {
    const team = await app.staff.team();
    const caps = [2, 3, 4];
    const advisors = [];
    for (const capacity of caps) advisors.push(await app.staff.create('advisor', { teamId: team.id, capacity }));
    const learners = await Promise.all(Array.from({ length: 20 }, () => learner()));
    const decisions = await Promise.all(
      learners.map((learnerId) =>
        app.db.transaction(async (em) => {
          const d = await policy.choose(em, { kind: 'case', teamId: team.id });
          await em.query(`insert into cases (learner_id, team_id, advisor_id, status, priority) values ($1, $2, $3, 'open', 'low')`, [
            learnerId,
            team.id,
            d.advisorId,
          ]);
          return d;
        }),
      ),
    );
    expect(decisions.filter((d) => d.advisorId).length).toBe(9);
    expect(decisions.filter((d) => !d.advisorId).every((d) => /pool: all 3 eligible/.test(d.reason))).toBe(true);
    const loads = await app.db.query(`select advisor_id, count(*)::int as n from cases where team_id = $1 and advisor_id is not null group by advisor_id`, [
      team.id,
    ]);
    for (const [i, a] of advisors.entries()) expect(loads.find((l: any) => l.advisor_id === a.id)?.n).toBe(caps[i]);
  });

  it('chooseMany decides a batch in order, spreading by load and then by time since last assignment', async () => {
    const team = await app.staff.team();
    const a = await app.staff.create('advisor', { teamId: team.id, capacity: 2 });
    const b = await app.staff.create('advisor', { teamId: team.id, capacity: 2 });
    const ds = await app.db.transaction((em) =>
      policy.chooseMany(
        em,
        'case',
        Array.from({ length: 5 }, () => ({ teamId: team.id })),
      ),
    );
    expect(ds.filter((d) => d.advisorId === a.id)).toHaveLength(2);
    expect(ds.filter((d) => d.advisorId === b.id)).toHaveLength(2);
    expect(ds[4].advisorId).toBeNull();
    const stamped = await app.db.query(`select count(*)::int as n from staff where id = any($1) and last_assigned_at is not null`, [[a.id, b.id]]);
    expect(stamped[0].n).toBe(2);
  });

  it("'owner' kind counts first-week learners owned; continuity only while the owner has room", async () => {
    const team = await app.staff.team();
    const a = await app.staff.create('advisor', { teamId: team.id, capacity: 1 });
    const b = await app.staff.create('advisor', { teamId: team.id, capacity: 5 });
    const [course] = await app.db.query(
      `insert into courses (external_id, title, total_lessons, duration_days, team_id) values ($1, 'C', 10, 30, $2) returning id`,
      [`c-${randomUUID()}`, team.id],
    );
    const owned = await learner(a.id);
    await app.db.query(
      `insert into enrollments (external_id, learner_id, course_id, enrolled_at, status) values ($1, $2, $3, now() - interval '2 days', 'active')`,
      [`e-${randomUUID()}`, owned, course.id],
    );
    const d = await app.db.transaction((em) => policy.choose(em, { kind: 'owner', teamId: team.id, preferredAdvisorId: a.id }));
    expect(d.advisorId).toBe(b.id);
    expect(d.reason).toMatch(/owner at capacity \(1\/1\)/);
  });

  it('uses the load counter a context registers for its kind', async () => {
    const team = await app.staff.team();
    await app.staff.create('advisor', { teamId: team.id, capacity: 3 });
    const counters = app.get(LoadCounters);
    const previous = counters.get('ticket');
    expect(previous.load).toContain('from tickets'); // registered by TicketsModule when it started
    counters.register('ticket', { load: '3' });
    try {
      const d = await app.db.transaction((em) => policy.choose(em, { kind: 'ticket', teamId: team.id }));
      expect(d.advisorId).toBeNull();
    } finally {
      counters.register('ticket', previous);
    }
  });
});
