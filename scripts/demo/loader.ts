import { DateTime } from 'luxon';
import { ApiError, CareloopHttp, sleep } from './http.js';
import { loadSupportDesk } from './support-desk.js';
import { Random } from './random.js';
import { ARCHETYPES, buildDemoSchool, DEMO_COURSES, DEMO_PASSWORD, DEMO_STAFF, DEMO_TEAMS, type Archetype, type TeamKey } from './school.js';
import { DEVELOPMENT_ADMIN } from '../../libs/config/config.js';

/**
 * Loads the demo school into a running careloop through its public REST API, as an integrator would:
 * staff and teams as the bootstrap admin, learner data with an API key (sync:write + read), then a rule run,
 * then it waits for the worker (cases, first-week check-ins, analytics) and picks real ids to try.
 */
export interface DemoOptions {
  baseUrl: string;
  adminEmail: string;
  adminPassword: string;
  learners: number;
  seed: number;
  /** Items per sync request (the API takes up to 5,000; the demo sends ≤ 1,000). */
  batchSize: number;
  /** Sync requests in flight at once. */
  concurrency: number;
  /** The server's SCHOOL_TIMEZONE (months and weeks of the rules are counted in it). */
  schoolTimezone: string;
  /** Load again over an existing demo (idempotent: existing staff are reused, sync replays change nothing). */
  resume: boolean;
  /** How long to wait for the worker (rule run, cases, check-ins, analytics). */
  waitTimeoutMs: number;
  now?: Date;
  log: (line: string) => void;
}

/** The admin `npm start` creates in development when no BOOTSTRAP_ADMIN_* is set (libs/config). */
export const DEFAULT_ADMIN = { email: DEVELOPMENT_ADMIN.email, password: DEVELOPMENT_ADMIN.password };

export type SyncSummary = Record<'created' | 'updated' | 'unchanged' | 'stale' | 'duplicate' | 'rejected', number>;

export interface DemoShowcase {
  advisor: { id: string; email: string; name: string } | null;
  /** The queue date the advisor has work on (today, or the next day with work). */
  queueDate: string | null;
  queueTasks: number;
  queueCases: number;
  caseId: string | null;
  caseAlerts: number;
  learnerId: string | null;
}

export interface DemoResult {
  alreadyLoaded: boolean;
  baseUrl: string;
  teams: Record<TeamKey, string>;
  staff: Array<{ id: string; email: string; name: string; role: string; team: TeamKey }>;
  apiKey: string | null;
  counts: Record<Archetype, number> | null;
  sync: { courses: SyncSummary; learners: SyncSummary; enrollments: SyncSummary; events: SyncSummary } | null;
  rejected: Array<{ kind: string; index: number; errors: unknown }>;
  ruleRun: { id: string; status: string; alertsOpened?: number; alertsRefreshed?: number; alertsCleared?: number } | null;
  openAlerts: number;
  openCases: number;
  firstWeekCheckins: number;
  analyticsRefreshed: boolean;
  /** The learned risk model's attempt: ready (with its verdict) or why there is none; null when it did not finish in time. */
  riskModel: { status: string; version: number | null; verdict: string | null; auc: number | null; message: string | null } | null;
  /** Open tickets the demo filed at the support desk (null: not set up). */
  tickets: number | null;
  /** Enrolments in the holdout group (HOLDOUT_PERCENT on the server), null when unknown. */
  holdoutEnrolments: number | null;
  showcase: DemoShowcase;
  notes: string[];
}

/** Thrown for problems the user must fix (server down, no admin): the CLI prints the message and exits 1. */
export class DemoSetupError extends Error {}

const EMPTY: SyncSummary = { created: 0, updated: 0, unchanged: 0, stale: 0, duplicate: 0, rejected: 0 };

export async function loadDemo(opts: DemoOptions): Promise<DemoResult> {
  const http = new CareloopHttp(opts.baseUrl);
  const log = opts.log;
  await checkReachable(http);
  const admin = await loginAdmin(http, opts);

  const teamsBefore = await http.get<Array<{ id: string; name: string; supervisorId?: string | null }>>('/teams', admin);
  const loaded = teamsBefore.some((t) => t.name === DEMO_TEAMS.north);
  const result: DemoResult = {
    alreadyLoaded: loaded && !opts.resume,
    baseUrl: http.baseUrl,
    teams: { north: '', south: '' },
    staff: [],
    apiKey: null,
    counts: null,
    sync: null,
    rejected: [],
    ruleRun: null,
    openAlerts: 0,
    openCases: 0,
    firstWeekCheckins: 0,
    analyticsRefreshed: false,
    riskModel: null,
    holdoutEnrolments: null,
    tickets: null,
    showcase: { advisor: null, queueDate: null, queueTasks: 0, queueCases: 0, caseId: null, caseAlerts: 0, learnerId: null },
    notes: [],
  };
  if (result.alreadyLoaded) {
    log(`The demo school is already loaded at ${http.baseUrl} (team "${DEMO_TEAMS.north}" exists): nothing to do.`);
    log('To load it again over the existing data (safe: replays change nothing): npm run demo -- --resume');
    await collectStaff(http, admin, teamsBefore, result);
    await countWork(http, admin, result);
    result.holdoutEnrolments = await holdoutSize(http, admin);
    if (result.openCases === 0) result.notes.push('No open cases: an earlier load may have stopped half-way. Finish it with: npm run demo -- --resume');
    await pickShowcase(http, result, opts);
    return result;
  }

  // ---- staff and teams (admin) ----------------------------------------------------------------
  log(`Creating 2 teams, a supervisor and ${DEMO_STAFF.length - 1} advisors (password "${DEMO_PASSWORD}")`);
  const existing = new Map((await http.all<{ id: string; email: string }>('/staff', admin)).map((s) => [s.email.toLowerCase(), s.id]));
  const supervisorDef = DEMO_STAFF.find((s) => s.role === 'supervisor')!;
  const supervisorId = existing.get(supervisorDef.email) ?? (await createStaff(http, admin, supervisorDef, null));
  const teams: Record<TeamKey, string> = { north: '', south: '' };
  for (const key of Object.keys(DEMO_TEAMS) as TeamKey[]) {
    const found = teamsBefore.find((t) => t.name === DEMO_TEAMS[key]);
    teams[key] = found?.id ?? (await http.send<{ id: string }>('POST', '/teams', admin, { name: DEMO_TEAMS[key], supervisorId })).id;
  }
  await http.send('PATCH', `/staff/${supervisorId}`, admin, { teamId: teams[supervisorDef.team], reason: 'demo school: supervisor of both demo teams' });
  result.teams = teams;
  result.staff.push({ id: supervisorId, email: supervisorDef.email, name: supervisorDef.name, role: 'supervisor', team: supervisorDef.team });
  for (const s of DEMO_STAFF.filter((x) => x.role === 'advisor')) {
    const id = existing.get(s.email) ?? (await createStaff(http, admin, s, teams[s.team]));
    result.staff.push({ id, email: s.email, name: s.name, role: s.role, team: s.team });
  }

  // ---- learner data (API key, as the school's platform would) --------------------------------
  const client = await http.send<{ id: string; key: string }>('POST', '/api-clients', admin, {
    name: `Demo LMS sync ${new Date().toISOString().slice(0, 10)}`,
    scopes: ['sync:write', 'read'],
  });
  result.apiKey = client.key;
  const key = client.key;

  const now = opts.now ?? new Date();
  log(`Generating ${opts.learners.toLocaleString('en-US')} learners with ${120} days of history (seed ${opts.seed})`);
  const school = buildDemoSchool({ learners: opts.learners, seed: opts.seed, now, schoolTimezone: opts.schoolTimezone });
  result.counts = school.counts;
  log(`  ${ARCHETYPES.map((a) => `${a} ${school.counts[a]}`).join(', ')}; ${school.eventCount.toLocaleString('en-US')} events`);

  const sync = { courses: { ...EMPTY }, learners: { ...EMPTY }, enrollments: { ...EMPTY }, events: { ...EMPTY } };
  const courses = DEMO_COURSES.map(({ team, ...c }) => ({ ...c, teamId: teams[team] }));
  await syncBatches(http, key, 'PUT', '/sync/courses', 'courses', courses, opts, sync.courses, result, log);
  await syncBatches(
    http,
    key,
    'PUT',
    '/sync/learners',
    'learners',
    school.learners.map((l) => l.learner),
    opts,
    sync.learners,
    result,
    log,
  );
  await syncBatches(
    http,
    key,
    'PUT',
    '/sync/enrollments',
    'enrollments',
    school.learners.map((l) => l.enrollment),
    opts,
    sync.enrollments,
    result,
    log,
  );
  // Each learner's history in time order, learner after learner (a platform backfilling its history would do
  // the same); a batch then touches few enrolments, which keeps the rollup upserts cheap.
  const events = school.learners.flatMap((l) => l.events);
  await syncBatches(http, key, 'POST', '/sync/events', 'events', events, opts, sync.events, result, log);
  result.sync = sync;
  if (result.rejected.length) log(`  ${result.rejected.length} item(s) were rejected; first: ${JSON.stringify(result.rejected[0])}`);

  // ---- rules, cases, first-week program (worker) ---------------------------------------------
  const deadline = Date.now() + opts.waitTimeoutMs;
  result.ruleRun = await runRules(http, admin, deadline, log);
  await waitForWork(http, admin, result, deadline, log);
  if (!opts.resume) await morningWork(http, result, opts, log);
  try {
    result.tickets = (await loadSupportDesk(http, admin, teams, school.learners, log)).tickets;
  } catch (e) {
    result.notes.push(`Setting up the support desk failed: ${(e as Error).message}`);
  }
  result.analyticsRefreshed = await refreshAnalytics(http, admin, deadline, log);
  try {
    result.riskModel = await trainRiskModel(http, admin, deadline, log);
  } catch (e) {
    result.notes.push(`Training the learned risk model failed: ${(e as Error).message}`);
  }
  result.holdoutEnrolments = await holdoutSize(http, admin);
  await pickShowcase(http, result, opts);
  return result;
}

async function checkReachable(http: CareloopHttp): Promise<void> {
  try {
    await http.request('GET', '/health/live');
  } catch (e) {
    throw new DemoSetupError(
      `Nothing answers at ${http.baseUrl} (${(e as Error).message}).\n` +
        `Start careloop first, in another shell:  npm start\n` +
        `or point the demo at a running instance:  CARELOOP_URL=http://host:port npm run demo`,
    );
  }
}

async function loginAdmin(http: CareloopHttp, opts: DemoOptions): Promise<string> {
  const res = await http.request<{ accessToken: string; staff: { role: string } }>('POST', '/auth/login', {
    body: { email: opts.adminEmail, password: opts.adminPassword },
    accept: [401],
  });
  if (res.status === 401) {
    throw new DemoSetupError(
      `The demo logs in as the bootstrap admin, but ${opts.adminEmail} could not log in at ${http.baseUrl}.\n` +
        `careloop creates that admin at start when no staff exists yet and both variables are set. For a fresh instance,\n` +
        `stop it and start it again with:\n\n` +
        `  BOOTSTRAP_ADMIN_EMAIL=${opts.adminEmail} BOOTSTRAP_ADMIN_PASSWORD='${opts.adminPassword}' npm start\n\n` +
        `then run "npm run demo" again. If careloop already has an admin, give the demo their login instead:\n\n` +
        `  BOOTSTRAP_ADMIN_EMAIL=you@school.example BOOTSTRAP_ADMIN_PASSWORD='…' npm run demo`,
    );
  }
  if (res.body.staff?.role !== 'admin')
    throw new DemoSetupError(`${opts.adminEmail} is a ${res.body.staff?.role}, not an admin: the demo needs an admin login.`);
  return res.body.accessToken;
}

async function createStaff(http: CareloopHttp, admin: string, s: (typeof DEMO_STAFF)[number], teamId: string | null): Promise<string> {
  const body = {
    email: s.email,
    name: s.name,
    password: DEMO_PASSWORD,
    role: s.role,
    ...(teamId ? { teamId } : {}),
    capacity: s.capacity,
    skills: s.skills,
    timezone: s.timezone,
    workingHours: s.workingHours,
  };
  return (await http.send<{ id: string }>('POST', '/staff', admin, body)).id;
}

/**
 * Sends `items` in batches, `concurrency` requests in flight (each kind finishes before the next starts, so
 * parents always precede children). Replies are summed into `into`; rejected items are kept for the report.
 */
async function syncBatches(
  http: CareloopHttp,
  key: string,
  method: 'PUT' | 'POST',
  path: string,
  kind: string,
  items: unknown[],
  opts: Pick<DemoOptions, 'batchSize' | 'concurrency'>,
  into: SyncSummary,
  result: DemoResult,
  log: (l: string) => void,
): Promise<void> {
  const started = Date.now();
  let lastLog = 0;
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const from = next;
      if (from >= items.length) return;
      next += opts.batchSize;
      const batch = items.slice(from, from + opts.batchSize);
      const reply = await http.send<{ results: Array<{ index: number; status: string; errors?: unknown }>; summary: SyncSummary }>(method, path, key, {
        items: batch,
      });
      for (const k of Object.keys(into) as Array<keyof SyncSummary>) into[k] += reply.summary?.[k] ?? 0;
      for (const r of reply.results ?? [])
        if (r.status === 'rejected' && result.rejected.length < 20) result.rejected.push({ kind, index: from + r.index, errors: r.errors });
      done += batch.length;
      if (done === items.length || Date.now() - lastLog > 2000) {
        lastLog = Date.now();
        const rate = Math.round(done / Math.max(0.001, (Date.now() - started) / 1000));
        log(`  ${kind.padEnd(11)} ${done.toLocaleString('en-US').padStart(9)} / ${items.length.toLocaleString('en-US')}  (${rate.toLocaleString('en-US')}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  log(
    `  ${kind.padEnd(11)} ${
      Object.entries(into)
        .filter(([, n]) => n)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ') || 'nothing to send'
    }`,
  );
}

async function runRules(http: CareloopHttp, admin: string, deadline: number, log: (l: string) => void): Promise<DemoResult['ruleRun']> {
  log('Evaluating the warning rules (POST /rules/evaluate)');
  const { runId } = await http.send<{ runId: string }>('POST', '/rules/evaluate', admin, {});
  for (;;) {
    const run = await http.get<{ id: string; status: string; alertsOpened?: number; alertsRefreshed?: number; alertsCleared?: number; error?: string }>(
      `/rule-runs/${runId}`,
      admin,
    );
    if (run.status === 'completed' || run.status === 'failed') {
      log(
        `  rule run ${run.id} ${run.status}: ${run.alertsOpened ?? 0} alerts opened, ${run.alertsRefreshed ?? 0} refreshed, ${run.alertsCleared ?? 0} cleared${run.error ? ` (${run.error})` : ''}`,
      );
      return { id: run.id, status: run.status, alertsOpened: run.alertsOpened, alertsRefreshed: run.alertsRefreshed, alertsCleared: run.alertsCleared };
    }
    if (Date.now() > deadline) {
      log(`  rule run ${runId} still ${run.status}; is the worker running? (npm start runs it; or node dist/apps/worker/src/main.js)`);
      return { id: run.id, status: run.status };
    }
    await sleep(500);
  }
}

/** Counts open alerts, open cases and first-week check-ins, paging through the lists. */
async function countWork(http: CareloopHttp, admin: string, result: DemoResult): Promise<void> {
  result.openAlerts = (await http.all('/alerts?status=open', admin)).length;
  result.openCases = (await http.all('/cases?status=open', admin)).length + (await http.all('/cases?status=in_progress', admin)).length;
  result.firstWeekCheckins = (await http.all('/tasks?kind=first_week_checkin', admin)).length;
}

/** The worker turns alerts into cases and new enrolments into check-ins; wait until both settle. */
async function waitForWork(http: CareloopHttp, admin: string, result: DemoResult, deadline: number, log: (l: string) => void): Promise<void> {
  log('Waiting for the worker: cases from alerts, first-week check-ins for new learners');
  let last = '';
  let stable = 0;
  for (;;) {
    await countWork(http, admin, result);
    const now = `${result.openAlerts}/${result.openCases}/${result.firstWeekCheckins}`;
    stable = now === last ? stable + 1 : 0;
    last = now;
    if (stable >= 2 && result.openCases > 0) break;
    if (Date.now() > deadline) {
      result.notes.push('The worker had not settled when the demo stopped waiting; counts may still grow.');
      break;
    }
    await sleep(1000);
  }
  log(`  ${result.openAlerts} open alerts, ${result.openCases} open cases, ${result.firstWeekCheckins} first-week check-ins`);
}

const CHURN_REASONS = ['expectation_gap', 'lack_of_support', 'content_mismatch', 'slow_service', 'life_circumstances', 'other'] as const;
const CALL_NOTES: Record<(typeof CHURN_REASONS)[number], string> = {
  expectation_gap: 'Expected live classes; explained the format and booked a Q&A session.',
  lack_of_support: 'Felt alone with the exercises; introduced the study group and office hours.',
  content_mismatch: 'Course pace too fast for their goal; suggested the foundation track first.',
  slow_service: 'Waited three days for an answer from support; escalated the open ticket.',
  life_circumstances: 'New job, little time in the evenings; agreed a lighter weekly plan.',
  other: 'Moving house this month; will resume next week.',
};

/**
 * The advisors' first calls, so outcome logging and the churn-reason and advisor reports have something to
 * show: each advisor works a few of their cases (a call logged on the case's task with a risk read and a
 * churn reason; every other case resolved, retained or churned). Deterministic by seed.
 */
async function morningWork(http: CareloopHttp, result: DemoResult, opts: DemoOptions, log: (l: string) => void): Promise<void> {
  const rng = Random.for(opts.seed, 999_999);
  let calls = 0;
  let resolved = 0;
  try {
    for (const s of result.staff.filter((x) => x.role === 'advisor')) {
      const login = await http.request<{ accessToken: string }>('POST', '/auth/login', {
        body: { email: s.email, password: DEMO_PASSWORD },
        accept: [401, 429],
      });
      if (login.status !== 200) continue;
      const token = login.body.accessToken;
      const cases = await http.get<{ items: Array<{ id: string }> }>(`/cases?advisorId=${s.id}&status=open&limit=4`, token);
      for (const [i, c] of cases.items.entries()) {
        const detail = await http.get<{ tasks?: Array<{ id: string; status: string }> }>(`/cases/${c.id}`, token);
        const task = (detail.tasks ?? []).find((t) => t.status === 'scheduled');
        const reason = rng.pick(CHURN_REASONS);
        if (task) {
          await http.send('POST', `/tasks/${task.id}/outcome`, token, {
            result: 'reached',
            durationMinutes: rng.int(8, 20),
            note: CALL_NOTES[reason],
            riskRead: rng.pick(['low', 'medium', 'high'] as const),
            churnReason: reason,
          });
          calls++;
        }
        if (i % 2 === 1) {
          const churned = rng.chance(0.3);
          await http.send(
            'POST',
            `/cases/${c.id}/resolve`,
            token,
            churned
              ? { outcome: 'churned', churnReason: reason, note: 'Decided to stop after the call.' }
              : { outcome: 'retained', churnReason: reason, note: 'Back on track after the call.' },
          );
          resolved++;
        }
      }
    }
    log(`The advisors' first calls: ${calls} outcomes logged, ${resolved} cases resolved`);
  } catch (e) {
    result.notes.push(`Logging the first calls failed: ${(e as Error).message}`);
  }
}

async function refreshAnalytics(http: CareloopHttp, admin: string, deadline: number, log: (l: string) => void): Promise<boolean> {
  log('Refreshing analytics (POST /analytics/refresh)');
  await http.send('POST', '/analytics/refresh', admin, {});
  for (;;) {
    const s = await http.get<{ pending: boolean; refreshedAt: string | null; enrollments?: number }>('/analytics/status', admin);
    if (!s.pending && s.refreshedAt) {
      log(`  analytics refreshed at ${s.refreshedAt} over ${s.enrollments ?? '?'} enrolments`);
      return true;
    }
    if (Date.now() > deadline) return false;
    await sleep(500);
  }
}

/** Trains the learned risk model on the school's history (POST /risk-model/train) and waits for the verdict. */
async function trainRiskModel(http: CareloopHttp, admin: string, deadline: number, log: (l: string) => void): Promise<DemoResult['riskModel']> {
  log('Training the learned risk model on the history (POST /risk-model/train)');
  await http.send('POST', '/risk-model/train', admin, {});
  type Report = {
    status: string;
    message: string | null;
    model: { version: number; evaluation: { model: { auc: number | null }; rules: { auc: number | null }; verdict: { text: string } } } | null;
  };
  for (;;) {
    const r = await http.get<Report>('/risk-model', admin);
    if (r.status !== 'queued' && r.status !== 'training') {
      const e = r.status === 'ready' ? r.model?.evaluation : undefined;
      if (e) log(`  model ${r.model!.version}: AUC ${e.model.auc?.toFixed(3)} on held-out learners (the rules ${e.rules.auc?.toFixed(3)}). ${e.verdict.text}`);
      else log(`  no model: ${r.message}`);
      return { status: r.status, version: r.model?.version ?? null, verdict: e?.verdict.text ?? null, auc: e?.model.auc ?? null, message: r.message };
    }
    if (Date.now() > deadline) return null;
    await sleep(500);
  }
}

async function holdoutSize(http: CareloopHttp, admin: string): Promise<number | null> {
  try {
    const fw = await http.get<{ groups?: { holdout?: { enrolments?: number } } }>('/analytics/first-week', admin);
    return fw.groups?.holdout?.enrolments ?? null;
  } catch {
    return null;
  }
}

async function collectStaff(http: CareloopHttp, admin: string, teams: Array<{ id: string; name: string }>, result: DemoResult): Promise<void> {
  for (const key of Object.keys(DEMO_TEAMS) as TeamKey[]) result.teams[key] = teams.find((t) => t.name === DEMO_TEAMS[key])?.id ?? '';
  const byEmail = new Map((await http.all<{ id: string; email: string }>('/staff', admin)).map((s) => [s.email.toLowerCase(), s.id]));
  for (const s of DEMO_STAFF) {
    const id = byEmail.get(s.email);
    if (id) result.staff.push({ id, email: s.email, name: s.name, role: s.role, team: s.team });
  }
}

/** Calls before only cases; then the earlier day; then the fuller queue. */
function showsMore(a: { date: string; tasks: number; cases: number }, b: { date: string; tasks: number; cases: number }): boolean {
  if (a.tasks > 0 !== b.tasks > 0) return a.tasks > 0;
  if (a.date !== b.date) return a.date < b.date;
  return a.tasks + a.cases > b.tasks + b.cases;
}

/** Logs in as each advisor and picks one with calls on the earliest day (the fullest queue first), and one of their cases with evidence. */
async function pickShowcase(http: CareloopHttp, result: DemoResult, opts: DemoOptions): Promise<void> {
  const today = DateTime.now().setZone(opts.schoolTimezone);
  let best: { s: DemoResult['staff'][number]; token: string; date: string; tasks: number; cases: number } | undefined;
  for (const s of result.staff.filter((x) => x.role === 'advisor')) {
    const login = await http.request<{ accessToken: string }>('POST', '/auth/login', { body: { email: s.email, password: DEMO_PASSWORD }, accept: [401, 403] });
    if (login.status !== 200) continue;
    const token = login.body.accessToken;
    // The first day, today or within the week, with calls on it: loaded in the evening or before a weekend, today's
    // calls are over and the next ones are on the next working day. A day with only cases counts when no day has calls.
    let pick: { date: string; tasks: number; cases: number } | undefined;
    for (let d = 0; d < 7; d++) {
      const date = today.plus({ days: d }).toISODate()!;
      const q = await http.get<{ tasks: unknown[]; cases: unknown[] }>(d === 0 ? '/me/queue' : `/me/queue?date=${date}`, token);
      const tasks = q.tasks?.length ?? 0;
      const cases = q.cases?.length ?? 0;
      if (!pick && tasks + cases > 0) pick = { date, tasks, cases };
      if (tasks > 0) {
        pick = { date, tasks, cases };
        break;
      }
    }
    if (!pick) continue;
    if (!best || showsMore(pick, best)) best = { s, token, ...pick };
  }
  if (!best) {
    result.notes.push('No advisor has anything in their queue yet: is the worker running?');
    return;
  }
  result.showcase = {
    advisor: { id: best.s.id, email: best.s.email, name: best.s.name },
    queueDate: best.date,
    queueTasks: best.tasks,
    queueCases: best.cases,
    caseId: null,
    caseAlerts: 0,
    learnerId: null,
  };
  const cases = await http.get<{ items: Array<{ id: string; learnerId: string }> }>(`/cases?advisorId=${best.s.id}&limit=20`, best.token);
  for (const c of cases.items) {
    const detail = await http.get<{ id: string; learnerId: string; alerts?: Array<{ evidence?: unknown }> }>(`/cases/${c.id}`, best.token);
    const withEvidence = (detail.alerts ?? []).filter((a) => a.evidence && typeof a.evidence === 'object');
    if (withEvidence.length) {
      result.showcase.caseId = detail.id;
      result.showcase.learnerId = detail.learnerId;
      result.showcase.caseAlerts = withEvidence.length;
      break;
    }
  }
}

/** The lines printed at the end: logins and curl commands with real ids. */
export function renderSummary(r: DemoResult, opts: Pick<DemoOptions, 'adminEmail' | 'adminPassword' | 'schoolTimezone'>): string {
  const url = r.baseUrl;
  // A draft rule tried on the last 60 school days of history (the admin's tuning tool).
  const today = DateTime.now().setZone(opts.schoolTimezone).startOf('day');
  const backtest = { from: today.minus({ days: 60 }).toISODate()!, to: today.minus({ days: 1 }).toISODate()! };
  const api = `${url}/api/v1`;
  const out: string[] = [];
  out.push('', r.alreadyLoaded ? 'The demo school was already loaded.' : 'The demo school is loaded.', '');
  out.push('Logins (POST /api/v1/auth/login):');
  out.push(`  admin       ${opts.adminEmail.padEnd(34)} ${opts.adminPassword}`);
  for (const s of r.staff) {
    const def = DEMO_STAFF.find((d) => d.email === s.email)!;
    out.push(
      `  ${s.role.padEnd(11)} ${s.email.padEnd(34)} ${DEMO_PASSWORD}   ${DEMO_TEAMS[s.team]}${s.role === 'supervisor' ? ' + Demo South' : `, skills ${def.skills.join(', ')}`}`,
    );
  }
  if (r.apiKey) out.push('', `API key of the demo LMS (sync:write, read; shown only now): ${r.apiKey}`);
  if (r.counts) out.push('', `Learners by archetype: ${ARCHETYPES.map((a) => `${a} ${r.counts![a]}`).join(', ')}`);
  out.push(`Open alerts ${r.openAlerts}, open cases ${r.openCases}, first-week check-ins ${r.firstWeekCheckins}.`);
  if (r.holdoutEnrolments)
    out.push(
      `Holdout: ${r.holdoutEnrolments} enrolments are held out (HOLDOUT_PERCENT is set on the server): they get alerts but no calls,`,
      '  and GET /analytics/first-week compares their churn with the treated learners (the uplift).',
    );
  else
    out.push(
      'Holdout: none. Start the server with HOLDOUT_PERCENT=10 (before loading) and that share of learners gets alerts but no calls;',
      '  GET /analytics/first-week then reports the uplift of the program.',
    );
  if (r.riskModel?.status === 'ready')
    out.push(
      `Learned risk model ${r.riskModel.version}: AUC ${r.riskModel.auc?.toFixed(3)} on held-out learners. ${r.riskModel.verdict}`,
      `  GET /risk-model has the comparison with the rules; the console's Risk model page shows it.`,
    );
  else if (r.riskModel) out.push(`Learned risk model: none (${r.riskModel.message})`);
  const login = (email: string, password: string) =>
    `curl -s -X POST ${api}/auth/login -H 'content-type: application/json' -d '{"email":"${email}","password":"${password}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken'`;
  out.push('', 'Try it:', '');
  const sc = r.showcase;
  if (sc.advisor) {
    out.push(`  # ${sc.advisor.name}'s queue for ${sc.queueDate} (${sc.queueTasks} tasks, ${sc.queueCases} cases without a scheduled task)`);
    out.push(`  ADVISOR=$(${login(sc.advisor.email, DEMO_PASSWORD)})`);
    out.push(`  curl -s '${api}/me/queue${sc.queueDate ? `?date=${sc.queueDate}` : ''}' -H "Authorization: Bearer $ADVISOR"`);
    if (sc.caseId) {
      out.push('', `  # one of their cases, with the alerts and the evidence that fired`);
      out.push(`  curl -s ${api}/cases/${sc.caseId} -H "Authorization: Bearer $ADVISOR"`);
      out.push(`  curl -s ${api}/learners/${sc.learnerId}/timeline -H "Authorization: Bearer $ADVISOR"`);
    }
  }
  out.push('', '  # analytics, as the admin');
  out.push(`  ADMIN=$(${login(opts.adminEmail, opts.adminPassword)})`);
  out.push(`  curl -s ${api}/analytics/rules -H "Authorization: Bearer $ADMIN"`);
  out.push(`  curl -s -X POST ${api}/rules/backtest -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' \\`);
  out.push(`    -d '{"rule":{"kind":"inactive_days","params":{"days":10}},"from":"${backtest.from}","to":"${backtest.to}"}'`);
  out.push(`  curl -s ${api}/analytics/first-week -H "Authorization: Bearer $ADMIN"`);
  out.push(`  curl -s ${api}/analytics/churn-reasons -H "Authorization: Bearer $ADMIN"`);
  out.push(`  curl -s ${api}/analytics/retention -H "Authorization: Bearer $ADMIN" -H 'Accept: text/csv'`);
  out.push(`  curl -s '${api}/cohort-alerts' -H "Authorization: Bearer $ADMIN"`);
  out.push('', `API reference: ${url}/docs`);
  for (const n of r.notes) out.push(`Note: ${n}`);
  return out.join('\n');
}

export { ApiError };
