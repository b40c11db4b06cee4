import { generateEvent, generateSchool, type GeneratorOptions } from '../lib/generator.js';

export interface LoadPlan {
  baseUrl: string;
  key: string;
  school: GeneratorOptions;
  /** Distinct events; the load posts each twice (once new, once replayed). */
  events: number;
  batchSize: number;
  concurrency: number;
}

export interface LoadResult {
  items: number;
  created: number;
  duplicate: number;
  rejected: number;
  ms: number;
}

/**
 * POSTs the event stream to /sync/events in batches of `batchSize` items, each half new events and half
 * replays of events sent 2×concurrency batches earlier (so replays never race their originals), with
 * `concurrency` requests in flight. Runs in a worker thread in benchmarks (so the client does not steal the
 * API's event loop) or inline in tests.
 */
export async function runLoad(plan: LoadPlan, progress: (m: string) => void = () => undefined): Promise<LoadResult> {
  const school = generateSchool(plan.school);
  const half = Math.floor(plan.batchSize / 2);
  const chunks = Math.ceil(plan.events / half);
  const lag = plan.concurrency * 2;
  const totalBatches = chunks + lag;
  const chunk = (c: number) => {
    const out = [];
    for (let i = c * half; i < Math.min(plan.events, (c + 1) * half); i++) out.push(generateEvent(school, i));
    return out;
  };
  // Request bodies are rendered before the clock starts, as the COPY baseline renders its rows first:
  // both sides then measure only moving rows into the database.
  const bodies: string[] = [];
  const sizes: number[] = [];
  for (let b = 0; b < totalBatches; b++) {
    const items = [...(b < chunks ? chunk(b) : []), ...(b - lag >= 0 ? chunk(b - lag) : [])];
    bodies.push(JSON.stringify({ items }));
    sizes.push(items.length);
  }
  progress(`api: ${bodies.length} request bodies rendered`);
  const res: LoadResult = { items: 0, created: 0, duplicate: 0, rejected: 0, ms: 0 };
  let next = 0;
  let lastReport = Date.now();
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const b = next++;
      if (b >= totalBatches) return;
      const r = await fetch(`${plan.baseUrl}/api/v1/sync/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${plan.key}` },
        body: bodies[b],
      });
      if (r.status !== 200) throw new Error(`POST /sync/events → ${r.status}: ${(await r.text()).slice(0, 500)}`);
      const body = (await r.json()) as { summary: { created: number; duplicate: number; rejected: number } };
      bodies[b] = '';
      res.items += sizes[b];
      res.created += body.summary.created;
      res.duplicate += body.summary.duplicate;
      res.rejected += body.summary.rejected;
      if (Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        progress(`api: ${res.items.toLocaleString('en')} / ${(2 * plan.events).toLocaleString('en')} items posted`);
      }
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  res.ms = performance.now() - started;
  return res;
}
