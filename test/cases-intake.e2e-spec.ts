import type { EntityManager } from 'typeorm';
import { INTAKE_LOCK_KEY, MAX_INTAKE_SLOTS } from '../libs/cases/case-intake.service.js';
import { eventually, TestApp } from '../libs/testing/index.js';
import { CaseSeed } from './cases.seed.js';

/** The intake under a burst: a bounded number of intake transactions at a time, nothing lost while they run, set-based writes. */
describe('cases: intake batches', () => {
  let app: TestApp;
  let seed: CaseSeed;
  beforeAll(async () => {
    app = await TestApp.start();
    seed = new CaseSeed(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  /**
   * Opens a transaction that runs `first`, then stays open until `release()`; runs `last` and commits. Resolves once
   * `first` has run, so whatever it locked is held.
   */
  async function holdOpen(first: (em: EntityManager) => Promise<unknown>, last: (em: EntityManager) => Promise<unknown> = async () => undefined) {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const done = app.db.transaction(async (em) => {
      await first(em);
      locked();
      await held;
      await last(em);
    });
    await Promise.race([isLocked, done]);
    return { release, done };
  }

  it('alerts committed while every intake slot is taken wait for one, then are all taken in', async () => {
    const { team, advisors } = await app.staff.teamWithPeople(2);
    const rule = await seed.rule();
    const course = await seed.course(team.id);
    const a = await seed.learner(course);
    const b = await seed.learner(course);

    const { release, done: holder } = await holdOpen((em) =>
      em.query(`select pg_advisory_xact_lock($1::int, s) from generate_series(0, $2::int - 1) s`, [INTAKE_LOCK_KEY, MAX_INTAKE_SLOTS]),
    );
    const alertIds = [await seed.alert(rule, a), await seed.alert(rule, b)];
    // A job for waiting alerts queues on an intake slot rather than starting a batch of its own.
    await eventually(async () => {
      const [{ n }] = await app.db.query(
        `select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = $1 and objsubid = 2 and not granted`,
        [INTAKE_LOCK_KEY],
      );
      return n > 0;
    });
    expect(await seed.intakeDone(alertIds[0])).toBe(false);
    expect(await seed.intakeDone(alertIds[1])).toBe(false);
    release();
    await holder;

    await eventually(async () => (await Promise.all(alertIds.map((id) => seed.intakeDone(id)))).every(Boolean));
    const ca = await seed.caseOf(a.learnerId);
    const cb = await seed.caseOf(b.learnerId);
    expect(advisors.map((x) => x.id)).toContain(ca.advisor_id);
    expect(advisors.map((x) => x.id)).toContain(cb.advisor_id);
    // The policy spreads the two cases over the two advisors, each decision audited once.
    expect(ca.advisor_id).not.toBe(cb.advisor_id);
    const audits = await app.db.query(
      `select entity_id, action, reason from audit_log where entity = 'case' and entity_id = any($1) and action in ('case.opened', 'case.assigned', 'case.pooled') order by entity_id, action`,
      [[ca.id, cb.id]],
    );
    expect(audits.map((r: any) => r.action)).toEqual(['case.assigned', 'case.opened', 'case.assigned', 'case.opened']);
    expect(audits.filter((r: any) => r.action === 'case.assigned').every((r: any) => /least loaded/.test(r.reason))).toBe(true);
  });

  it('a burst of alerts for many learners: one case each, every alert attached, one task per rule, nobody over capacity', async () => {
    const { team, advisors } = await app.staff.teamWithPeople(3, { capacity: 5 });
    const [r1, r2] = [await seed.rule({ severity: 'medium', taskKind: 'care_call' }), await seed.rule({ severity: 'high', taskKind: 'obstacle_call' })];
    const course = await seed.course(team.id);
    const learners = [];
    for (let i = 0; i < 20; i++) learners.push(await seed.learner(course));
    const alertIds = await Promise.all(learners.flatMap((who) => [seed.alert(r1, who), seed.alert(r2, who, 'high')]));

    await eventually(async () => (await Promise.all(alertIds.map((id) => seed.intakeDone(id)))).every(Boolean));
    const ids = learners.map((l) => l.learnerId);
    const [stats] = await app.db.query(
      `select count(*)::int as cases, count(distinct c.learner_id)::int as learners,
              count(*) filter (where c.advisor_id is not null)::int as assigned, count(*) filter (where c.advisor_id is null)::int as pooled
         from cases c where c.learner_id = any($1) and c.status <> 'resolved'`,
      [ids],
    );
    // 3 advisors × capacity 5 = 15 assigned, the other 5 wait in the team's pool.
    expect(stats).toEqual({ cases: 20, learners: 20, assigned: 15, pooled: 5 });
    const [links] = await app.db.query(
      `select count(*)::int as n, count(distinct ca.case_id)::int as cases from case_alerts ca join cases c on c.id = ca.case_id where c.learner_id = any($1)`,
      [ids],
    );
    expect(links).toEqual({ n: 40, cases: 20 });
    const tasks = await app.db.query(
      `select t.kind, count(*)::int as n, count(*) filter (where t.assignee_id is not distinct from c.advisor_id)::int as owners
         from tasks t join cases c on c.id = t.case_id where c.learner_id = any($1) group by t.kind order by t.kind`,
      [ids],
    );
    expect(tasks).toEqual([
      { kind: 'care_call', n: 20, owners: 20 },
      { kind: 'obstacle_call', n: 20, owners: 20 },
    ]);
    const loads = await app.db.query(`select count(*)::int as n from cases where advisor_id = any($1) and status <> 'resolved' group by advisor_id`, [
      advisors.map((x) => x.id),
    ]);
    expect(loads.map((l: any) => l.n)).toEqual([5, 5, 5]);
    const [decisions] = await app.db.query(
      `select count(*)::int as n, count(distinct entity_id)::int as cases from audit_log
        where entity = 'case' and action in ('case.assigned', 'case.pooled') and entity_id in (select id::text from cases where learner_id = any($1))`,
      [ids],
    );
    expect(decisions).toEqual({ n: 20, cases: 20 });
  });

  it('a plan overtaken by a concurrent assignment is redone under the staff locks: pooled, never over capacity, decided once', async () => {
    const { team, advisors } = await app.staff.teamWithPeople(1, { capacity: 1 });
    const [advisor] = advisors;
    const rule = await seed.rule();
    const course = await seed.course(team.id);
    const who = await seed.learner(course);
    const rival = await seed.learner(course);

    // Another writer holds the advisor's row: the intake plans from the committed load (0 of 1), writes its rows,
    // then waits to confirm. Meanwhile that writer gives the advisor a case and commits, so the plan no longer holds.
    const { release, done: writer } = await holdOpen(
      (em) => em.query(`select id from staff where id = $1 for no key update`, [advisor.id]),
      (em) =>
        em.query(
          `insert into cases (learner_id, team_id, advisor_id, status, priority, priority_score, due_at, opened_at, assigned_at, queue)
           values ($1, $2, $3, 'open', 'medium', 10, now() + interval '1 day', now(), now(), 'advisor')`,
          [rival.learnerId, team.id, advisor.id],
        ),
    );
    const alertId = await seed.alert(rule, who);
    // The intake waits on the staff row after writing its case rows (it holds a row-exclusive lock on cases).
    await eventually(async () => {
      const [{ n }] = await app.db.query(
        `select count(*)::int as n from pg_stat_activity a
          where a.datname = current_database() and a.wait_event_type = 'Lock' and a.query like '%for no key update%'
            and exists (select 1 from pg_locks l where l.pid = a.pid and l.relation = 'cases'::regclass and l.mode = 'RowExclusiveLock' and l.granted)`,
      );
      return n > 0;
    });
    release();
    await writer;

    await eventually(() => seed.intakeDone(alertId));
    const c = await seed.caseOf(who.learnerId);
    expect(c.advisor_id).toBeNull();
    const [{ load }] = await app.db.query(`select count(*)::int as load from cases where advisor_id = $1 and status <> 'resolved'`, [advisor.id]);
    expect(load).toBe(1);
    const decisions = await app.db.query(
      `select action, reason from audit_log where entity = 'case' and entity_id = $1 and action in ('case.assigned', 'case.pooled')`,
      [c.id],
    );
    expect(decisions).toEqual([{ action: 'case.pooled', reason: expect.stringMatching(/at capacity/) }]);
    const tasks = await app.db.query(`select assignee_id from tasks where case_id = $1`, [c.id]);
    expect(tasks).toEqual([{ assignee_id: null }]);
  });
});
