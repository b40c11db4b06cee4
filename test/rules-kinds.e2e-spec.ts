import { DateTime } from 'luxon';
import { rng } from '../bench/lib/generator.js';
import { backtestIslandsQuery } from '../libs/rules/backtest-queries.js';
import { firingQuery } from '../libs/rules/evaluators.js';
import { FEATURE_KEYS } from '../libs/risk/risk-features.js';
import { KINDS } from '../libs/rules/kinds/index.js';
import { RULE_KINDS, type RuleKind } from '../libs/rules/rule-definitions.js';
import { LearningDataFactory, type DailyRow } from '../libs/testing/learning-data.factory.js';
import { TestApp } from '../libs/testing/index.js';

const TZ = 'Asia/Shanghai';
const FROM = '2026-03-01';
const TO = '2026-03-28';

const day = (iso: string, plus: number) => DateTime.fromISO(iso, { zone: TZ }).plus({ days: plus }).toISODate()!;
const daysBetween = (a: string, b: string) => Math.round(DateTime.fromISO(b).diff(DateTime.fromISO(a), 'days').days);
/** A moment on a school day, `hour` hours after its midnight. */
const at = (d: string, hour: number) =>
  DateTime.fromISO(d, { zone: TZ })
    .plus({ minutes: Math.round(hour * 60) })
    .toJSDate();

/**
 * Each rule kind, two ways over the same school: its live query as of the end of each day of a period, and its
 * backtest over the period. They must name the same enrolments on the same days (libs/rules/kinds/<kind>.ts
 * holds both; nothing else checks that they agree). The school is generated: 150 learners who log in, complete
 * lessons, study, hand in (or not) weekly assignments and complain, with dropouts and study time that halves.
 *
 * The live pace rule reads the enrolment's current lesson count, so it is compared on the period's last day,
 * after which nobody completes a lesson; every other kind on every day.
 */
describe('rule kinds: the live query and the backtest agree', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ worker: false, ownDatabase: true });
    const data = new LearningDataFactory(app.db, TZ);
    const rand = rng(20261203);
    const course = await data.course({ totalLessons: 30, durationDays: 60 });
    for (let i = 0; i < 150; i++) {
      const enrollDay = day('2026-01-20', Math.floor(rand() * 60));
      const enrolledAt = at(enrollDay, 1 + rand() * 20);
      const rate = 0.05 + rand() * 0.8;
      const dropDay = rand() < 0.4 ? day(enrollDay, 3 + Math.floor(rand() * 40)) : null;
      const halving = rand() < 0.25;
      const rows: DailyRow[] = [];
      let lessons = 0;
      let lastLogin: Date | null = null;
      for (let d = enrollDay; d <= TO; d = day(d, 1)) {
        if (dropDay && d >= dropDay) break;
        const week = Math.floor(daysBetween(enrollDay, d) / 7);
        if (rand() >= rate) continue;
        const row: DailyRow = { day: d, logins: 1 + Math.floor(rand() * 2) };
        if (rand() < 0.5) row.lessonsCompleted = 1 + Math.floor(rand() * 2);
        row.studyMinutes = Math.round((10 + rand() * 80) * (halving ? 0.45 ** week : 1));
        lessons += row.lessonsCompleted ?? 0;
        rows.push(row);
        const loginAt = at(d, 8 + rand() * 14);
        if (!lastLogin || loginAt > lastLogin) lastLogin = loginAt;
      }
      const enr = await data.enrollment({
        courseId: course.id,
        enrolledAt,
        completedLessons: lessons,
        lastLoginAt: lastLogin,
        learner: { lastLoginAt: lastLogin },
      });
      if (rand() < 0.12)
        for (let c = 0, n = 1 + Math.floor(rand() * 3); c < n; c++) rows.push({ day: day('2026-02-20', Math.floor(rand() * 36)), complaints: 1 });
      // Complaints may land on a day with activity: merge the rows of a day.
      const byDay = new Map<string, DailyRow>();
      for (const r of rows) {
        const cur = byDay.get(r.day);
        byDay.set(r.day, cur ? { ...cur, ...r, complaints: (cur.complaints ?? 0) + (r.complaints ?? 0) } : r);
      }
      await data.daily(enr.id, [...byDay.values()]);
      for (let w = 1; day(enrollDay, 7 * w) <= TO; w++) {
        const due = at(day(enrollDay, 7 * w), 15);
        const r = rand();
        const submittedAt = r < 0.6 ? new Date(due.getTime() - 3_600_000) : r < 0.85 ? new Date(due.getTime() + (1 + rand() * 8) * 86_400_000) : null;
        await data.assignment(enr.id, { dueAt: due, submittedAt: submittedAt && submittedAt.getTime() > Date.parse(`${TO}T15:59:00Z`) ? null : submittedAt });
      }
    }
    // risk_score scores with the active model: a hand-made one in which inactivity and a slow pace raise the risk.
    const coef: Record<string, number> = { days_since_login: 1.2, pace_ratio: -0.8, study_change: -0.3, late_assignments_30d: 0.4, complaints_30d: 0.5 };
    const center: Record<string, [number, number]> = { days_since_login: [4, 4], pace_ratio: [1, 0.5], study_change: [0, 0.8], late_assignments_30d: [0.5, 1] };
    await app.db.query(
      `insert into risk_models (status, trigger, active, as_of, finished_at, feature_keys, means, sds, coef, intercept)
       values ('ready', 'manual', true, now(), now(), $1, $2, $3, $4, -1.5)`,
      [FEATURE_KEYS, FEATURE_KEYS.map((k) => center[k]?.[0] ?? 0), FEATURE_KEYS.map((k) => center[k]?.[1] ?? 1), FEATURE_KEYS.map((k) => coef[k] ?? 0)],
    );
  }, 300_000);
  afterAll(async () => {
    await app?.close();
  });

  /** The enrolments a kind's live query names at the end of `d` (school time): one second before midnight. */
  async function live(kind: RuleKind, params: Record<string, number>, d: string): Promise<string[]> {
    const q = firingQuery({ kind, params: params as never });
    const asOf = new Date(at(day(d, 1), 0).getTime() - 1000);
    const rows: Array<{ enrollment_id: string }> = await app.db.query(q.sql, [asOf, TZ, ...q.values]);
    return rows.map((r) => r.enrollment_id).sort();
  }

  /** The enrolments the backtest has firing at the end of each day of the period. */
  async function backtest(kind: RuleKind, params: Record<string, number>): Promise<Map<string, string[]>> {
    const q = backtestIslandsQuery(kind, params as never, { from: FROM, to: TO });
    const islands: Array<{ enrollment_id: string; s: string; e: string }> = await app.db.query(q.sql, [FROM, TO, TZ, ...q.values]);
    const byDay = new Map<string, string[]>();
    for (let d = FROM; d <= TO; d = day(d, 1))
      byDay.set(
        d,
        islands
          .filter((i) => i.s <= d && d <= i.e)
          .map((i) => i.enrollment_id)
          .sort(),
      );
    return byDay;
  }

  it.each(RULE_KINDS.map((k) => [k]))(
    '%s: the same enrolments on the same days, with its default parameters and a second setting',
    async (kind) => {
      const defaults = Object.fromEntries(Object.entries(KINDS[kind].params).map(([name, spec]) => [name, (spec as { default: number }).default]));
      const second: Record<RuleKind, Record<string, number>> = {
        inactive_days: { days: 3 },
        low_completion: { ratio: 0.6, graceDays: 3 },
        late_assignments: { lateDays: 2, count: 1 },
        complaints: { count: 1 },
        study_time_drop: { dropRatio: 0.6, weeks: 1 },
        risk_score: { threshold: 0.3 },
      };
      for (const params of [defaults, second[kind]]) {
        const expected = await backtest(kind, params);
        const days = kind === 'low_completion' ? [TO] : [...expected.keys()];
        const mismatches: string[] = [];
        let firing = 0;
        let most = 0;
        for (const d of days) {
          const got = await live(kind, params, d);
          const want = expected.get(d)!;
          firing += got.length;
          most = Math.max(most, got.length);
          const missing = want.filter((e) => !got.includes(e));
          const extra = got.filter((e) => !want.includes(e));
          if (missing.length || extra.length)
            mismatches.push(
              `${d}: backtest only ${missing.length} [${missing.slice(0, 3).join(', ')}], live only ${extra.length} [${extra.slice(0, 3).join(', ')}]`,
            );
        }
        expect({ kind, params, mismatches }).toEqual({ kind, params, mismatches: [] });
        // Not vacuous: the rule fires, and not for everyone.
        expect(firing).toBeGreaterThan(0);
        expect(most).toBeLessThan(150);
      }
    },
    120_000,
  );
});
