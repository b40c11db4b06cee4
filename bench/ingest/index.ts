import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { createApiApp } from '../../apps/api/src/api-app.js';
import { SYSTEM } from '../../libs/access/actor.js';
import { ApiClientsService } from '../../libs/auth/api-clients.service.js';
import { PartitionsService } from '../../libs/learners/partitions.service.js';
import type { BenchContext } from '../lib/bench-context.js';
import { eventCopyLine, generateEvent, generateSchool, type GeneratorOptions, type IdMaps } from '../lib/generator.js';
import { spread, spreadFigures } from '../lib/stats.js';
import { copyFrom } from './copy-from.js';
import { runLoad, type LoadPlan, type LoadResult } from './load.js';

const DAY = 86_400_000;
export const INGEST_TARGET = 0.35;

/**
 * Ingest benchmark: (a) stored rows/s through POST /sync/events over real HTTP (the real API in-process on an
 * ephemeral port, 1,000-item batches; every event is sent twice, so half the items are replays: they are load, but
 * only the N new rows they store count), against (b) rows/s of PostgreSQL COPY of the same N events into the same
 * activity_events table (same partitions and indexes). Both sides run `--rounds` times, interleaved (API, then COPY,
 * then the next round on emptied tables); ratio = median(a) / median(b), with min–max of each.
 * Flags: --events N (distinct events, default 200,000; the API receives 2N items), --learners N, --rounds 3,
 * --batch 1000, --concurrency 4, --seed 42, --inline (HTTP client on the main thread instead of a worker).
 */
export async function run(ctx: BenchContext): Promise<void> {
  const events = num(ctx.args.events, 200_000);
  const learners = num(ctx.args.learners, Math.max(200, Math.round(events / 100)));
  const batchSize = num(ctx.args.batch, 1000);
  const concurrency = num(ctx.args.concurrency, 4);
  const rounds = Math.max(3, num(ctx.args.rounds, 3));
  const inline = ctx.args.inline === true || !import.meta.url.endsWith('.js');
  const schoolOpts: GeneratorOptions = { seed: num(ctx.args.seed, 42), learners, days: 60, anchor: new Date(Math.floor(Date.now() / DAY) * DAY) };
  const school = generateSchool(schoolOpts);

  const app = await createApiApp({ ...ctx.config, rateLimitPerMinute: 100_000_000, databasePoolSize: Math.max(ctx.config.databasePoolSize, concurrency + 2) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  let load: LoadResult;
  const apiRows: number[] = [];
  const apiItems: number[] = [];
  const copyRows: number[] = [];
  try {
    const { key } = await app.get(ApiClientsService).create(SYSTEM, { name: 'bench ingest', scopes: ['sync:write'] });
    await putAll(baseUrl, key, 'courses', school.courses);
    await putAll(baseUrl, key, 'learners', school.learners);
    await putAll(baseUrl, key, 'enrollments', school.enrollments);
    await app.get(PartitionsService).ensureRange(new Date(school.from - DAY), new Date(school.to + DAY));
    await ctx.pool.query('analyze');
    ctx.progress(`seeded ${school.courses.length} courses, ${school.learners.length} learners, ${school.enrollments.length} enrolments through the sync API`);

    const plan: LoadPlan = { baseUrl, key, school: schoolOpts, events, batchSize, concurrency };
    const ids = await idMaps(ctx);
    const chunks = copyChunks(school, ids, events);
    for (let round = 1; round <= rounds; round++) {
      // Every round starts from tables holding no events (what ingesting writes is emptied; learners and enrolments stay).
      await ctx.pool.query('truncate activity_event_ids, activity_events, enrollment_lessons, enrollment_assignments, enrollment_daily');
      ctx.progress(
        `round ${round}/${rounds} api: posting ${(2 * events).toLocaleString('en')} items (${events.toLocaleString('en')} distinct) in batches of ${batchSize}, ${concurrency} in flight${inline ? ', inline client' : ''}`,
      );
      const cpu0 = process.cpuUsage();
      load = inline ? await runLoad(plan, ctx.progress) : await runInWorker(plan, ctx.progress);
      const cpu = process.cpuUsage(cpu0);
      const nodeCpuS = (cpu.user + cpu.system) / 1e6;
      if (load.created !== events || load.rejected !== 0 || load.duplicate !== load.items - events) {
        throw new Error(`unexpected sync outcome: ${JSON.stringify(load)} for ${events} distinct events`);
      }
      const [{ n }] = (await ctx.pool.query(`select count(*)::int as n from activity_events`)).rows;
      if (n !== events) throw new Error(`activity_events holds ${n} rows, expected ${events}`);
      // Stored rows over the whole run: the replays took time but stored nothing.
      apiRows.push(n / (load.ms / 1000));
      apiItems.push(load.items / (load.ms / 1000));
      ctx.progress(
        `round ${round}/${rounds} api: ${n.toLocaleString('en')} rows stored from ${load.items.toLocaleString('en')} items in ${(load.ms / 1000).toFixed(1)} s = ${Math.round(apiRows.at(-1)!).toLocaleString('en')} stored rows/s (this process, API and client incl. rendering bodies, used ${nodeCpuS.toFixed(1)} s of CPU)`,
      );

      // Baseline: the same events as COPY rows into the same (emptied) table. Rows are rendered before timing.
      await ctx.pool.query('truncate activity_events');
      const client = await ctx.pool.connect();
      let copied: number;
      const t0 = performance.now();
      try {
        copied = await copyFrom(client, `copy activity_events (event_id, learner_id, course_id, enrollment_id, type, occurred_at, data) from stdin`, chunks);
      } finally {
        client.release();
      }
      const copyMs = performance.now() - t0;
      if (copied !== events) throw new Error(`COPY loaded ${copied} rows, expected ${events}`);
      copyRows.push(events / (copyMs / 1000));
      ctx.progress(
        `round ${round}/${rounds} copy: ${events.toLocaleString('en')} rows in ${(copyMs / 1000).toFixed(1)} s = ${Math.round(copyRows.at(-1)!).toLocaleString('en')} rows/s`,
      );
    }
  } finally {
    await app.close();
  }
  const api = spread(apiRows);
  const copy = spread(copyRows);

  ctx.result({
    ratio: api.median / copy.median,
    op: '>=',
    target: INGEST_TARGET,
    figures: {
      api_rows_s: Math.round(api.median),
      copy_rows_s: Math.round(copy.median),
      ...spreadFigures('api_rows_s', api),
      ...spreadFigures('copy_rows_s', copy),
      api_items_s_median: Math.round(spread(apiItems).median),
      rounds,
      events,
      api_items: 2 * events,
      batch: batchSize,
      concurrency,
      learners,
    },
  });
}

async function putAll(baseUrl: string, key: string, what: string, items: unknown[]): Promise<void> {
  for (let i = 0; i < items.length; i += 5000) {
    const r = await fetch(`${baseUrl}/api/v1/sync/${what}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ items: items.slice(i, i + 5000) }),
    });
    const body = (await r.json()) as { summary?: { rejected: number } };
    if (r.status !== 200 || body.summary?.rejected) throw new Error(`PUT /sync/${what} → ${r.status}: ${JSON.stringify(body).slice(0, 500)}`);
  }
}

async function idMaps(ctx: BenchContext): Promise<IdMaps> {
  const q = async (sql: string) => (await ctx.pool.query(sql)).rows as Array<{ k: string; id: string }>;
  return {
    learners: new Map((await q(`select external_id as k, id from learners`)).map((r) => [r.k, r.id])),
    courses: new Map((await q(`select external_id as k, id from courses`)).map((r) => [r.k, r.id])),
    enrollments: new Map(
      (
        await q(
          `select l.external_id || '|' || c.external_id as k, e.id from enrollments e join learners l on l.id = e.learner_id join courses c on c.id = e.course_id order by e.enrolled_at`,
        )
      ).map((r) => [r.k, r.id]),
    ),
  };
}

/** The events as COPY text, rendered once before any timing (5,000 rows a chunk). */
function copyChunks(school: ReturnType<typeof generateSchool>, ids: IdMaps, events: number): Buffer[] {
  const chunks: Buffer[] = [];
  let lines: string[] = [];
  for (let i = 0; i < events; i++) {
    lines.push(eventCopyLine(generateEvent(school, i), ids));
    if (lines.length === 5000) {
      chunks.push(Buffer.from(lines.join('')));
      lines = [];
    }
  }
  if (lines.length) chunks.push(Buffer.from(lines.join('')));
  return chunks;
}

function runInWorker(plan: LoadPlan, progress: (m: string) => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./load.worker.js', import.meta.url), { workerData: plan });
    w.on('message', (m: { progress?: string; result?: LoadResult; error?: string }) => {
      if (m.progress) progress(m.progress);
      if (m.result) resolve(m.result);
      if (m.error) reject(new Error(m.error));
    });
    w.on('error', reject);
    w.on('exit', (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)));
  });
}

function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}
