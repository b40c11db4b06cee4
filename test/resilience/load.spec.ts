import { api, sleep } from '../../libs/testing/process-harness.js';
import { recordResult } from './results.js';
import { endState, System } from './system.js';

/**
 * Mixed load at a steady (open-loop) rate for LOAD_SECONDS (default 600): sync batches (learners, enrolments,
 * activity events), advisors' queue reads, outcome writes, learner searches, and a rule run in the middle.
 * Reports throughput, p50/p99 per endpoint, errors (must be 0), worker lag (outbox backlog and queue backlog
 * over time) and API/worker RSS at start and end, to test/RESULTS.md.
 */
const SECONDS = Number(process.env.LOAD_SECONDS ?? 600);
/** Lag bounds the run must hold: the outbox never further behind than this many events, and everything drained this soon after the load. */
const MAX_OUTBOX_BACKLOG = Number(process.env.LOAD_MAX_OUTBOX_BACKLOG ?? 1000);
const MAX_DRAIN_S = Number(process.env.LOAD_MAX_DRAIN_S ?? 30);
const ADVISORS = 8;
const TICK_MS = 100;

interface Op {
  name: string;
  /** fire on ticks where tick % every === 0 */
  every: number;
  run: (tick: number) => Promise<{ status: number; ms: number; body?: unknown }>;
  /** statuses that count as success */
  ok?: number[];
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

describe('mixed load at a steady rate', () => {
  it(`holds for ${SECONDS} s with no errors, bounded lag and no memory growth trend`, async () => {
    const sys = await System.start('load');
    try {
      const { teamId } = await sys.teamOwningAllCourses(ADVISORS);
      const tokens: string[] = [];
      for (let i = 0; i < ADVISORS; i++) {
        const r = await api(sys.baseUrl, 'POST', '/api/v1/auth/login', {
          body: { email: `advisor${i}-${sys.name}@resilience.test`, password: 'resilience-advisor-password' },
        });
        expect(r.status).toBe(200);
        tokens.push(r.body.accessToken);
      }
      const sync = (p: string, items: unknown[]) =>
        api(sys.baseUrl, p === 'events' ? 'POST' : 'PUT', `/api/v1/sync/${p}`, { token: sys.token, body: { items }, timeoutMs: 60_000 });
      const courses = Array.from({ length: 6 }, (_, i) => ({ externalId: `LD-C${i}`, title: `Course ${i}`, totalLessons: 40, durationDays: 120, teamId }));
      expect((await sync('courses', courses)).status).toBe(200);

      // Learners are created in batches of 20, enrolled a tick later; events reference enrolled learners.
      let learnersMade = 0;
      let enrolled = 0;
      let eventSeq = 0;
      let noTask = 0;
      const synced: number[] = [];
      const enrolledBatches: number[] = [];
      const started = Date.now();
      const day = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
      const ops: Op[] = [
        {
          name: 'PUT /sync/learners (20)',
          every: 10,
          run: async () => {
            const from = learnersMade;
            learnersMade += 20;
            const r = await sync(
              'learners',
              Array.from({ length: 20 }, (_, i) => ({ externalId: `LD-L${from + i}`, name: `Learner ${from + i}`, timezone: 'Asia/Shanghai' })),
            );
            if (r.status === 200) synced.push(from);
            return r;
          },
        },
        {
          name: 'PUT /sync/enrollments (20)',
          every: 10,
          run: async () => {
            // Only learners whose sync has answered (a batch still in flight is enrolled on a later tick).
            const from = synced.shift();
            if (from === undefined) return { status: 200, ms: 0 };
            enrolled += 20;
            // Most enrolments are older (no first-week program), one in four is new (seven check-ins each).
            const r = await sync(
              'enrollments',
              Array.from({ length: 20 }, (_, i) => ({
                externalId: `LD-E${from + i}`,
                learnerExternalId: `LD-L${from + i}`,
                courseExternalId: `LD-C${(from + i) % courses.length}`,
                enrolledAt: (from + i) % 4 === 0 ? day(3_600_000) : day((((from + i) % 60) + 10) * 86_400_000),
                status: 'active',
              })),
            );
            if (r.status === 200) enrolledBatches.push(from);
            return r;
          },
        },
        {
          name: 'POST /sync/events (100)',
          every: 5,
          run: async () => {
            if (!enrolledBatches.length) return { status: 200, ms: 0 };
            const items = Array.from({ length: 100 }, () => {
              const k = eventSeq++;
              const l = enrolledBatches[(k * 7919) % enrolledBatches.length] + (k % 20);
              const type = k % 3 === 0 ? 'login' : k % 3 === 1 ? 'study_session' : 'lesson_completed';
              return {
                eventId: `LD-EV${k}`,
                learnerExternalId: `LD-L${l}`,
                courseExternalId: `LD-C${l % courses.length}`,
                type,
                occurredAt: day((k % 20) * 3_600_000),
                ...(type === 'study_session'
                  ? { data: { minutes: 10 + (k % 50) } }
                  : type === 'lesson_completed'
                    ? { data: { lessonId: `lesson-${k % 40}` } }
                    : {}),
              };
            });
            return sync('events', items);
          },
        },
        { name: 'GET /me/queue', every: 2, run: (t) => api(sys.baseUrl, 'GET', '/api/v1/me/queue', { token: tokens[t % ADVISORS] }) },
        {
          name: 'POST /tasks/:id/outcome',
          every: 5,
          run: async (t) => {
            const token = tokens[t % ADVISORS];
            const q = await api(sys.baseUrl, 'GET', '/api/v1/tasks?status=scheduled&limit=1', { token });
            const task = q.body?.items?.[0];
            if (!task) {
              noTask++;
              return { status: q.status, ms: 0 };
            }
            return api(sys.baseUrl, 'POST', `/api/v1/tasks/${task.id}/outcome`, {
              token,
              body: { result: t % 3 ? 'reached' : 'no_answer', durationMinutes: 12, note: 'load', riskRead: 'low' },
            });
          },
          ok: [200, 409], // two ticks may pick the same task: the second is a conflict, not an error
        },
        { name: 'GET /learners?q=', every: 10, run: (t) => api(sys.baseUrl, 'GET', `/api/v1/learners?q=Learner%20${t % 500}&limit=20`, { token: sys.token }) },
      ];

      const lat = new Map<string, number[]>(ops.map((o) => [o.name, []]));
      const errors: string[] = [];
      const samples: Array<{ s: number; outbox: number; queue: number; apiRss: number; workerRss: number }> = [];
      const sample = async () =>
        samples.push({
          s: Math.round((Date.now() - started) / 1000),
          outbox: await sys.outboxBacklog(),
          queue: await sys.queueBacklog(),
          apiRss: sys.apiProc.rssMiB(),
          workerRss: sys.worker.rssMiB(),
        });
      await sample();

      const inFlight = new Set<Promise<void>>();
      let ruleRun: { status: number; ms: number; body?: unknown } | undefined;
      let late = 0;
      const ticks = Math.floor((SECONDS * 1000) / TICK_MS);
      for (let tick = 1; tick <= ticks; tick++) {
        const due = started + tick * TICK_MS;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
        else if (wait < -TICK_MS) late++;
        for (const op of ops) {
          if (tick % op.every !== 0) continue;
          const p = op.run(tick).then(
            (r) => {
              if (r.ms > 0) lat.get(op.name)!.push(r.ms);
              if (!(op.ok ?? [200]).includes(r.status)) errors.push(`${op.name}: ${r.status}`);
              const rejected = (r as { body?: { summary?: { rejected?: number } } }).body?.summary?.rejected;
              if (rejected) errors.push(`${op.name}: ${rejected} items rejected`);
            },
            (e) => void errors.push(`${op.name}: ${String(e)}`),
          );
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
        if (tick === Math.floor(ticks / 2)) {
          void api(sys.baseUrl, 'POST', '/api/v1/rules/evaluate', { token: sys.token, body: {} }).then((r) => (ruleRun = r));
        }
        if (tick % Math.round(5000 / TICK_MS) === 0) await sample();
      }
      await Promise.all(inFlight);
      const elapsedS = (Date.now() - started) / 1000;
      await sample();
      const drainStart = Date.now();
      await sys.settle(() => endState(sys), { quietMs: 3000, timeoutMs: 600_000 });
      const drainS = (Date.now() - drainStart) / 1000;
      await sample();
      const state = await endState(sys);
      // The rule run asked for mid-load must have finished, not only been accepted.
      const runId = (ruleRun?.body as { runId?: string } | undefined)?.runId;
      const ruleRunStatus = runId ? String((await sys.one(`select status from rule_runs where id = $1`, [runId])).status) : 'none';

      const figures: Record<string, string | number> = { seconds: Math.round(elapsedS), requests: [...lat.values()].reduce((a, l) => a + l.length, 0) };
      figures.rps = Math.round((figures.requests as number) / elapsedS);
      for (const [name, l] of lat) {
        const s = [...l].sort((a, b) => a - b);
        const key = name.replace(/[^a-z]+/gi, '_').replace(/^_|_$/g, '');
        figures[`${key}`] = `n${s.length}/p50=${Math.round(quantile(s, 0.5))}ms/p99=${Math.round(quantile(s, 0.99))}ms`;
      }
      figures.errors = errors.length;
      figures.max_outbox_backlog = Math.max(...samples.map((x) => x.outbox));
      figures.max_queue_backlog = Math.max(...samples.map((x) => x.queue));
      figures.drain_s_after_load = Math.round(drainS);
      const first = samples[1] ?? samples[0];
      const mid = samples[Math.floor(samples.length / 2)];
      const last = samples[samples.length - 1];
      figures.api_rss_mib = `${first.apiRss}->${mid.apiRss}->${last.apiRss}`;
      figures.worker_rss_mib = `${first.workerRss}->${mid.workerRss}->${last.workerRss}`;
      figures.late_ticks = late;
      figures.rule_run = `${ruleRun?.status ?? 'none'}/${ruleRunStatus}`;
      figures.dup_first_week = state['dup.first_week'];
      figures.tasks = Object.entries(state)
        .filter(([k]) => k.startsWith('tasks.'))
        .map(([k, v]) => `${k.slice(6)}:${v}`)
        .join(',');
      figures.outcome_ticks_without_a_task = noTask;
      figures.learners = learnersMade;
      figures.enrolments = enrolled;
      figures.events = eventSeq;
      // Memory trend: the second half should not keep climbing (end within 25% of the midpoint).
      const apiGrowth = last.apiRss / mid.apiRss;
      const workerGrowth = last.workerRss / mid.workerRss;
      const maxOutbox = figures.max_outbox_backlog as number;
      const lagHeld = maxOutbox <= MAX_OUTBOX_BACKLOG && drainS <= MAX_DRAIN_S;
      const held =
        errors.length === 0 &&
        apiGrowth < 1.25 &&
        workerGrowth < 1.25 &&
        ruleRun?.status === 202 &&
        ruleRunStatus === 'completed' &&
        lagHeld &&
        state['dup.first_week'] === 0;
      recordResult(
        `mixed load ${SECONDS} s`,
        held,
        figures,
        `bounds: outbox backlog <= ${MAX_OUTBOX_BACKLOG}, drained within ${MAX_DRAIN_S} s, rule run completed; lag samples (s:outbox/queue): ${samples
          .filter((_, i) => i % Math.max(1, Math.floor(samples.length / 12)) === 0)
          .map((x) => `${x.s}:${x.outbox}/${x.queue}`)
          .join(' ')}`,
      );
      expect(errors.slice(0, 20)).toEqual([]);
      expect(ruleRun?.status).toBe(202);
      expect(ruleRunStatus).toBe('completed');
      expect(maxOutbox).toBeLessThanOrEqual(MAX_OUTBOX_BACKLOG);
      expect(drainS).toBeLessThanOrEqual(MAX_DRAIN_S);
      expect(state['dup.first_week']).toBe(0);
      expect(apiGrowth).toBeLessThan(1.25);
      expect(workerGrowth).toBeLessThan(1.25);
    } finally {
      await sys.close();
    }
  });
});
