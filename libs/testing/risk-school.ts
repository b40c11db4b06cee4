import { DateTime } from 'luxon';
import type { SqlRow } from '../database/sql-row.js';

/** Anything that runs a statement and returns its rows (a TypeORM DataSource, or a pg pool wrapped). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<SqlRow[]>;
}
import { rng } from '../../bench/lib/generator.js';

export interface RiskSchoolOptions {
  learners: number;
  /** days of history before today */
  historyDays?: number;
  seed?: number;
  /** the school day "today" (default: today in `tz`) */
  today?: string;
  tz?: string;
}

export interface RiskSchool {
  courseId: string;
  enrollments: number;
  /** enrolment id → the kind of learner it was generated as */
  kinds: Map<string, LearnerKind>;
}

/**
 * steady: logs in on most days and keeps studying. fader: studies much less for six days, then is gone (churns
 * by inactivity 30 days after the last login). complainer: complains, then cancels 15–28 days later.
 */
export type LearnerKind = 'steady' | 'fader' | 'complainer';

/** How long a fader studies less before leaving for good. */
const FADE_DAYS = 6;

/**
 * A school whose churn is driven by known features, for the learned risk tests and benchmark: faders stop logging
 * in (days since login, study time) and complainers cancel (complaints in 30 days); steady learners stay, and a few
 * of them complain without leaving (so a complaint is a strong sign, not a certain one). Written in bulk SQL
 * straight into learners, enrollments and enrollment_daily (one statement each), like the rollups sync keeps.
 */
export async function seedRiskSchool(db: Queryable, opts: RiskSchoolOptions): Promise<RiskSchool> {
  const tz = opts.tz ?? 'Asia/Shanghai';
  const rand = rng(opts.seed ?? 20261204);
  const history = opts.historyDays ?? 150;
  const today = DateTime.fromISO(opts.today ?? DateTime.now().setZone(tz).toISODate()!, { zone: tz });
  const dayOf = (offset: number) => today.plus({ days: offset });
  const [course] = await db.query(
    `insert into courses (external_id, title, total_lessons, duration_days) values ($1, 'Risk school course', 60, 180) returning id`,
    [`risk-course-${Math.floor(rand() * 1e9)}`],
  );
  const learners: Array<{ ext: string; name: string; lastLogin: string | null }> = [];
  const enrols: Array<{ ext: string; enrolledAt: string; status: string; changedAt: string; lessons: number; lastLogin: string | null }> = [];
  const daily: { i: number[]; day: string[]; logins: number[]; minutes: number[]; lessons: number[]; complaints: number[] } = {
    i: [],
    day: [],
    logins: [],
    minutes: [],
    lessons: [],
    complaints: [],
  };
  const kinds: LearnerKind[] = [];
  for (let n = 0; n < opts.learners; n++) {
    const r = rand();
    const kind: LearnerKind = r < 0.55 ? 'steady' : r < 0.82 ? 'fader' : 'complainer';
    kinds.push(kind);
    const enrollOffset = -history + Math.floor(rand() * (history - 35));
    const enrolledAt = dayOf(enrollOffset).plus({ hours: 9 + rand() * 10 });
    const fadeStart = enrollOffset + 3 + Math.floor(rand() * 45);
    const complaintDay = enrollOffset + 3 + Math.floor(rand() * 45);
    const cancelDay = complaintDay + 15 + Math.floor(rand() * 14);
    const strayComplaint = kind === 'steady' && rand() < 0.06 ? enrollOffset + 5 + Math.floor(rand() * 70) : null;
    let lessons = 0;
    let lastLogin: DateTime | null = null;
    for (let d = enrollOffset; d < 0; d++) {
      if (kind === 'complainer' && d >= cancelDay) break;
      const fading = kind === 'fader' && d >= fadeStart;
      if (kind === 'fader' && d >= fadeStart + FADE_DAYS) break;
      const login = rand() < (fading ? 0.3 : 0.8);
      const complaint = (kind === 'complainer' && d === complaintDay) || d === strayComplaint;
      if (!login && !complaint) continue;
      const minutes = login ? Math.round(fading ? 4 + rand() * 12 : 20 + rand() * 45) : 0;
      const done = login && rand() < (fading ? 0.1 : 0.45) ? 1 : 0;
      lessons += done;
      daily.i.push(n);
      daily.day.push(dayOf(d).toISODate()!);
      daily.logins.push(login ? 1 : 0);
      daily.minutes.push(minutes);
      daily.lessons.push(done);
      daily.complaints.push(complaint ? 1 : 0);
      if (login) lastLogin = dayOf(d).plus({ hours: 8 + rand() * 12 });
    }
    const cancelled = kind === 'complainer' && cancelDay < 0;
    const ext = `risk-${opts.seed ?? 0}-${n}`;
    learners.push({ ext, name: `Risk learner ${n}`, lastLogin: lastLogin?.toISO() ?? null });
    enrols.push({
      ext,
      enrolledAt: enrolledAt.toISO()!,
      status: cancelled ? 'cancelled' : 'active',
      changedAt: (cancelled ? dayOf(cancelDay).plus({ hours: 12 }) : enrolledAt).toISO()!,
      lessons,
      lastLogin: lastLogin?.toISO() ?? null,
    });
  }
  const learnerIds: string[] = (
    await db.query(
      `insert into learners (external_id, name, last_login_at) select * from unnest($1::text[], $2::text[], $3::timestamptz[]) returning id, external_id`,
      [learners.map((l) => l.ext), learners.map((l) => l.name), learners.map((l) => l.lastLogin)],
    )
  )
    .sort((a, b) => Number(String(a.external_id).split('-').pop()) - Number(String(b.external_id).split('-').pop()))
    .map((r) => String(r.id));
  const enrolRows = await db.query(
    `insert into enrollments (external_id, learner_id, course_id, enrolled_at, expires_at, status, status_changed_at, completed_lessons, last_login_at)
     select x.ext, x.learner, $3::uuid, x.at, x.at + interval '365 days', x.status, x.changed, x.lessons, x.last_login
     from unnest($1::text[], $2::uuid[], $4::timestamptz[], $5::text[], $6::timestamptz[], $7::int[], $8::timestamptz[])
       as x(ext, learner, at, status, changed, lessons, last_login)
     returning id, external_id`,
    [
      enrols.map((e) => e.ext),
      learnerIds,
      course.id,
      enrols.map((e) => e.enrolledAt),
      enrols.map((e) => e.status),
      enrols.map((e) => e.changedAt),
      enrols.map((e) => e.lessons),
      enrols.map((e) => e.lastLogin),
    ],
  );
  const enrolIds = enrolRows
    .sort((a, b) => Number(String(a.external_id).split('-').pop()) - Number(String(b.external_id).split('-').pop()))
    .map((r) => String(r.id));
  await db.query(
    `insert into enrollment_daily (enrollment_id, day, logins, study_minutes, lessons_completed, complaints)
     select * from unnest($1::uuid[], $2::date[], $3::int[], $4::int[], $5::int[], $6::int[])`,
    [daily.i.map((i) => enrolIds[i]), daily.day, daily.logins, daily.minutes, daily.lessons, daily.complaints],
  );
  return { courseId: course.id, enrollments: enrolIds.length, kinds: new Map(enrolIds.map((id, i) => [id, kinds[i]])) };
}
