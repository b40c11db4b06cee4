import { RequestMethod, type Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { PUBLIC_KEY, SCOPES_KEY, STAFF_ONLY_KEY } from '../apps/api/src/http/decorators.js';
import pg from 'pg';
import { BACKTEST_LOCK_KEY } from '../libs/rules/backtest.service.js';
import { LearningDataFactory } from '../libs/testing/learning-data.factory.js';
import { TestApp } from '../libs/testing/index.js';
import { fixturePath, seedTeamFixture, type TeamFixture } from '../libs/testing/team-fixture.js';

/** Every controller route of the running app with the API-key scopes it names (undefined: none), from its metadata. */
function routeScopes(app: TestApp): Array<{ method: string; url: string; scopes: string[] | undefined }> {
  const reflector = new Reflector();
  const out: Array<{ method: string; url: string; scopes: string[] | undefined }> = [];
  const join = (...parts: string[]) =>
    `/${parts
      .flatMap((p) => p.split('/'))
      .filter(Boolean)
      .join('/')}`;
  for (const mod of app.api.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller?.prototype) continue;
      const base = String(Reflect.getMetadata('path', controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata('path', handler) === undefined) continue;
        const targets = [handler, controller];
        if (reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) continue;
        const staffOnly = reflector.getAllAndOverride<boolean>(STAFF_ONLY_KEY, targets) ?? false;
        const scopes = staffOnly ? undefined : reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, targets);
        const method = RequestMethod[Reflect.getMetadata('method', handler) as number];
        const path = String(Reflect.getMetadata('path', handler));
        const prefixed = ['health', 'metrics'].includes(base) ? join(base, path) : join('api/v1', base, path);
        out.push({ method, url: prefixed, scopes });
      }
    }
  }
  return out;
}

/** Security review (issue 15), object- and function-level access: items 1–6. */
describe('security: object- and function-level access', () => {
  let app: TestApp;
  let f: TeamFixture;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true });
    f = await seedTeamFixture(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('item 1: ticket replays answer only what the caller may see; staff open tickets only for learners they may see', async () => {
    const opened = await app
      .http()
      .post('/api/v1/tickets')
      .set(f.admin.auth)
      .send({ externalId: 'lms-ticket-secret', learnerId: f.ids.learner, category: 'billing', subject: 'Refund for card 4242', body: 'Private details' })
      .expect(201);
    await app.db.query(`update tickets set team_id = $2, assignee_id = $3 where id = $1`, [opened.body.id, f.a.team.id, f.ids.advisorA]);
    const replay = { externalId: 'lms-ticket-secret', learnerId: f.ids.learner, category: 'billing', subject: 'anything', body: 'anything' };
    // Another team's advisor and supervisor replaying the source id learn nothing.
    for (const who of [f.b.advisors[0], f.b.supervisor]) {
      const res = await app.http().post('/api/v1/tickets').set(who.auth).send(replay).expect(404);
      expect(JSON.stringify(res.body)).not.toMatch(/4242|Private details|Team A learner/);
    }
    // Those who may see it get it back, unchanged.
    const own = await app.http().post('/api/v1/tickets').set(f.a.advisors[0].auth).send(replay).expect(200);
    expect(own.body).toMatchObject({ id: opened.body.id, subject: 'Refund for card 4242' });
    await app
      .http()
      .post('/api/v1/tickets')
      .set('Authorization', `Bearer ${f.keys.sync}`)
      .send({ ...replay, learnerId: undefined, learnerExternalId: f.ids.learnerExternalId })
      .expect(200);

    // Opening a ticket (a complaint, even) for a learner the caller cannot see: refused, nothing written, and
    // the answer is the same as for a learner that does not exist.
    const complaintsBefore = await app.db.query(`select count(*)::int as n from activity_events where learner_id = $1 and type = 'complaint'`, [f.ids.learner]);
    const hidden = await app
      .http()
      .post('/api/v1/tickets')
      .set(f.b.advisors[0].auth)
      .send({ learnerId: f.ids.learner, category: 'complaint', subject: 'Who is this?', body: 'probe' })
      .expect(400);
    const missing = await app
      .http()
      .post('/api/v1/tickets')
      .set(f.b.advisors[0].auth)
      .send({ learnerId: '00000000-0000-4000-8000-000000000000', category: 'complaint', subject: 'Who is this?', body: 'probe' })
      .expect(400);
    expect(hidden.body.details).toEqual([{ field: 'learnerId', message: missing.body.details[0].message }]);
    expect(hidden.body.message).toBe(missing.body.message);
    expect(JSON.stringify(hidden.body)).not.toMatch(/Team A learner/);
    const byExternal = await app
      .http()
      .post('/api/v1/tickets')
      .set(f.b.supervisor.auth)
      .send({ learnerExternalId: f.ids.learnerExternalId, category: 'complaint', subject: 'x', body: 'y' })
      .expect(400);
    expect(byExternal.body.details[0].field).toBe('learnerExternalId');
    const complaintsAfter = await app.db.query(`select count(*)::int as n from activity_events where learner_id = $1 and type = 'complaint'`, [f.ids.learner]);
    expect(complaintsAfter[0].n).toBe(complaintsBefore[0].n);
    const [{ n }] = await app.db.query(`select count(*)::int as n from tickets where subject = 'Who is this?' or subject = 'x'`);
    expect(n).toBe(0);
    // The learner's own advisor may open one.
    await app
      .http()
      .post('/api/v1/tickets')
      .set(f.a.advisors[0].auth)
      .send({ learnerId: f.ids.learner, category: 'learning', subject: 'Stuck on lesson 3', body: 'help' })
      .expect(201);
  });

  it('item 2: learner detail and timeline list only the tickets the caller may see', async () => {
    // A second-team ticket about team A's learner (say, billing handled by team B), assigned in team B.
    const other = await app
      .http()
      .post('/api/v1/tickets')
      .set(f.admin.auth)
      .send({ learnerId: f.ids.learner, category: 'billing', subject: 'Team B billing matter', body: 'b' })
      .expect(201);
    await app.db.query(`update tickets set team_id = $2, assignee_id = $3 where id = $1`, [other.body.id, f.b.team.id, f.b.advisors[0].id]);
    const ticketIds = async (auth: Record<string, string>) => {
      const detail = await app.http().get(`/api/v1/learners/${f.ids.learner}`).set(auth).expect(200);
      const timeline = await app.http().get(`/api/v1/learners/${f.ids.learner}/timeline`).query({ limit: 200 }).set(auth).expect(200);
      return {
        detail: detail.body.openTickets.map((t: { id: string }) => t.id) as string[],
        timeline: timeline.body.items.filter((i: { kind: string }) => i.kind === 'ticket').map((i: { id: string }) => i.id) as string[],
      };
    };
    for (const who of [f.a.advisors[0], f.a.supervisor]) {
      const seen = await ticketIds(who.auth);
      expect(seen.detail).toContain(f.ids.ticket);
      expect(seen.detail).not.toContain(other.body.id);
      expect(seen.timeline).toContain(f.ids.ticket);
      expect(seen.timeline).not.toContain(other.body.id);
    }
    const all = await ticketIds(f.admin.auth);
    expect(all.detail).toEqual(expect.arrayContaining([f.ids.ticket, other.body.id]));
    expect(all.timeline).toEqual(expect.arrayContaining([f.ids.ticket, other.body.id]));
  });

  it('item 3: POST /rules/evaluate as of the past is admin-only and at most 7 days back; a supervisor runs as of now', async () => {
    const day = 86_400_000;
    const asOf = (daysAgo: number) => new Date(Date.now() - daysAgo * day).toISOString();
    const longAgo = await app.http().post('/api/v1/rules/evaluate').set(f.a.supervisor.auth).send({ asOf: '2000-01-01T00:00:00Z' }).expect(403);
    expect(longAgo.body.message).toMatch(/admins/);
    await app
      .http()
      .post('/api/v1/rules/evaluate')
      .set(f.a.supervisor.auth)
      .send({ asOf: asOf(1) })
      .expect(403);
    const tooFar = await app.http().post('/api/v1/rules/evaluate').set(f.admin.auth).send({ asOf: '2000-01-01T00:00:00Z' }).expect(400);
    expect(tooFar.body.details).toEqual([{ field: 'asOf', message: expect.stringMatching(/7 days/) }]);
    await app
      .http()
      .post('/api/v1/rules/evaluate')
      .set(f.admin.auth)
      .send({ asOf: asOf(8) })
      .expect(400);
    const [{ n }] = await app.db.query(`select count(*)::int as n from rule_runs where as_of < now() - interval '7 days'`);
    expect(n).toBe(0);
    // Within the window an admin may; a supervisor's run is as of now.
    const admins = await app
      .http()
      .post('/api/v1/rules/evaluate')
      .set(f.admin.auth)
      .send({ asOf: asOf(6) })
      .expect(202);
    await app.db.query(`update rule_runs set status = 'completed', finished_at = now() where id = $1`, [admins.body.runId]);
    const sup = await app.http().post('/api/v1/rules/evaluate').set(f.a.supervisor.auth).send({}).expect(202);
    const [run] = await app.db.query(`select as_of from rule_runs where id = $1`, [sup.body.runId]);
    expect(Math.abs(new Date(run.as_of).getTime() - Date.now())).toBeLessThan(day);
    await app.db.query(`update rule_runs set status = 'completed', finished_at = now() where id = $1`, [sup.body.runId]);
  });

  it("item 4: backtests are scoped to the caller's teams and run one at a time (429 with Retry-After beyond)", async () => {
    const data = new LearningDataFactory(app.db);
    const day = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10);
    const enrolledAt = new Date(Date.now() - 40 * 86_400_000);
    const courseA = await data.course({ teamId: f.a.team.id });
    const courseB = await data.course({ teamId: f.b.team.id });
    const inA = await data.enrollment({ courseId: courseA.id, enrolledAt });
    const inB1 = await data.enrollment({ courseId: courseB.id, enrolledAt });
    const inB2 = await data.enrollment({ courseId: courseB.id, enrolledAt });
    for (const e of [inA, inB1, inB2]) await data.complaint(e.id, day, 2);
    const body = { rule: { kind: 'complaints', params: { count: 2 } }, from: day, to: day };
    const flagged = async (auth: Record<string, string>, extra: object = {}) => {
      const res = await app
        .http()
        .post('/api/v1/rules/backtest')
        .set(auth)
        .send({ ...body, ...extra })
        .expect(200);
      return res.body.totals.distinctEnrollments as number;
    };
    const all = await flagged(f.admin.auth);
    expect(all).toBeGreaterThanOrEqual(3);
    expect(await flagged(f.a.supervisor.auth)).toBe(all - 2); // team B's two enrolments are not theirs
    expect(await flagged(f.b.supervisor.auth)).toBe(2);
    await app
      .http()
      .post('/api/v1/rules/backtest')
      .set(f.a.supervisor.auth)
      .send({ ...body, courseId: courseB.id })
      .expect(404);
    expect(await flagged(f.admin.auth, { courseId: courseB.id })).toBe(2);

    // While another backtest holds the only slot, the next caller is told to come back, not queued behind it.
    const other = new pg.Client({ connectionString: app.config.databaseUrl });
    await other.connect();
    try {
      await other.query('select pg_advisory_lock($1::int, 0)', [BACKTEST_LOCK_KEY]);
      const busy = await app.http().post('/api/v1/rules/backtest').set(f.admin.auth).send(body).expect(429);
      expect(busy.headers['retry-after']).toMatch(/^\d+$/);
      expect(busy.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/already running/) });
      await other.query('select pg_advisory_unlock($1::int, 0)', [BACKTEST_LOCK_KEY]);
      await app.http().post('/api/v1/rules/backtest').set(f.admin.auth).send(body).expect(200);
    } finally {
      await other.end();
    }
  });

  it('item 5: an API key reaches a route only when the route names a scope the key holds (deny by default)', async () => {
    const routes = routeScopes(app);
    expect(routes.length).toBeGreaterThan(60);
    const wrong: string[] = [];
    for (const r of routes) {
      for (const [scope, key] of [
        ['read', f.keys.read],
        ['sync:write', f.keys.sync],
      ] as const) {
        const allowed = !!r.scopes?.includes(scope) && (scope !== 'read' || r.method === 'GET');
        const res = await app.http()[r.method.toLowerCase() as 'get'](fixturePath(f.ids, r.url)).set('Authorization', `Bearer ${key}`).send({});
        const refused = res.status === 403;
        if (allowed === refused)
          wrong.push(`${r.method} ${r.url} with ${scope}: ${res.status} (${r.scopes ? `names ${r.scopes.join(', ')}` : 'names no scope'})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('item 6: supervisors manage advisors only, never another supervisor, an admin or themselves', async () => {
    const sup = f.a.supervisor;
    const coSupervisor = await app.staff.create('supervisor', { teamId: f.a.team.id });
    const teamAdmin = await app.staff.create('admin', { teamId: f.a.team.id });
    for (const target of [coSupervisor, teamAdmin, sup]) {
      const res = await app.http().patch(`/api/v1/staff/${target.id}`).set(sup.auth).send({ status: 'inactive', reason: 'takeover' }).expect(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    }
    const [{ n }] = await app.db.query(`select count(*)::int as n from staff where id = any($1) and status = 'inactive'`, [
      [coSupervisor.id, teamAdmin.id, sup.id],
    ]);
    expect(n).toBe(0);
    // Their own advisors they still manage.
    await app.http().patch(`/api/v1/staff/${f.a.advisors[1].id}`).set(sup.auth).send({ status: 'away', reason: 'holiday' }).expect(200);
    await app.http().patch(`/api/v1/staff/${f.a.advisors[1].id}`).set(sup.auth).send({ status: 'active', reason: 'back' }).expect(200);
    // Admins manage anyone.
    await app.http().patch(`/api/v1/staff/${coSupervisor.id}`).set(f.admin.auth).send({ status: 'away' }).expect(200);
  });
});
