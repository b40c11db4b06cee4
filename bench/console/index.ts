import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type pg from 'pg';
import { createApiApp } from '../../apps/api/src/api-app.js';
import { consoleDir } from '../../apps/api/src/http/console-static.js';
import { TokenService } from '../../libs/auth/token.service.js';
import { launchChromium } from '../../libs/testing/browser.js';
import type { BenchContext } from '../lib/bench-context.js';

/**
 * `npm run bench -- console [--tasks 150] [--rounds 7]`
 *
 * The advisor's landing page under load of a full day: one advisor with 150 calls today (each with a learner,
 * phone, progress and open alerts; a third on cases). In headless Chromium, each round opens a fresh browser
 * context (no cache) already signed in, navigates to /console/queue and stops the clock when the queue table
 * shows all 150 rows. Two kinds of round: a returning advisor (a new tab in a browser that has opened the console
 * before, so the hashed assets come from its cache, as they do every working day) and a first visit (a fresh
 * context: nothing cached). The baseline, in the same round, is the same GET /api/v1/me/queue made by `fetch`
 * from a blank page, parsed as JSON. Ratio = median(returning) ÷ median(fetch), target ≤ 2; the first visit's
 * median and its ratio are reported beside it.
 * Also reported: the JavaScript the console loads first (the entry script and its preloaded chunks), gzipped,
 * target ≤ 250 KB.
 */
export async function run(ctx: BenchContext): Promise<void> {
  const tasks = num(ctx.args.tasks, 150);
  const rounds = Math.max(3, num(ctx.args.rounds, 7));
  const initialJs = initialJavaScript();
  ctx.progress(`console entry JavaScript: ${initialJs.files.join(', ')} = ${(initialJs.gzipBytes / 1024).toFixed(1)} KB gzipped`);

  ctx.progress(`seeding one advisor with ${tasks} calls today`);
  const advisorId = await seed(ctx.pool, tasks);
  const app = await createApiApp(ctx.config);
  const chromium = await launchChromium();
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const signed = app.get(TokenService).sign({ sub: advisorId, role: 'advisor' });
    const me = await (await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${signed.accessToken}` } })).json();
    const session = JSON.stringify({ accessToken: signed.accessToken, expiresAt: Date.now() + 3_600_000, staff: me });
    const check = (await (await fetch(`${base}/api/v1/me/queue`, { headers: { authorization: `Bearer ${signed.accessToken}` } })).json()) as {
      tasks?: unknown[];
    };
    if (check.tasks?.length !== tasks) throw new Error(`the seeded queue has ${check.tasks?.length} tasks, expected ${tasks}`);

    const signedIn = async () => {
      const context = await chromium.newContext();
      await context.addInitScript({ content: `sessionStorage.setItem('careloop.session', ${JSON.stringify(session)});` });
      return context;
    };
    const returning = await signedIn();
    const consoleRound = async (context: Awaited<ReturnType<typeof signedIn>>): Promise<number> => {
      const page = await context.newPage();
      // Both sides start from the same blank page of the same origin (no new renderer process in the timing).
      await page.goto(`${base}/health/live`);
      const cdp = ctx.args.trace ? await context.newCDPSession(page) : undefined;
      if (cdp) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const started = performance.now();
      await page.goto(`${base}/console/queue`, { waitUntil: 'commit' });
      await page.waitForFunction(`document.querySelectorAll('table[aria-label="Queue"] tbody tr').length >= ${tasks}`, undefined, {
        polling: 'raf',
        timeout: 30_000,
      });
      const ms = performance.now() - started;
      if (ctx.args.trace) {
        // --trace: where the time went in the page (navigation, scripts, the queue request, first paint).
        const trace = await page.evaluate(`(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const res = performance.getEntriesByType('resource').map((r) => r.name.split('/').pop().slice(0, 30) + ' ' + Math.round(r.startTime) + '→' + Math.round(r.responseEnd));
          const paint = performance.getEntriesByType('paint').map((p) => p.name + ' ' + Math.round(p.startTime));
          return 'html ' + Math.round(nav.responseEnd) + ', DCL ' + Math.round(nav.domContentLoadedEventEnd) + ', now ' + Math.round(performance.now()) + ' | ' + res.join(', ') + ' | ' + paint.join(', ');
        })()`);
        ctx.progress(`trace: ${trace}`);
        const { profile } = (await cdp!.send('Profiler.stop')) as {
          profile: {
            nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
            samples: number[];
            timeDeltas: number[];
          };
        };
        const byId = new Map(profile.nodes.map((n) => [n.id, n]));
        const self = new Map<string, number>();
        profile.samples.forEach((id, i) => {
          const f = byId.get(id)!.callFrame;
          const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
          self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
        });
        ctx.progress(
          `profile (self ms): ${[...self.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 12)
            .map(([k, v]) => `${k} ${v.toFixed(0)}`)
            .join('; ')}`,
        );
      }
      await page.close();
      return ms;
    };
    const firstVisitRound = async (): Promise<number> => {
      const context = await signedIn();
      try {
        return await consoleRound(context);
      } finally {
        await context.close();
      }
    };
    const fetchRound = async (): Promise<number> => {
      const context = await chromium.newContext();
      const page = await context.newPage();
      await page.goto(`${base}/health/live`);
      const started = performance.now();
      const n = await page.evaluate(
        async ({ url, token }) => {
          const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
          return ((await res.json()) as { tasks: unknown[] }).tasks.length;
        },
        { url: `${base}/api/v1/me/queue`, token: signed.accessToken },
      );
      const ms = performance.now() - started;
      await context.close();
      if (n !== tasks) throw new Error(`fetch saw ${n} tasks`);
      return ms;
    };

    ctx.progress("warming up (one round each, not counted; this is the returning advisor's first visit)");
    await consoleRound(returning);
    await fetchRound();
    const consoleMs: number[] = [];
    const firstMs: number[] = [];
    const fetchMs: number[] = [];
    for (let i = 1; i <= rounds; i++) {
      // Interleaved, so every side sees the same machine.
      fetchMs.push(await fetchRound());
      consoleMs.push(await consoleRound(returning));
      firstMs.push(await firstVisitRound());
      ctx.progress(
        `round ${i}/${rounds}: console ${consoleMs.at(-1)!.toFixed(0)} ms (first visit ${firstMs.at(-1)!.toFixed(0)} ms), fetch ${fetchMs.at(-1)!.toFixed(0)} ms`,
      );
    }
    await returning.close();
    const c = stats(consoleMs);
    const first = stats(firstMs);
    const f = stats(fetchMs);
    ctx.result({
      ratio: c.median / Math.max(f.median, 1),
      op: '<=',
      target: 2,
      figures: {
        console_ms_median: round1(c.median),
        console_ms_min: round1(c.min),
        console_ms_max: round1(c.max),
        first_visit_ms_median: round1(first.median),
        first_visit_ms_min: round1(first.min),
        first_visit_ms_max: round1(first.max),
        first_visit_ratio: Math.round((first.median / Math.max(f.median, 1)) * 1000) / 1000,
        fetch_ms_median: round1(f.median),
        fetch_ms_min: round1(f.min),
        fetch_ms_max: round1(f.max),
        initial_js_gzip_kb: round1(initialJs.gzipBytes / 1024),
        initial_js_target_kb: 250,
        tasks,
        rounds,
      },
      notes:
        'navigation to all rows rendered, signed in, assets cached (first visit: nothing cached) vs fetch+JSON of the same GET /me/queue from a blank page',
    });
    if (initialJs.gzipBytes > 250 * 1024)
      ctx.progress(`WARNING: the console's first JavaScript is ${(initialJs.gzipBytes / 1024).toFixed(1)} KB gzipped, over the 250 KB budget`);
  } finally {
    await chromium.close();
    await app.close();
  }
}

/** The entry script of dist/console/index.html and the chunks it preloads, gzipped (level 9, as a server would). */
export function initialJavaScript(): { files: string[]; gzipBytes: number } {
  const dir = consoleDir();
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/<(?:script[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/console\/([^"]+\.js)"/g)].map((m) => m[1]);
  if (files.length === 0) throw new Error('dist/console/index.html names no script: run npm run build');
  const gzipBytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(dir, f)), { level: 9 }).length, 0);
  return { files, gzipBytes };
}

const ALL_WEEK = JSON.stringify(Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['08:00', '20:00']]])));

async function seed(db: pg.Pool, tasks: number): Promise<string> {
  const q = (sql: string, params: unknown[] = []) => db.query(sql, params);
  const team = (await q(`insert into teams (name) values ('bench console team') returning id`)).rows[0].id;
  const advisor = (
    await q(
      `insert into staff (email, name, password_hash, role, team_id, capacity, skills, timezone, working_hours, status)
       values ('advisor@bench-console.careloop', 'Bench Advisor', 'x', 'advisor', $1, 1000, '{}', 'Asia/Shanghai', $2::jsonb, 'active') returning id`,
      [team, ALL_WEEK],
    )
  ).rows[0].id;
  await q(`insert into courses (external_id, title, total_lessons, duration_days, team_id) values ('bench-console-course', 'Python from zero', 48, 120, $1)`, [
    team,
  ]);
  await q(
    `insert into learners (external_id, name, phone, email, owner_advisor_id, last_login_at, timezone)
     select 'bc-learner-' || i, 'Learner ' || i, '+86 138 ' || lpad(i::text, 4, '0') || ' ' || lpad((i * 7)::text, 4, '0'), 'l' || i || '@example.com', $1,
            now() - make_interval(days => i % 12), 'Asia/Shanghai'
       from generate_series(1, $2) i`,
    [advisor, tasks],
  );
  await q(
    `insert into enrollments (external_id, learner_id, course_id, enrolled_at, expires_at, status, completed_lessons, last_login_at)
     select 'bc-enr-' || l.external_id, l.id, (select id from courses where external_id = 'bench-console-course'),
            now() - make_interval(days => 3 + n % 60), now() + make_interval(days => 200), 'active', n % 20, l.last_login_at
       from (select l.*, substr(l.external_id, 12)::int as n from learners l where l.external_id like 'bc-learner-%') l`,
  );
  await q(
    `insert into rules (key, name, kind, params, severity, action) values ('inactive_7d', 'Inactive 7 days', 'inactive_days', '{"days":7}', 'medium', '{"taskKind":"care_call","dueWithinHours":24}') on conflict (key) do nothing`,
  );
  await q(
    `insert into alerts (rule_key, learner_id, enrollment_id, status, severity, evidence, opened_at, refreshed_at)
     select 'inactive_7d', e.learner_id, e.id, 'open', 'medium', jsonb_build_object('inactiveDays', 8, 'thresholdDays', 7, 'lastLoginAt', now() - interval '8 days'), now() - interval '1 day', now()
       from enrollments e join learners l on l.id = e.learner_id where l.external_id like 'bc-learner-%' and substr(l.external_id, 12)::int % 2 = 0`,
  );
  await q(
    `insert into cases (learner_id, team_id, advisor_id, status, priority, due_at, opened_at)
     select l.id, $1, $2, 'open', (array['low','medium','high','urgent'])[1 + n % 4], now() + interval '1 day', now() - interval '1 day'
       from (select l.*, substr(l.external_id, 12)::int as n from learners l where l.external_id like 'bc-learner-%') l where n % 3 = 0`,
    [team, advisor],
  );
  // All calls today in the advisor's zone, every 4 minutes from 08:00 (150 calls end before 18:00).
  await q(
    `insert into tasks (kind, day_index, assignee_id, learner_id, enrollment_id, case_id, due_at, window_end_at, status)
     select case when c.id is not null then 'care_call' else 'first_week_checkin' end, case when c.id is null then 1 + n % 7 end, $1, l.id, e.id, c.id,
            (date_trunc('day', now() at time zone 'Asia/Shanghai') + make_interval(mins => 8 * 60 + (n - 1) * 4)) at time zone 'Asia/Shanghai',
            (date_trunc('day', now() at time zone 'Asia/Shanghai') + make_interval(mins => 8 * 60 + (n - 1) * 4 + 15)) at time zone 'Asia/Shanghai',
            'scheduled'
       from (select l.*, substr(l.external_id, 12)::int as n from learners l where l.external_id like 'bc-learner-%') l
       join enrollments e on e.learner_id = l.id
       left join cases c on c.learner_id = l.id`,
    [advisor],
  );
  await q('analyze');
  return advisor;
}

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
}
const round1 = (n: number) => Math.round(n * 10) / 10;
function num(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : fallback;
}
