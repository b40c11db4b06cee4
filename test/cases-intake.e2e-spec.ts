import { INTAKE_LOCK_KEY } from '../libs/cases/case-intake.service.js';
import { eventually, TestApp } from '../libs/testing/index.js';
import { CaseSeed } from './cases.seed.js';

/** The intake under a burst: one intake transaction at a time, nothing lost while one runs, set-based writes. */
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

  it('alerts committed while another intake holds the lock wait for it, then are all taken in', async () => {
    const { team, advisors } = await app.staff.teamWithPeople(2);
    const rule = await seed.rule();
    const course = await seed.course(team.id);
    const a = await seed.learner(course);
    const b = await seed.learner(course);

    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = app.db.transaction(async (em) => {
      await em.query(`select pg_advisory_xact_lock($1)`, [INTAKE_LOCK_KEY]);
      locked();
      await held;
    });
    await isLocked;
    const alertIds = [await seed.alert(rule, a), await seed.alert(rule, b)];
    // A job for a waiting alert queues on the intake lock rather than starting a batch of its own.
    await eventually(async () => {
      const [{ n }] = await app.db.query(`select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = $1 and not granted`, [INTAKE_LOCK_KEY]);
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
    const loads = await app.db.query(`select count(*)::int as n from cases where advisor_id = any($1) and status <> 'resolved' group by advisor_id`, [advisors.map((x) => x.id)]);
    expect(loads.map((l: any) => l.n)).toEqual([5, 5, 5]);
    const [decisions] = await app.db.query(
      `select count(*)::int as n, count(distinct entity_id)::int as cases from audit_log
        where entity = 'case' and action in ('case.assigned', 'case.pooled') and entity_id in (select id::text from cases where learner_id = any($1))`,
      [ids],
    );
    expect(decisions).toEqual({ n: 20, cases: 20 });
  });
});
