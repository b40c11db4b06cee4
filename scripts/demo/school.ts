import { DateTime } from 'luxon';
import { Random } from './random.js';
import type { SyncEnrollment, SyncEvent, SyncLearner } from '../../libs/learners/sync-contract.js';

/**
 * The demo school as pure data: staff, courses, learners, enrolments and 120 days of activity events, all
 * derived from a seed and "now" (so rules fire today). Learners follow archetypes chosen to exercise every
 * default rule: fading learners go quiet (inactive_7d, and the per-course cohort alert), slow ones fall
 * behind the expected pace (low_completion), late submitters pile up late assignments, complainers complain
 * twice this month, dropping ones halve their weekly study time twice in a row; new ones are in their
 * first week (the first-week program), paused ones must stay quiet, churned and completed ones give the
 * analytics a history. No I/O here: the loader sends these through the public API.
 */
export const ARCHETYPES = ['steady', 'new', 'fading', 'dropping', 'slow', 'late', 'complainer', 'paused', 'churned', 'completed'] as const;
export type Archetype = (typeof ARCHETYPES)[number];

/** Shares in percent; every archetype with ≥ 2% appears in a school of 50 learners or more. */
export const ARCHETYPE_WEIGHTS: Record<Archetype, number> = {
  steady: 44,
  new: 8,
  fading: 9,
  dropping: 5,
  slow: 6,
  late: 6,
  complainer: 4,
  paused: 4,
  churned: 8,
  completed: 6,
};

/** Which default rule each archetype is built to trip (for the summary the loader prints). */
export const ARCHETYPE_RULE: Partial<Record<Archetype, string>> = {
  fading: 'inactive_7d',
  slow: 'low_completion',
  late: 'late_assignments',
  complainer: 'complaints',
  dropping: 'study_time_drop',
  new: 'first-week program',
};

export const HISTORY_DAYS = 120;
export const DEMO_PASSWORD = 'careloop-demo';
export const DEMO_TEAMS = { north: 'Demo North', south: 'Demo South' } as const;
export type TeamKey = keyof typeof DEMO_TEAMS;

type Hours = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', Array<[string, string]>>>;
const day = (from: string, to: string): Array<[string, string]> => [[from, to]];
const split = (a: [string, string], b: [string, string]): Array<[string, string]> => [a, b];

export interface DemoStaff {
  email: string;
  name: string;
  role: 'supervisor' | 'advisor';
  team: TeamKey;
  skills: string[];
  capacity: number;
  timezone: string;
  workingHours: Hours;
}

/** One supervisor over both teams, three advisors a team; between them every weekday is covered. */
export const DEMO_STAFF: DemoStaff[] = [
  {
    email: 'mei.chen@demo-school.example',
    name: 'Mei Chen',
    role: 'supervisor',
    team: 'north',
    skills: [],
    capacity: 0,
    timezone: 'Asia/Shanghai',
    workingHours: {
      mon: day('09:00', '18:00'),
      tue: day('09:00', '18:00'),
      wed: day('09:00', '18:00'),
      thu: day('09:00', '18:00'),
      fri: day('09:00', '18:00'),
    },
  },
  {
    email: 'wang.fang@demo-school.example',
    name: 'Wang Fang',
    role: 'advisor',
    team: 'north',
    skills: ['programming', 'data'],
    capacity: 100,
    timezone: 'Asia/Shanghai',
    workingHours: {
      mon: split(['09:00', '12:00'], ['13:30', '18:00']),
      tue: split(['09:00', '12:00'], ['13:30', '18:00']),
      wed: split(['09:00', '12:00'], ['13:30', '18:00']),
      thu: split(['09:00', '12:00'], ['13:30', '18:00']),
      fri: split(['09:00', '12:00'], ['13:30', '18:00']),
    },
  },
  {
    email: 'zhao.lei@demo-school.example',
    name: 'Zhao Lei',
    role: 'advisor',
    team: 'north',
    skills: ['programming'],
    capacity: 100,
    timezone: 'Asia/Shanghai',
    workingHours: {
      tue: day('09:00', '17:30'),
      wed: day('09:00', '17:30'),
      thu: day('09:00', '17:30'),
      fri: day('09:00', '17:30'),
      sat: day('09:00', '17:30'),
    },
  },
  {
    email: 'liu.yang@demo-school.example',
    name: 'Liu Yang',
    role: 'advisor',
    team: 'north',
    skills: ['data', 'programming'],
    capacity: 100,
    timezone: 'Asia/Shanghai',
    workingHours: {
      wed: day('12:00', '20:30'),
      thu: day('12:00', '20:30'),
      fri: day('12:00', '20:30'),
      sat: day('09:00', '17:30'),
      sun: day('09:00', '17:30'),
    },
  },
  {
    email: 'chen.jing@demo-school.example',
    name: 'Chen Jing',
    role: 'advisor',
    team: 'south',
    skills: ['language', 'design'],
    capacity: 100,
    timezone: 'Asia/Shanghai',
    workingHours: {
      mon: day('09:00', '17:30'),
      tue: day('09:00', '17:30'),
      wed: day('09:00', '17:30'),
      thu: day('09:00', '17:30'),
      fri: day('09:00', '17:30'),
    },
  },
  {
    email: 'sun.hao@demo-school.example',
    name: 'Sun Hao',
    role: 'advisor',
    team: 'south',
    skills: ['language', 'exam_prep'],
    capacity: 100,
    timezone: 'Asia/Shanghai',
    workingHours: {
      mon: split(['09:00', '12:00'], ['13:00', '17:00']),
      tue: split(['09:00', '12:00'], ['13:00', '17:00']),
      thu: split(['09:00', '12:00'], ['13:00', '17:00']),
      fri: split(['09:00', '12:00'], ['13:00', '17:00']),
      sat: split(['09:00', '12:00'], ['13:00', '17:00']),
    },
  },
  {
    email: 'zhou.min@demo-school.example',
    name: 'Zhou Min',
    role: 'advisor',
    team: 'south',
    skills: ['design', 'exam_prep', 'language'],
    capacity: 100,
    timezone: 'Asia/Shanghai',
    workingHours: { mon: day('09:00', '17:30'), wed: day('13:00', '21:00'), sat: day('09:00', '17:30'), sun: day('09:00', '17:30') },
  },
];

export interface DemoCourse {
  externalId: string;
  title: string;
  totalLessons: number;
  durationDays: number;
  category: string;
  team: TeamKey;
}

export const DEMO_COURSES: DemoCourse[] = [
  { externalId: 'DEMO-PY101', title: 'Python from Zero', totalLessons: 40, durationDays: 90, category: 'programming', team: 'north' },
  { externalId: 'DEMO-WEB201', title: 'Web Development Bootcamp', totalLessons: 60, durationDays: 120, category: 'programming', team: 'north' },
  { externalId: 'DEMO-SQL101', title: 'Data Analysis with SQL', totalLessons: 30, durationDays: 60, category: 'data', team: 'north' },
  { externalId: 'DEMO-ML301', title: 'Machine Learning Foundations', totalLessons: 48, durationDays: 120, category: 'data', team: 'north' },
  { externalId: 'DEMO-EN101', title: 'Business English', totalLessons: 50, durationDays: 90, category: 'language', team: 'south' },
  { externalId: 'DEMO-JP101', title: 'Japanese for Beginners', totalLessons: 60, durationDays: 180, category: 'language', team: 'south' },
  { externalId: 'DEMO-UX101', title: 'UX Design Essentials', totalLessons: 36, durationDays: 90, category: 'design', team: 'south' },
  { externalId: 'DEMO-PMP201', title: 'Project Management Exam Prep', totalLessons: 40, durationDays: 60, category: 'exam_prep', team: 'south' },
];

// The items the demo school sends: the sync contract's shapes, with the fields the demo always fills.
export type LearnerItem = Required<Pick<SyncLearner, 'externalId' | 'name'>> & { phone: string; email: string; timezone: string };
export type EnrollmentItem = Required<Pick<SyncEnrollment, 'externalId' | 'learnerExternalId' | 'courseExternalId' | 'enrolledAt' | 'status'>> & {
  expiresAt: string;
  /** When the platform last changed the enrolment (its last status change), so careloop can order updates. */
  updatedAt: string;
};
export type EventItem = Pick<SyncEvent, 'eventId' | 'learnerExternalId' | 'occurredAt'> & {
  courseExternalId?: string;
  type: Exclude<SyncEvent['type'], 'assignment_assigned'>;
  data?: Record<string, unknown>;
};

export interface DemoLearner {
  archetype: Archetype;
  learner: LearnerItem;
  enrollment: EnrollmentItem;
  events: EventItem[];
}

export interface DemoSchool {
  learners: DemoLearner[];
  counts: Record<Archetype, number>;
  eventCount: number;
}

export interface DemoSchoolOptions {
  learners: number;
  seed: number;
  now: Date;
  /** The server's SCHOOL_TIMEZONE: calendar months (complaints) and weeks (study time) are counted in it. */
  schoolTimezone: string;
}

/**
 * Deterministic archetype for learner i: smooth weighted round-robin, so small schools still get every
 * archetype and big ones get the exact shares.
 */
export function archetypeSequence(n: number): Archetype[] {
  const current = new Map<Archetype, number>(ARCHETYPES.map((a) => [a, 0]));
  const total = ARCHETYPES.reduce((s, a) => s + ARCHETYPE_WEIGHTS[a], 0);
  const out: Archetype[] = [];
  for (let i = 0; i < n; i++) {
    let best: Archetype = ARCHETYPES[0];
    for (const a of ARCHETYPES) {
      current.set(a, current.get(a)! + ARCHETYPE_WEIGHTS[a]);
      if (current.get(a)! > current.get(best)!) best = a;
    }
    current.set(best, current.get(best)! - total);
    out.push(best);
  }
  return out;
}

const SURNAMES = [
  'Li',
  'Wang',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Huang',
  'Zhao',
  'Wu',
  'Zhou',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
  'Hu',
  'Guo',
  'He',
  'Lin',
  'Gao',
  'Luo',
  'Zheng',
  'Liang',
  'Xie',
  'Song',
  'Tang',
  'Han',
  'Feng',
  'Deng',
  'Cao',
  'Peng',
];
const GIVEN = [
  'Wei',
  'Fang',
  'Na',
  'Min',
  'Jing',
  'Li',
  'Qiang',
  'Lei',
  'Jun',
  'Yang',
  'Yong',
  'Yan',
  'Jie',
  'Tao',
  'Ming',
  'Chao',
  'Xiu',
  'Hui',
  'Xia',
  'Ping',
  'Gang',
  'Hua',
  'Dan',
  'Bo',
  'Yu',
  'Xin',
  'Hao',
  'Ting',
  'Lin',
  'Kai',
  'Rui',
  'Yue',
  'Xuan',
  'Zhen',
  'Ning',
  'Shan',
  'Yi',
  'Qing',
  'Feng',
  'Lan',
];
/** Fixed-offset zones only (the day arithmetic below relies on it). */
const TIMEZONES: Record<string, number> = { 'Asia/Shanghai': 80, 'Asia/Singapore': 8, 'Asia/Hong_Kong': 6, 'Asia/Taipei': 6 };

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

export function buildDemoSchool(opts: DemoSchoolOptions): DemoSchool {
  const archetypes = archetypeSequence(opts.learners);
  const counts = Object.fromEntries(ARCHETYPES.map((a) => [a, 0])) as Record<Archetype, number>;
  const learners: DemoLearner[] = [];
  let eventCount = 0;
  for (let i = 0; i < opts.learners; i++) {
    const l = buildLearner(i, archetypes[i], opts);
    counts[l.archetype]++;
    eventCount += l.events.length;
    learners.push(l);
  }
  return { learners, counts, eventCount };
}

interface Plan {
  ageDays: number;
  /** Days ago of the last activity (0 = still active today). */
  lastActiveDaysAgo: number;
  status: EnrollmentItem['status'];
  pace: number;
  activeOdds: number;
  renewed: boolean;
}

function buildLearner(i: number, archetype: Archetype, opts: DemoSchoolOptions): DemoLearner {
  const rng = Random.for(opts.seed, i);
  const now = opts.now.getTime();
  const no = String(i + 1).padStart(5, '0');
  const surname = rng.pick(SURNAMES);
  const given = rng.pick(GIVEN) + (rng.chance(0.5) ? rng.pick(GIVEN).toLowerCase() : '');
  const timezone = rng.weighted(TIMEZONES);
  const learner: LearnerItem = {
    externalId: `DEMO-L${no}`,
    name: `${surname} ${given}`,
    phone: `+86 13${rng.int(0, 9)} ${String(rng.int(0, 9999)).padStart(4, '0')} ${String(rng.int(0, 9999)).padStart(4, '0')}`,
    email: `${given.toLowerCase()}.${surname.toLowerCase()}${i + 1}@learner.example`,
    timezone,
  };
  const course = rng.pick(DEMO_COURSES);
  const plan = planFor(archetype, course, rng);
  const enrolledAt = plan.ageDays === 0 ? now - rng.int(30, 300) * MIN_MS : now - plan.ageDays * DAY_MS - rng.int(0, 10 * 60) * MIN_MS;
  let expiresAt = enrolledAt + course.durationDays * DAY_MS;
  const events: EventItem[] = [];
  const enrollmentExternalId = `DEMO-E${no}`;
  const base = { learnerExternalId: learner.externalId };
  const push = (eventId: string, type: EventItem['type'], at: number, withCourse: boolean, data?: Record<string, unknown>) => {
    if (at > now - MIN_MS || at < enrolledAt) return;
    events.push({
      eventId: `${enrollmentExternalId}-${eventId}`,
      ...base,
      ...(withCourse ? { courseExternalId: course.externalId } : {}),
      type,
      occurredAt: new Date(at).toISOString(),
      ...(data ? { data } : {}),
    });
  };

  let renewedAt: number | undefined;
  if (plan.renewed) {
    // Renewed a few days before the first term ran out: the enrolment now runs a second term.
    renewedAt = Math.min(now - 60 * MIN_MS, expiresAt - rng.int(1, 10) * DAY_MS);
    push('renewal', 'renewal', renewedAt, true, { months: Math.round(course.durationDays / 30) });
    expiresAt += course.durationDays * DAY_MS;
  }

  // Week boundaries in the school zone: the study-time rule compares full Monday-to-Sunday weeks.
  const week0 = DateTime.fromMillis(now, { zone: opts.schoolTimezone }).startOf('week').toMillis();
  const weekIndex = (at: number) => Math.floor((at - week0) / (7 * DAY_MS));
  // Learner zones are fixed-offset (no daylight saving), so local days are exactly 24 hours apart.
  const firstDay = DateTime.fromMillis(enrolledAt, { zone: timezone }).startOf('day');
  const firstDayMs = firstDay.toMillis();
  const lastActive = now - plan.lastActiveDaysAgo * DAY_MS;
  let lessons = 0;
  for (let d = 0; ; d++) {
    const dayMs = firstDayMs + d * DAY_MS;
    if (dayMs > now || dayMs > lastActive) break;
    const weekend = ((firstDay.weekday - 1 + d) % 7) + 1 >= 6;
    const inDrop = archetype === 'dropping' && weekIndex(dayMs) >= -3;
    const odds = inDrop ? 1 : weekend ? plan.activeOdds - 0.15 : plan.activeOdds;
    // The enrolment day and (for everyone still around) the last active day always have a login.
    const mustLogin = d === 0 || (plan.lastActiveDaysAgo > 0 && lastActive - dayMs < DAY_MS);
    if (!mustLogin && !rng.chance(odds)) continue;
    let at = dayMs + rng.int(7 * 60, 22 * 60) * MIN_MS;
    if (d === 0) at = Math.max(at, enrolledAt + rng.int(2, 40) * MIN_MS);
    if (at > lastActive && plan.lastActiveDaysAgo > 0) at = Math.max(dayMs, lastActive - rng.int(1, 60) * MIN_MS);
    if (at > now - MIN_MS) at = now - rng.int(2, 10) * MIN_MS;
    push(`d${d}-login`, 'login', at, false);

    let minutes = rng.int(20, 70);
    if (archetype === 'slow') minutes = rng.int(5, 20);
    if (inDrop) {
      const w = weekIndex(at);
      minutes = w <= -3 ? rng.int(55, 65) : w === -2 ? rng.int(22, 26) : rng.int(7, 10);
    }
    push(`d${d}-study`, 'study_session', at + 3 * MIN_MS, true, { minutes });

    const elapsed = Math.min(d + 1, course.durationDays);
    const target = Math.min(course.totalLessons, Math.floor((course.totalLessons * elapsed * plan.pace) / course.durationDays));
    for (let k = 0; lessons < target && k < 4; k++) {
      lessons++;
      push(`lesson-${lessons}`, 'lesson_completed', at + (10 + 12 * k) * MIN_MS, true, { lessonId: `L${lessons}` });
    }
  }

  // A weekly assignment, due 7·k days after enrolment; only those due while the learner was still around.
  let lateLeft = archetype === 'late' ? rng.int(2, 3) : 0;
  for (let k = 1; ; k++) {
    const due = enrolledAt + 7 * k * DAY_MS;
    if (due > Math.min(now, lastActive + DAY_MS, expiresAt)) break;
    let submitted = due - rng.int(2 * 60, 48 * 60) * MIN_MS;
    const lateAt = due + rng.int(4 * 24 * 60 + 60, 8 * 24 * 60) * MIN_MS;
    if (lateLeft > 0 && lateAt < now - 5 * MIN_MS) {
      submitted = lateAt;
      lateLeft--;
    } else if (archetype === 'slow' && rng.chance(0.5)) {
      submitted = due + rng.int(6 * 60, 40 * 60) * MIN_MS; // late, but by less than the 3-day threshold
    }
    const data = { assignmentId: `A${k}`, dueAt: new Date(due).toISOString(), submittedAt: new Date(submitted).toISOString() };
    push(`assignment-${k}`, 'assignment_submitted', submitted, true, data);
  }

  // Complaints are counted per calendar month in the school zone: complainers file two or three this month,
  // a few steady learners one (below the threshold).
  const complaints = archetype === 'complainer' ? rng.int(2, 3) : archetype === 'steady' && rng.chance(0.05) ? 1 : 0;
  if (complaints) {
    const monthStart = DateTime.fromMillis(now, { zone: opts.schoolTimezone }).startOf('month').toMillis();
    const hi = now - 2 * MIN_MS;
    const lo = Math.min(hi - MIN_MS, Math.max(monthStart + MIN_MS, now - 20 * DAY_MS, enrolledAt + MIN_MS));
    const times = Array.from({ length: complaints }, () => lo + rng.next() * (hi - lo)).sort((a, b) => a - b);
    const topics = [
      'no answer to my question for three days',
      'video lessons keep buffering',
      'homework feedback never arrived',
      'course is not what was promised',
    ];
    times.forEach((t, j) => push(`complaint-${j + 1}`, 'complaint', Math.round(t), false, { topic: rng.pick(topics) }));
  }

  const status = plan.status === 'active' && expiresAt <= now ? 'expired' : plan.status;
  // The last status change: cancelled a few days after the last visit, paused the day after, completed on the
  // last lesson, expired at the end of the term; active ones changed when they enrolled (or renewed).
  const changedAt =
    status === 'cancelled'
      ? Math.min(now - MIN_MS, lastActive + rng.int(1, 4) * DAY_MS)
      : status === 'paused'
        ? Math.min(now - MIN_MS, lastActive + DAY_MS)
        : status === 'completed'
          ? lastActive
          : status === 'expired'
            ? expiresAt
            : (renewedAt ?? enrolledAt);
  const enrollment: EnrollmentItem = {
    externalId: enrollmentExternalId,
    learnerExternalId: learner.externalId,
    courseExternalId: course.externalId,
    enrolledAt: new Date(enrolledAt).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
    status,
    updatedAt: new Date(Math.max(enrolledAt, changedAt)).toISOString(),
  };
  events.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  return { archetype, learner, enrollment, events };
}

function planFor(archetype: Archetype, course: DemoCourse, rng: Random): Plan {
  // Learners meant to raise alerts stay inside their course's term, so their enrolment is still active.
  const inTerm = (min: number) => rng.int(min, Math.min(HISTORY_DAYS - 1, course.durationDays - 2));
  const base: Plan = { ageDays: 0, lastActiveDaysAgo: 0, status: 'active', pace: rng.between(0.85, 1.2), activeOdds: 0.72, renewed: false };
  switch (archetype) {
    case 'new':
      return { ...base, ageDays: rng.int(0, 6), pace: rng.between(0.9, 1.5), activeOdds: 0.85 };
    case 'steady': {
      const ageDays = rng.int(7, HISTORY_DAYS - 1);
      const overdue = ageDays >= course.durationDays - 1;
      const renewed = overdue && rng.chance(0.65);
      // Not renewed: the term ran out, the learner stopped around its end and the enrolment expired.
      const lastActiveDaysAgo = overdue && !renewed ? Math.max(1, ageDays - course.durationDays + rng.int(0, 3)) : 0;
      return { ...base, ageDays, renewed, lastActiveDaysAgo };
    }
    case 'fading': {
      const ageDays = inTerm(16);
      return { ...base, ageDays, lastActiveDaysAgo: rng.int(8, Math.min(24, ageDays - 6)), pace: rng.between(0.5, 0.9) };
    }
    case 'dropping':
      return { ...base, ageDays: inTerm(36), pace: rng.between(0.7, 1.0) };
    case 'slow':
      return { ...base, ageDays: inTerm(14), pace: rng.between(0.02, 0.1), activeOdds: 0.5 };
    case 'late':
      return { ...base, ageDays: inTerm(24), pace: rng.between(0.6, 0.9) };
    case 'complainer':
      return { ...base, ageDays: inTerm(7), pace: rng.between(0.5, 0.9) };
    case 'paused': {
      const ageDays = inTerm(21);
      return { ...base, ageDays, status: 'paused', lastActiveDaysAgo: rng.int(3, ageDays - 14) };
    }
    case 'churned': {
      const ageDays = rng.int(30, HISTORY_DAYS - 1);
      return { ...base, ageDays, status: 'cancelled', lastActiveDaysAgo: rng.int(5, ageDays - 10), pace: rng.between(0.3, 0.8), activeOdds: 0.55 };
    }
    case 'completed': {
      const ageDays = rng.int(40, HISTORY_DAYS - 1);
      // Finished all lessons fast, then stopped.
      const pace = Math.max(1.3, (course.durationDays / Math.max(20, ageDays - 10)) * 1.1);
      const doneAfter = Math.ceil(course.durationDays / pace) + 2;
      return { ...base, ageDays, status: 'completed', pace, activeOdds: 0.85, lastActiveDaysAgo: Math.max(1, ageDays - doneAfter) };
    }
  }
}
