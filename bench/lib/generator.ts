/**
 * Deterministic synthetic school data for benchmarks, tests and the demo: courses, learners, enrolments and
 * activity event streams with daily rhythms (lunch and evening peaks in the school time zone, quieter
 * weekends), per-learner activity levels and learners who drift away. Everything is a pure function of
 * (seed, anchor, index), so an event can be regenerated at random access: a benchmark can replay event i,
 * or produce the same event as a sync API item and as a COPY row.
 */
import type { SyncCourse, SyncEnrollment, SyncEvent, SyncLearner } from '../../libs/learners/sync-contract.js';

export interface GeneratorOptions {
  seed: number;
  learners: number;
  /** Courses in the catalogue (default: 24). */
  courses?: number;
  /** Events are spread over the `days` days before `anchor` (default 60). */
  days?: number;
  /** End of the generated period (default: today 00:00 UTC). */
  anchor?: Date;
  /** Prefix of every external id (default `s<seed>`). */
  prefix?: string;
  /** Offset of the school time zone from UTC in hours, for the daily rhythm (default +8, Asia/Shanghai). */
  utcOffsetHours?: number;
}

// The items the generator builds: the sync contract's shapes, with the fields it always fills.
export type CourseItem = Required<Pick<SyncCourse, 'externalId' | 'title' | 'totalLessons' | 'durationDays'>> & { category: string };
export type LearnerItem = Required<Pick<SyncLearner, 'externalId' | 'name'>> & { phone: string; email: string; timezone: string };
export type EnrollmentItem = Required<Pick<SyncEnrollment, 'externalId' | 'learnerExternalId' | 'courseExternalId' | 'enrolledAt' | 'status'>> & {
  expiresAt: string;
};
export type EventItem = Pick<SyncEvent, 'eventId' | 'learnerExternalId' | 'occurredAt'> & {
  courseExternalId?: string;
  type: Exclude<SyncEvent['type'], 'assignment_assigned'>;
  data?: Record<string, unknown>;
};

interface LearnerModel {
  externalId: string;
  /** Indexes into school.enrollments. */
  enrollments: number[];
  /** Relative activity (heavy-tailed). */
  weight: number;
  /** Stops being active after this time (ms), or Infinity. */
  activeUntil: number;
}

export interface School {
  opts: Required<Omit<GeneratorOptions, 'anchor'>> & { anchor: Date };
  courses: CourseItem[];
  learners: LearnerItem[];
  enrollments: EnrollmentItem[];
  models: LearnerModel[];
  /** Cumulative activity weights over models (for picking a learner per event). */
  cumulative: Float64Array;
  from: number;
  to: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const CATEGORIES = ['programming', 'design', 'languages', 'data', 'business', 'exam-prep'];
const TOPICS = ['Python', 'Java', 'UX', 'English', 'Japanese', 'SQL', 'Statistics', 'Marketing', 'Excel', 'IELTS', 'Drawing', 'Go'];
const LEVELS = ['Foundations', 'Intermediate', 'Advanced', 'Bootcamp'];
const SURNAMES = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo'];
const GIVEN = ['Wei', 'Fang', 'Na', 'Min', 'Jing', 'Lei', 'Yan', 'Jun', 'Tao', 'Ming', 'Xin', 'Hui', 'Qiang', 'Li', 'Yu', 'Hao'];
/** Share of events per local hour 0..23: lunch and evening peaks, little at night. */
const HOURLY = [0.5, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 2.5, 3, 3, 3.5, 5, 4.5, 3, 3, 3.5, 4, 5.5, 8, 9, 8.5, 6, 2.5];
const HOURLY_CUM = cumulate(HOURLY);
/** Event type mix. */
const TYPES: Array<[EventItem['type'], number]> = [
  ['login', 34],
  ['study_session', 32],
  ['lesson_completed', 22],
  ['assignment_submitted', 10],
  ['complaint', 1.2],
  ['renewal', 0.8],
];
const TYPES_CUM = cumulate(TYPES.map((t) => t[1]));

/** mulberry32: tiny, fast, good enough for synthetic data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An independent stream for item `i` of kind `salt` (random access). */
function rngFor(seed: number, salt: number, i: number): () => number {
  return rng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35) ^ Math.imul(salt, 0x27d4eb2f));
}

function cumulate(ws: number[]): Float64Array {
  const c = new Float64Array(ws.length);
  let s = 0;
  ws.forEach((w, i) => (c[i] = s += w));
  for (let i = 0; i < c.length; i++) c[i] /= s;
  return c;
}

function pick(cum: Float64Array, r: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function generateSchool(o: GeneratorOptions): School {
  const anchor = o.anchor ?? new Date(Math.floor(Date.now() / DAY) * DAY);
  const opts = {
    seed: o.seed,
    learners: o.learners,
    courses: o.courses ?? 24,
    days: o.days ?? 60,
    anchor,
    prefix: o.prefix ?? `s${o.seed}`,
    utcOffsetHours: o.utcOffsetHours ?? 8,
  };
  const to = anchor.getTime();
  const from = to - opts.days * DAY;
  const r = rngFor(opts.seed, 1, 0);
  const courses: CourseItem[] = Array.from({ length: opts.courses }, (_, i) => ({
    externalId: `${opts.prefix}-c${i}`,
    title: `${TOPICS[i % TOPICS.length]} ${LEVELS[Math.floor(i / TOPICS.length) % LEVELS.length]}`,
    totalLessons: 20 + Math.floor(r() * 100),
    durationDays: [90, 120, 180, 365][Math.floor(r() * 4)],
    category: CATEGORIES[i % CATEGORIES.length],
  }));
  const learners: LearnerItem[] = [];
  const enrollments: EnrollmentItem[] = [];
  const models: LearnerModel[] = [];
  for (let i = 0; i < opts.learners; i++) {
    const lr = rngFor(opts.seed, 2, i);
    const externalId = `${opts.prefix}-l${i}`;
    learners.push({
      externalId,
      name: `${SURNAMES[Math.floor(lr() * SURNAMES.length)]} ${GIVEN[Math.floor(lr() * GIVEN.length)]}${GIVEN[Math.floor(lr() * GIVEN.length)].toLowerCase()}`,
      phone: `+86 13${Math.floor(lr() * 10)} ${String(Math.floor(lr() * 1e4)).padStart(4, '0')} ${String(i % 1e4).padStart(4, '0')}`,
      email: `${externalId}@learner.example`,
      timezone: 'Asia/Shanghai',
    });
    const n = lr() < 0.85 ? 1 : 2;
    const idx: number[] = [];
    for (let k = 0; k < n; k++) {
      const course = courses[Math.floor(lr() * courses.length)];
      // Enrolled up to a year before the anchor; a few start inside the generated period.
      const enrolledAt = to - Math.floor((lr() < 0.2 ? lr() * opts.days : opts.days + lr() * 300) * DAY) - Math.floor(lr() * DAY);
      const expiresAt = enrolledAt + course.durationDays * DAY;
      const s = lr();
      const status: EnrollmentItem['status'] = expiresAt < to ? (s < 0.6 ? 'expired' : 'completed') : s < 0.05 ? 'cancelled' : s < 0.1 ? 'paused' : 'active';
      idx.push(enrollments.length);
      enrollments.push({
        externalId: `${opts.prefix}-e${i}-${k}`,
        learnerExternalId: externalId,
        courseExternalId: course.externalId,
        enrolledAt: new Date(enrolledAt).toISOString(),
        expiresAt: new Date(expiresAt).toISOString(),
        status,
      });
    }
    // Heavy-tailed activity; one learner in five drifts away at some point of the period.
    const weight = Math.exp(lr() * 2.5) * (lr() < 0.1 ? 0.1 : 1);
    const activeUntil = lr() < 0.2 ? from + lr() * (to - from) : Infinity;
    models.push({ externalId, enrollments: idx, weight, activeUntil });
  }
  return { opts, courses, learners, enrollments, models, cumulative: cumulate(models.map((m) => m.weight)), from, to };
}

/** Event `i` of the school's stream (0-based), identical every time for the same school and index. */
export function generateEvent(school: School, i: number): EventItem {
  const r = rngFor(school.opts.seed, 3, i);
  const m = school.models[pick(school.cumulative, r())];
  const e = school.enrollments[m.enrollments[Math.floor(r() * m.enrollments.length)]];
  const course = school.courses[Number(e.courseExternalId.slice(e.courseExternalId.lastIndexOf('-c') + 2))];
  const start = Math.max(school.from, Date.parse(e.enrolledAt));
  const end = Math.min(school.to, Date.parse(e.expiresAt), m.activeUntil);
  const span = Math.max(1, Math.floor((end - start) / DAY));
  let dayStart = Math.floor((start + Math.floor(r() * span) * DAY) / DAY) * DAY;
  // Weekends a third quieter: move some weekend events to the previous Friday.
  const weekday = new Date(dayStart + school.opts.utcOffsetHours * HOUR).getUTCDay();
  if ((weekday === 0 || weekday === 6) && r() < 0.33) dayStart -= (weekday === 6 ? 1 : 2) * DAY;
  const localHour = pick(HOURLY_CUM, r());
  const at = dayStart + (localHour - school.opts.utcOffsetHours) * HOUR + Math.floor(r() * HOUR);
  const occurredAt = new Date(at).toISOString();
  const type = TYPES[pick(TYPES_CUM, r())][0];
  const eventId = `${school.opts.prefix}-ev${i}`;
  const base = { eventId, learnerExternalId: m.externalId, type, occurredAt };
  switch (type) {
    case 'login':
      // Most logins are learner-level (the platform, not a course).
      return r() < 0.7 ? base : { ...base, courseExternalId: e.courseExternalId };
    case 'complaint':
      return r() < 0.5 ? { ...base, data: { channel: 'support' } } : { ...base, courseExternalId: e.courseExternalId, data: { channel: 'support' } };
    case 'study_session':
      return { ...base, courseExternalId: e.courseExternalId, data: { minutes: 5 + Math.floor(r() * r() * 115) } };
    case 'lesson_completed':
      return { ...base, courseExternalId: e.courseExternalId, data: { lessonId: `les-${1 + Math.floor(r() * course.totalLessons)}` } };
    case 'assignment_submitted': {
      const lateHours = r() < 0.7 ? -Math.floor(r() * 72) : Math.floor(r() * r() * 240);
      return {
        ...base,
        courseExternalId: e.courseExternalId,
        data: {
          assignmentId: `as-${1 + Math.floor(r() * Math.max(1, course.totalLessons / 4))}`,
          dueAt: new Date(at - lateHours * HOUR).toISOString(),
          submittedAt: occurredAt,
        },
      };
    }
    case 'renewal':
      return { ...base, courseExternalId: e.courseExternalId, data: { months: [3, 6, 12][Math.floor(r() * 3)] } };
  }
}

export function* generateEvents(school: School, from: number, to: number): Generator<EventItem> {
  for (let i = from; i < to; i++) yield generateEvent(school, i);
}

export interface IdMaps {
  learners: Map<string, string>;
  courses: Map<string, string>;
  /** `${learnerExternalId}|${courseExternalId}` → enrolment id. */
  enrollments: Map<string, string>;
}

/**
 * The event as a row of `COPY activity_events (event_id, learner_id, course_id, enrollment_id, type,
 * occurred_at, data) FROM STDIN` in text format (tab separated, \N for null).
 */
export function eventCopyLine(e: EventItem, ids: IdMaps): string {
  const learner = ids.learners.get(e.learnerExternalId) ?? '\\N';
  const course = e.courseExternalId ? (ids.courses.get(e.courseExternalId) ?? '\\N') : '\\N';
  const enrollment = e.courseExternalId ? (ids.enrollments.get(`${e.learnerExternalId}|${e.courseExternalId}`) ?? '\\N') : '\\N';
  const data = e.data ? JSON.stringify(e.data).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n') : '\\N';
  return `${e.eventId}\t${learner}\t${course}\t${enrollment}\t${e.type}\t${e.occurredAt}\t${data}\n`;
}
