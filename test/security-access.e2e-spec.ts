import { RequestMethod, type Type } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { PUBLIC_KEY, SCOPES_KEY, STAFF_ONLY_KEY } from '../libs/auth/decorators.js';
import { TestApp } from '../libs/testing/index.js';
import { fixturePath, seedTeamFixture, type TeamFixture } from '../libs/testing/team-fixture.js';

/** Every controller route of the running app with the API-key scopes it names (undefined: none), from its metadata. */
function routeScopes(app: TestApp): Array<{ method: string; url: string; scopes: string[] | undefined }> {
  const reflector = new Reflector();
  const out: Array<{ method: string; url: string; scopes: string[] | undefined }> = [];
  const join = (...parts: string[]) => `/${parts.flatMap((p) => p.split('/')).filter(Boolean).join('/')}`;
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

  it('item 5: an API key reaches a route only when the route names a scope the key holds (deny by default)', async () => {
    const routes = routeScopes(app);
    expect(routes.length).toBeGreaterThan(60);
    const wrong: string[] = [];
    for (const r of routes) {
      for (const [scope, key] of [['read', f.keys.read], ['sync:write', f.keys.sync]] as const) {
        const allowed = !!r.scopes?.includes(scope) && (scope !== 'read' || r.method === 'GET');
        const res = await app.http()[r.method.toLowerCase() as 'get'](fixturePath(f.ids, r.url)).set('Authorization', `Bearer ${key}`).send({});
        const refused = res.status === 403;
        if (allowed === refused) wrong.push(`${r.method} ${r.url} with ${scope}: ${res.status} (${r.scopes ? `names ${r.scopes.join(', ')}` : 'names no scope'})`);
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
    const [{ n }] = await app.db.query(`select count(*)::int as n from staff where id = any($1) and status = 'inactive'`, [[coSupervisor.id, teamAdmin.id, sup.id]]);
    expect(n).toBe(0);
    // Their own advisors they still manage.
    await app.http().patch(`/api/v1/staff/${f.a.advisors[1].id}`).set(sup.auth).send({ status: 'away', reason: 'holiday' }).expect(200);
    await app.http().patch(`/api/v1/staff/${f.a.advisors[1].id}`).set(sup.auth).send({ status: 'active', reason: 'back' }).expect(200);
    // Admins manage anyone.
    await app.http().patch(`/api/v1/staff/${coSupervisor.id}`).set(f.admin.auth).send({ status: 'away' }).expect(200);
  });
});
