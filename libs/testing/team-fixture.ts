import { LearningDataFactory } from './learning-data.factory.js';
import type { TestApp } from './test-app.js';
import type { TestStaff } from './factories.js';

/** Ids of one of each record, all in team A (the learner is owned by team A's first advisor). */
export interface TeamFixtureIds {
  staffA: string;
  advisorA: string;
  teamA: string;
  learner: string;
  learnerExternalId: string;
  caseId: string;
  task: string;
  alert: string;
  ticket: string;
  webhook: string;
  /** A failed delivery of `webhook`. */
  delivery: string;
  apiClient: string;
  kb: string;
  calendar: string;
  sla: string;
  ruleKey: string;
  ruleRun: string;
}

export interface TeamFixture {
  admin: TestStaff;
  a: Awaited<ReturnType<TestApp['staff']['teamWithPeople']>>;
  b: Awaited<ReturnType<TestApp['staff']['teamWithPeople']>>;
  keys: { read: string; sync: string; revoked: string };
  ids: TeamFixtureIds;
}

const WEEKDAYS = { mon: [['09:00', '17:30']], tue: [['09:00', '17:30']], wed: [['09:00', '17:30']], thu: [['09:00', '17:30']], fri: [['09:00', '17:30']] };

/**
 * Two teams (A with a supervisor and two advisors, B with a supervisor and one advisor), an admin, API keys
 * (read, sync:write, one revoked) and one record of every kind in team A, so tests can ask "who may touch it".
 */
export async function seedTeamFixture(app: TestApp): Promise<TeamFixture> {
  const data = new LearningDataFactory(app.db);
  const admin = await app.staff.create('admin');
  const a = await app.staff.teamWithPeople(2);
  const b = await app.staff.teamWithPeople(1);
  const key = async (scopes: string[]) => {
    const res = await app
      .http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: `fixture ${scopes.join(',')}`, scopes });
    if (res.status !== 201) throw new Error(`api client: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; key: string };
  };
  const read = await key(['read']);
  const sync = await key(['sync:write']);
  const revoked = await key(['read', 'sync:write']);
  await app.http().delete(`/api/v1/api-clients/${revoked.id}`).set(admin.auth).expect(200);
  const spareClient = await key(['read']);

  const advisorA = a.advisors[0].id;
  const course = await data.course({ teamId: a.team.id });
  const enr = await data.enrollment({
    courseId: course.id,
    enrolledAt: new Date(Date.now() - 40 * 86_400_000),
    learner: { name: 'Team A learner', ownerAdvisorId: advisorA },
  });
  const caseId = await data.openCase(enr.learnerId, advisorA, a.team.id);
  const [task] = await app.db.query(
    `insert into tasks (kind, assignee_id, learner_id, enrollment_id, case_id, due_at, window_end_at, status)
     values ('care_call', $1, $2, $3, $4, now() + interval '1 day', now() + interval '1 day 15 minutes', 'scheduled') returning id`,
    [advisorA, enr.learnerId, enr.id, caseId],
  );
  await app.db.query(
    `insert into rules (key, name, kind, params, severity, action) values ('inactive_7d', 'Inactive 7 days', 'inactive_days', '{"days":7}', 'medium', '{"taskKind":"care_call","dueWithinHours":24}') on conflict (key) do nothing`,
  );
  const [alert] = await app.db.query(
    `insert into alerts (rule_key, learner_id, enrollment_id, status, severity, evidence, opened_at, refreshed_at) values ('inactive_7d', $1, $2, 'open', 'medium', '{}', now(), now()) returning id`,
    [enr.learnerId, enr.id],
  );
  await app.db.query(`insert into case_alerts (case_id, alert_id) values ($1, $2)`, [caseId, alert.id]);
  const [run] = await app.db.query(`insert into rule_runs (status, trigger, as_of, finished_at) values ('completed', 'manual', now(), now()) returning id`);
  const ticket = await app
    .http()
    .post('/api/v1/tickets')
    .set(admin.auth)
    .send({ learnerId: enr.learnerId, category: 'technical', subject: 'Video stops', body: 'At 2 minutes.' });
  if (ticket.status !== 201) throw new Error(`ticket: ${ticket.status} ${JSON.stringify(ticket.body)}`);
  await app.db.query(`update tickets set team_id = $2, assignee_id = $3, assigned_at = now() where id = $1`, [ticket.body.id, a.team.id, advisorA]);
  const webhook = await app
    .http()
    .post('/api/v1/webhooks')
    .set(admin.auth)
    .send({ url: 'https://hooks.example/careloop', events: ['learner.reminder'], secret: 'a-webhook-secret-0001' })
    .expect(201);
  const [delivery] = await app.db.query(
    `insert into webhook_deliveries (webhook_id, outbox_id, event_type, occurred_at, payload, status, attempts, last_error)
     values ($1, 990000000 + floor(random() * 9000000)::int, 'learner.reminder', now(), '{}', 'failed', 6, 'HTTP 500') returning id`,
    [webhook.body.id],
  );
  const kb = await app
    .http()
    .post('/api/v1/kb/articles')
    .set(admin.auth)
    .send({ title: 'Reset a password', body: 'Use the link on the login page.' })
    .expect(201);
  const cal = await app
    .http()
    .post('/api/v1/calendars')
    .set(admin.auth)
    .send({ name: `Fixture hours ${a.team.id.slice(0, 6)}`, timezone: 'Asia/Shanghai', hours: WEEKDAYS })
    .expect(201);
  // Positions are unique across the database, which test files on one Jest worker share: pick a free one.
  const createSla = () =>
    app
      .http()
      .post('/api/v1/sla-policies')
      .set(admin.auth)
      .send({
        name: `Fixture SLA ${a.team.id.slice(0, 8)}`,
        position: 1000 + Math.floor(Math.random() * 90_000),
        match: {},
        calendarId: cal.body.id,
        firstResponseMinutes: 60,
        resolutionMinutes: 600,
      });
  let sla = await createSla();
  for (let i = 0; i < 5 && sla.status === 409; i++) sla = await createSla();
  if (sla.status !== 201) throw new Error(`fixture SLA policy: ${sla.status} ${JSON.stringify(sla.body)}`);
  return {
    admin,
    a,
    b,
    keys: { read: read.key, sync: sync.key, revoked: revoked.key },
    ids: {
      staffA: advisorA,
      advisorA,
      teamA: a.team.id,
      learner: enr.learnerId,
      learnerExternalId: enr.learnerExternalId,
      caseId,
      task: task.id,
      alert: alert.id,
      ticket: ticket.body.id,
      webhook: webhook.body.id,
      delivery: delivery.id,
      apiClient: spareClient.id,
      kb: kb.body.id,
      calendar: cal.body.id,
      sla: sla.body.id,
      ruleKey: 'inactive_7d',
      ruleRun: run.id,
    },
  };
}

/** The record id a route's `:id` / `:key` stands for, by the route's first path segment. */
export function fixtureParam(ids: TeamFixtureIds, url: string, param: string): string {
  if (param === ':key') return ids.ruleKey;
  if (param === ':deliveryId') return ids.delivery;
  const resource = url.split('/').filter((s) => s && s !== 'api' && s !== 'v1')[0];
  const byResource: Record<string, string> = {
    staff: ids.staffA,
    tasks: ids.task,
    webhooks: ids.webhook,
    cases: ids.caseId,
    'api-clients': ids.apiClient,
    learners: ids.learner,
    tickets: ids.ticket,
    kb: ids.kb,
    calendars: ids.calendar,
    'sla-policies': ids.sla,
    'rule-runs': ids.ruleRun,
    alerts: ids.alert,
    teams: ids.teamA,
  };
  const id = byResource[resource];
  if (!id) throw new Error(`no fixture record for ${param} in ${url}: add one to seedTeamFixture`);
  return id;
}

/** The route's path with its parameters filled from the fixture. */
export function fixturePath(ids: TeamFixtureIds, url: string): string {
  return url.replace(/:(\w+)/g, (m) => fixtureParam(ids, url, m)).replace(/\*$/, 'index.html');
}
