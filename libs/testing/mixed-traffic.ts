import { createServer, type Server } from 'node:http';
import { api, sleep } from './process-harness.js';
import type { System } from './system.js';

/**
 * The mixed traffic of a working school, offered open-loop at a chosen rate against real API and worker processes
 * (System): the resilience soak (test/resilience/load.spec.ts) runs it at one rate for minutes; the load benchmark
 * (bench/load) steps the rate up until something gives. Every request kind is a share of the rate (MIX); in the
 * background a rule run is asked for every `ruleRunEverySeconds`, new enrolments start first-week programs in the
 * worker, and a webhook receiver in this process takes every alert and case event.
 */

/** Request kinds and their weights: the shape of the resilience suite's 12 requests/s, plus case views and ticket replies. */
export const MIX = {
  sync_learners: 1,
  sync_enrollments: 1,
  sync_events: 2,
  queue: 5,
  outcome: 2,
  search: 1,
  case_view: 1,
  ticket_reply: 1,
} as const;
export type Kind = keyof typeof MIX | 'rule_run';

export interface KindFigures {
  n: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface TrafficResult {
  rate: number;
  seconds: number;
  /** Requests sent and answered per second over the period (includes the background rule-run requests). */
  achievedRps: number;
  kinds: Record<string, KindFigures>;
  /** The first errors, as `kind: status` (all are counted in kinds[*].errors). */
  errors: string[];
  errorCount: number;
  /** Requests of a kind not sent because nothing was there to act on yet (no scheduled call, no case seen yet). */
  skipped: number;
  maxInFlight: number;
  samples: Array<{ s: number; outbox: number; queue: number; apiRss: number; workerRss: number }>;
  maxOutbox: number;
  maxQueue: number;
}

const TICK_MS = 10;
const BATCH = { learners: 20, events: 100 } as const;

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export class MixedTraffic {
  webhookReceived = 0;
  private learnersMade = 0;
  private synced: number[] = [];
  private enrolled: number[] = [];
  private eventSeq = 0;
  private readonly calls: string[][];
  private readonly cases: string[][];
  private ticketIds: string[] = [];
  private seq = 0;
  private receiver: Server | undefined;

  private constructor(
    readonly sys: System,
    private readonly tokens: string[],
    private readonly courses: number,
  ) {
    this.calls = tokens.map(() => []);
    this.cases = tokens.map(() => []);
  }

  /**
   * A team of `advisors` around-the-clock advisors owning `courses` courses, signed in; a webhook to a receiver in
   * this process (unless `webhook: false`); and `tickets` open tickets for replies, on learners synced first.
   */
  static async setup(sys: System, opts: { advisors?: number; courses?: number; tickets?: number; webhook?: boolean } = {}): Promise<MixedTraffic> {
    const advisors = opts.advisors ?? 8;
    const courses = opts.courses ?? 6;
    const { teamId } = await sys.teamOwningAllCourses(advisors);
    const tokens: string[] = [];
    for (let i = 0; i < advisors; i++) {
      const r = await api(sys.baseUrl, 'POST', '/api/v1/auth/login', {
        body: { email: `advisor${i}-${sys.name}@resilience.test`, password: 'resilience-advisor-password' },
      });
      if (r.status !== 200) throw new Error(`advisor login: ${r.status} ${JSON.stringify(r.body)}`);
      tokens.push(r.body.accessToken);
    }
    const c = await api(sys.baseUrl, 'PUT', '/api/v1/sync/courses', {
      token: sys.token,
      body: {
        items: Array.from({ length: courses }, (_, i) => ({ externalId: `LD-C${i}`, title: `Course ${i}`, totalLessons: 40, durationDays: 120, teamId })),
      },
    });
    if (c.status !== 200) throw new Error(`course sync: ${c.status} ${JSON.stringify(c.body)}`);

    const traffic = new MixedTraffic(sys, tokens, courses);
    if (opts.webhook !== false) {
      const receiver = createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          traffic.webhookReceived++;
          res.writeHead(204).end();
        });
      });
      traffic.receiver = receiver;
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const port = (receiver.address() as { port: number }).port;
      const hook = await api(sys.baseUrl, 'POST', '/api/v1/webhooks', {
        token: sys.token,
        body: { url: `http://127.0.0.1:${port}/hook`, events: ['alert.opened', 'case.opened'], secret: 'mixed-traffic-webhook-secret' },
      });
      if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${JSON.stringify(hook.body)}`);
    }

    const tickets = opts.tickets ?? 0;
    if (tickets > 0) {
      // Learners for the tickets (and the first queue reads), synced before the clock starts.
      while (traffic.learnersMade < tickets) await traffic.syncLearners();
      for (let i = 0; i < tickets; i++) {
        const r = await api(sys.baseUrl, 'POST', '/api/v1/tickets', {
          token: sys.token,
          body: { learnerExternalId: `LD-L${i}`, category: 'technical', subject: `Video stalls ${i}`, body: 'The lesson video keeps loading.' },
        });
        if (r.status !== 201) throw new Error(`ticket: ${r.status} ${JSON.stringify(r.body)}`);
        traffic.ticketIds.push(r.body.id);
      }
    }
    return traffic;
  }

  get learners(): number {
    return this.learnersMade;
  }
  get events(): number {
    return this.eventSeq;
  }
  get enrolments(): number {
    return this.enrolled.length * BATCH.learners;
  }

  /** Offers `rate` requests/s for `seconds`, open-loop (a slow answer never slows the offered rate), and waits for the stragglers. */
  async run(rate: number, seconds: number, opts: { ruleRunEverySeconds?: number; sampleEverySeconds?: number } = {}): Promise<TrafficResult> {
    const weights = Object.entries(MIX) as Array<[keyof typeof MIX, number]>;
    const total = weights.reduce((a, [, w]) => a + w, 0);
    const credit = new Map<Kind, number>(weights.map(([k]) => [k, 0]));
    const lat = new Map<Kind, number[]>([...weights.map(([k]) => [k, []] as [Kind, number[]]), ['rule_run', []]]);
    const errs = new Map<Kind, number>();
    const errors: string[] = [];
    let skipped = 0;
    let answered = 0;
    const inFlight = new Set<Promise<void>>();
    let maxInFlight = 0;
    const samples: TrafficResult['samples'] = [];
    const sample = async () =>
      samples.push({
        s: Math.round((Date.now() - started) / 1000),
        outbox: await this.sys.outboxBacklog(),
        queue: await this.sys.queueBacklog(),
        apiRss: this.sys.apiProc.rssMiB(),
        workerRss: this.sys.worker.rssMiB(),
      });
    const fire = (kind: Kind) => {
      const p = this.request(kind).then(
        (r) => {
          if (!r) {
            skipped++;
            return;
          }
          answered++;
          lat.get(kind)!.push(r.ms);
          const bad = !r.ok.includes(r.status)
            ? `${kind}: ${r.status} ${typeof r.body === 'string' ? r.body.slice(0, 120) : JSON.stringify(r.body ?? '').slice(0, 120)}`
            : r.rejected
              ? `${kind}: ${r.rejected} items rejected`
              : undefined;
          if (bad) {
            errs.set(kind, (errs.get(kind) ?? 0) + 1);
            if (errors.length < 20) errors.push(bad);
          }
        },
        (e) => {
          errs.set(kind, (errs.get(kind) ?? 0) + 1);
          if (errors.length < 20) errors.push(`${kind}: ${String(e)}`);
        },
      );
      inFlight.add(p);
      maxInFlight = Math.max(maxInFlight, inFlight.size);
      void p.finally(() => inFlight.delete(p));
    };

    const started = Date.now();
    const end = started + seconds * 1000;
    const ruleEvery = (opts.ruleRunEverySeconds ?? 60) * 1000;
    const sampleEvery = (opts.sampleEverySeconds ?? 5) * 1000;
    let nextRule = started + Math.min(ruleEvery, (seconds * 1000) / 2);
    let nextSample = started;
    let last = started;
    while (Date.now() < end) {
      const now = Date.now();
      const dt = (now - last) / 1000;
      last = now;
      for (const [kind, w] of weights) {
        let c = credit.get(kind)! + (rate * w * dt) / total;
        for (; c >= 1; c--) fire(kind);
        credit.set(kind, c);
      }
      if (now >= nextRule) {
        fire('rule_run');
        nextRule += ruleEvery;
      }
      if (now >= nextSample) {
        nextSample += sampleEvery;
        await sample();
      }
      await sleep(TICK_MS);
    }
    const elapsed = (Date.now() - started) / 1000;
    await Promise.all(inFlight);
    await sample();
    const kinds: Record<string, KindFigures> = {};
    for (const [kind, l] of lat) {
      const s = [...l].sort((a, b) => a - b);
      kinds[kind] = { n: s.length, p50: Math.round(quantile(s, 0.5)), p99: Math.round(quantile(s, 0.99)), errors: errs.get(kind) ?? 0 };
    }
    return {
      rate,
      seconds,
      achievedRps: Math.round((answered / elapsed) * 10) / 10,
      kinds,
      errors,
      errorCount: [...errs.values()].reduce((a, b) => a + b, 0),
      skipped,
      maxInFlight,
      samples,
      maxOutbox: Math.max(...samples.map((x) => x.outbox)),
      maxQueue: Math.max(...samples.map((x) => x.queue)),
    };
  }

  /**
   * Seconds until the system is idle again: no rule run queued or running, the outbox relayed and no job waiting or
   * running (delayed jobs, deadlines hours away, are not backlog). Infinity when that takes longer than `timeoutS`.
   */
  async drain(timeoutS = 120): Promise<number> {
    const t0 = Date.now();
    for (;;) {
      const runs = Number((await this.sys.one(`select count(*)::int as n from rule_runs where status in ('queued','running')`)).n);
      const busy = runs + (await this.sys.outboxBacklog()) + (await this.sys.queueBacklog());
      if (busy === 0) return Math.round((Date.now() - t0) / 100) / 10;
      if (Date.now() - t0 > timeoutS * 1000) return Infinity;
      await sleep(200);
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.receiver ? this.receiver.close(() => resolve()) : resolve()));
  }

  private async syncLearners(): Promise<Answer> {
    const from = this.learnersMade;
    this.learnersMade += BATCH.learners;
    const r = await this.sync(
      'learners',
      Array.from({ length: BATCH.learners }, (_, i) => ({ externalId: `LD-L${from + i}`, name: `Learner ${from + i}`, timezone: 'Asia/Shanghai' })),
    );
    if (r.status === 200) this.synced.push(from);
    return r;
  }

  private sync(kind: 'learners' | 'enrollments' | 'events', items: unknown[]): Promise<Answer> {
    return api(this.sys.baseUrl, kind === 'events' ? 'POST' : 'PUT', `/api/v1/sync/${kind}`, {
      token: this.sys.token,
      body: { items },
      timeoutMs: 60_000,
    }).then((r) => ({ ...r, ok: [200], rejected: r.body?.summary?.rejected ?? 0 }));
  }

  /** One request of `kind`; undefined when there is nothing to act on yet (not sent). */
  private async request(kind: Kind): Promise<Answer | undefined> {
    const n = this.seq++;
    const advisor = n % this.tokens.length;
    const token = this.tokens[advisor];
    const day = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    switch (kind) {
      case 'sync_learners':
        return this.syncLearners();
      case 'sync_enrollments': {
        // Only learners whose sync has answered; most enrolments are older (no first-week program), one in four is new (seven check-ins).
        const from = this.synced.shift();
        if (from === undefined) return undefined;
        const r = await this.sync(
          'enrollments',
          Array.from({ length: BATCH.learners }, (_, i) => ({
            externalId: `LD-E${from + i}`,
            learnerExternalId: `LD-L${from + i}`,
            courseExternalId: `LD-C${(from + i) % this.courses}`,
            enrolledAt: (from + i) % 4 === 0 ? day(3_600_000) : day((((from + i) % 60) + 10) * 86_400_000),
            status: 'active',
          })),
        );
        if (r.status === 200) this.enrolled.push(from);
        return r;
      }
      case 'sync_events': {
        if (!this.enrolled.length) return undefined;
        const items = Array.from({ length: BATCH.events }, () => {
          const k = this.eventSeq++;
          const l = this.enrolled[(k * 7919) % this.enrolled.length] + (k % BATCH.learners);
          const type = k % 3 === 0 ? 'login' : k % 3 === 1 ? 'study_session' : 'lesson_completed';
          return {
            eventId: `LD-EV${k}`,
            learnerExternalId: `LD-L${l}`,
            courseExternalId: `LD-C${l % this.courses}`,
            type,
            occurredAt: day((k % 20) * 3_600_000),
            ...(type === 'study_session'
              ? { data: { minutes: 10 + (k % 50) } }
              : type === 'lesson_completed'
                ? { data: { lessonId: `lesson-${k % 40}` } }
                : {}),
          };
        });
        return this.sync('events', items);
      }
      case 'queue': {
        const r = await api(this.sys.baseUrl, 'GET', '/api/v1/me/queue', { token });
        if (r.status === 200) {
          // What the advisor sees is what they act on next: their scheduled calls and open cases.
          const tasks: Array<{ id: string; case: { id: string } | null }> = r.body.tasks ?? [];
          this.calls[advisor] = tasks.map((t) => t.id);
          this.cases[advisor] = [...new Set([...(r.body.cases ?? []).map((c: { id: string }) => c.id), ...tasks.flatMap((t) => (t.case ? [t.case.id] : []))])];
        }
        return { ...r, ok: [200] };
      }
      case 'outcome': {
        const id = this.calls[advisor].shift();
        if (!id) return undefined;
        const r = await api(this.sys.baseUrl, 'POST', `/api/v1/tasks/${id}/outcome`, {
          token,
          body: { result: n % 3 ? 'reached' : 'no_answer', durationMinutes: 12, note: 'load', riskRead: 'low' },
        });
        // A call the queue showed may have been done or moved since (another tick, a reassignment): a conflict, not an error.
        return { ...r, ok: [200, 409] };
      }
      case 'search':
        return { ...(await api(this.sys.baseUrl, 'GET', `/api/v1/learners?q=Learner%20${n % 500}&limit=20`, { token: this.sys.token })), ok: [200] };
      case 'case_view': {
        // One case the queue showed; before the queue has shown any, the advisor's case list (which names some).
        const list = this.cases[advisor];
        if (list.length) return { ...(await api(this.sys.baseUrl, 'GET', `/api/v1/cases/${list[n % list.length]}`, { token })), ok: [200] };
        const r = await api(this.sys.baseUrl, 'GET', '/api/v1/cases?limit=20', { token });
        if (r.status === 200) this.cases[advisor] = (r.body.items ?? []).map((c: { id: string }) => c.id);
        return { ...r, ok: [200] };
      }
      case 'ticket_reply': {
        if (!this.ticketIds.length) return undefined;
        const id = this.ticketIds[n % this.ticketIds.length];
        return {
          ...(await api(this.sys.baseUrl, 'POST', `/api/v1/tickets/${id}/messages`, {
            token: this.sys.token,
            body: { body: `Reply ${n}: please clear the cache and try again.` },
          })),
          ok: [201],
        };
      }
      case 'rule_run':
        // Single-flight: a run already queued or running is returned (202); one requested in the same instant is a 409.
        return { ...(await api(this.sys.baseUrl, 'POST', '/api/v1/rules/evaluate', { token: this.sys.token, body: {} })), ok: [202, 409] };
    }
  }
}

interface Answer {
  status: number;
  ms: number;
  body?: any;
  ok: number[];
  rejected?: number;
}
