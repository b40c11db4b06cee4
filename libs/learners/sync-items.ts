import type { FieldError } from '../common/domain-error.js';
import { ENROLLMENT_STATUSES, type EnrollmentStatus } from './lifecycle.js';
import { isValidTimeZone } from '../common/time-zone.js';

/**
 * Hand-written, per-field validation of sync items. The global DTO pipe would reject a whole batch for one bad
 * item; here every item is checked on its own and produces field errors like `items.3.enrolledAt`, so the good
 * items of a batch are still stored. These loops run for every event in the ingest hot path: keep them cheap.
 */
export const MAX_SYNC_ITEMS = 5000;

import { EVENT_TYPES, type EventType } from './sync-contract.js';

export { EVENT_TYPES, type EventType };
const EVENT_TYPE_SET = new Set<string>(EVENT_TYPES);
/** Learner-level types: without a course they count for each of the learner's enrolments running that day. */
export const LEARNER_LEVEL_TYPES = new Set<string>(['login', 'complaint']);

export type SyncStatus = 'created' | 'updated' | 'unchanged' | 'stale' | 'duplicate' | 'rejected';
export const SYNC_STATUSES: readonly SyncStatus[] = ['created', 'updated', 'unchanged', 'stale', 'duplicate', 'rejected'];

export interface SyncResult {
  index: number;
  id: string | null;
  status: SyncStatus;
  errors?: FieldError[];
}
export interface SyncReply {
  results: SyncResult[];
  summary: Record<SyncStatus, number>;
}

export function summarize(results: SyncResult[]): SyncReply {
  const summary = { created: 0, updated: 0, unchanged: 0, stale: 0, duplicate: 0, rejected: 0 };
  for (const r of results) summary[r.status]++;
  return { results, summary };
}

export interface CourseItem {
  externalId: string;
  title: string;
  totalLessons: number;
  durationDays: number;
  category: string | null;
  teamId: string | null;
  updatedAt: Date | null;
}
export interface LearnerItem {
  externalId: string;
  name: string;
  phone: string | null;
  email: string | null;
  timezone: string | null;
  updatedAt: Date | null;
}
export interface EnrollmentItem {
  externalId: string;
  learnerExternalId: string;
  courseExternalId: string;
  enrolledAt: Date;
  expiresAt: Date | null;
  status: EnrollmentStatus;
  updatedAt: Date | null;
}
export interface EventItem {
  eventId: string;
  learnerExternalId: string;
  courseExternalId: string | null;
  type: EventType;
  occurredAt: Date;
  /** The item's data as JSON text (jsonb parameter), or null. */
  data: string | null;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** The body must be `{items: [...]}` with at most MAX_SYNC_ITEMS items; anything else is a request-level error. */
export function itemsOf(body: unknown): { items: unknown[] } | { error: 'shape' | 'too_many'; count?: number } | { error: 'unknown_field'; field: string } {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { items?: unknown }).items)) return { error: 'shape' };
  // Like the global validation pipe elsewhere (forbidNonWhitelisted): a misspelt top-level field is an error, not ignored.
  const extra = Object.keys(body).find((k) => k !== 'items');
  if (extra !== undefined) return { error: 'unknown_field', field: extra };
  const items = (body as { items: unknown[] }).items;
  if (items.length > MAX_SYNC_ITEMS) return { error: 'too_many', count: items.length };
  return { items };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ISO-8601 date-time with an explicit offset (or Z); a bare date is accepted as midnight UTC.
const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

class Checker {
  errors: FieldError[] | undefined;
  constructor(
    readonly item: Record<string, unknown>,
    readonly prefix: string,
  ) {}

  fail(field: string, message: string): void {
    (this.errors ??= []).push({ field: `${this.prefix}.${field}`, message });
  }

  str(field: string, required: true, max?: number): string;
  str(field: string, required: false, max?: number): string | null;
  str(field: string, required: boolean, max = 200): string | null {
    const v = this.item[field];
    if (v === undefined || v === null) {
      if (required) this.fail(field, 'is required');
      return null;
    }
    if (typeof v !== 'string') {
      this.fail(field, 'must be a string');
      return null;
    }
    const t = v.trim();
    if (required && t === '') {
      this.fail(field, 'must not be empty');
      return null;
    }
    if (t.length > max) {
      this.fail(field, `must be at most ${max} characters`);
      return null;
    }
    return t === '' ? null : t;
  }

  int(field: string, min: number, max: number, required = true): number | null {
    const v = this.item[field];
    if (v === undefined || v === null) {
      if (required) this.fail(field, 'is required');
      return null;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, `must be a whole number from ${min} to ${max}`);
      return null;
    }
    return v;
  }

  date(field: string, required: boolean): Date | null {
    return parseDate(this.item[field], required, (m) => this.fail(field, m));
  }

  done(): void {
    for (const k of Object.keys(this.item)) if (!this.allowed.has(k)) this.fail(k, 'is not a known field');
  }
  allowed = new Set<string>();
  known(...fields: string[]): this {
    this.allowed = new Set(fields);
    return this;
  }
}

function parseDate(v: unknown, required: boolean, fail: (m: string) => void): Date | null {
  if (v === undefined || v === null) {
    if (required) fail('is required');
    return null;
  }
  if (typeof v !== 'string' || !ISO.test(v)) {
    fail('must be an ISO-8601 date-time with a time zone, e.g. 2026-03-01T08:30:00Z');
    return null;
  }
  const d = new Date(v);
  const t = d.getTime();
  // Postgres timestamptz range is far wider, but years outside 1970..9999 are certainly bad input here.
  if (Number.isNaN(t) || t < 0 || t > 253402300799999) {
    fail('is not a valid date-time');
    return null;
  }
  return d;
}

function asObject(raw: unknown, prefix: string): Record<string, unknown> | FieldError[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [{ field: prefix, message: 'must be an object' }];
  return raw as Record<string, unknown>;
}

export function checkCourse(raw: unknown, index: number): Checked<CourseItem> {
  const prefix = `items.${index}`;
  const o = asObject(raw, prefix);
  if (Array.isArray(o)) return { ok: false, errors: o };
  const c = new Checker(o, prefix).known('externalId', 'title', 'totalLessons', 'durationDays', 'category', 'teamId', 'updatedAt');
  const value: CourseItem = {
    externalId: c.str('externalId', true),
    title: c.str('title', true, 500),
    totalLessons: c.int('totalLessons', 0, 100_000)!,
    durationDays: c.int('durationDays', 1, 36_500)!,
    category: c.str('category', false),
    teamId: c.str('teamId', false),
    updatedAt: c.date('updatedAt', false),
  };
  if (value.teamId && !UUID.test(value.teamId)) c.fail('teamId', 'must be a team id (UUID)');
  c.done();
  return c.errors ? { ok: false, errors: c.errors } : { ok: true, value };
}

export function checkLearner(raw: unknown, index: number): Checked<LearnerItem> {
  const prefix = `items.${index}`;
  const o = asObject(raw, prefix);
  if (Array.isArray(o)) return { ok: false, errors: o };
  const c = new Checker(o, prefix).known('externalId', 'name', 'phone', 'email', 'timezone', 'updatedAt');
  const value: LearnerItem = {
    externalId: c.str('externalId', true),
    name: c.str('name', true, 300),
    phone: c.str('phone', false, 40),
    email: c.str('email', false, 320),
    timezone: c.str('timezone', false, 64),
    updatedAt: c.date('updatedAt', false),
  };
  if (value.phone && !/^\+?[0-9][0-9 ()-]{2,38}$/.test(value.phone)) c.fail('phone', 'must be a phone number (digits, optional +, spaces, dashes)');
  if (value.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.email)) c.fail('email', 'must be an email address');
  if (value.timezone && !isValidTimeZone(value.timezone)) c.fail('timezone', 'must be an IANA time zone such as Asia/Shanghai');
  c.done();
  return c.errors ? { ok: false, errors: c.errors } : { ok: true, value };
}

const STATUS_SET = new Set<string>(ENROLLMENT_STATUSES);

export function checkEnrollment(raw: unknown, index: number): Checked<EnrollmentItem> {
  const prefix = `items.${index}`;
  const o = asObject(raw, prefix);
  if (Array.isArray(o)) return { ok: false, errors: o };
  const c = new Checker(o, prefix).known('externalId', 'learnerExternalId', 'courseExternalId', 'enrolledAt', 'expiresAt', 'status', 'updatedAt');
  const status = c.str('status', true, 20);
  if (status !== null && !STATUS_SET.has(status)) c.fail('status', `must be one of ${ENROLLMENT_STATUSES.join(', ')}`);
  const value: EnrollmentItem = {
    externalId: c.str('externalId', true),
    learnerExternalId: c.str('learnerExternalId', true),
    courseExternalId: c.str('courseExternalId', true),
    enrolledAt: c.date('enrolledAt', true)!,
    expiresAt: c.date('expiresAt', false),
    status: status as EnrollmentStatus,
    updatedAt: c.date('updatedAt', false),
  };
  if (value.enrolledAt && value.expiresAt && value.expiresAt <= value.enrolledAt) c.fail('expiresAt', 'must be after enrolledAt');
  c.done();
  return c.errors ? { ok: false, errors: c.errors } : { ok: true, value };
}

const EVENT_FIELDS = new Set(['eventId', 'learnerExternalId', 'courseExternalId', 'type', 'occurredAt', 'data']);
const ID = (v: unknown): v is string | number => (typeof v === 'string' && v.trim() !== '' && v.length <= 200) || (typeof v === 'number' && Number.isFinite(v));

/** The ingest hot path: no class instances, no regex beyond the date check, one pass over the fields. */
export function checkEvent(raw: unknown, index: number): Checked<EventItem> {
  const prefix = `items.${index}`;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, errors: [{ field: prefix, message: 'must be an object' }] };
  const o = raw as Record<string, unknown>;
  let errors: FieldError[] | undefined;
  const fail = (field: string, message: string) => (errors ??= []).push({ field: `${prefix}.${field}`, message });
  for (const k in o) if (!EVENT_FIELDS.has(k)) fail(k, 'is not a known field');

  const eventId = o.eventId;
  if (typeof eventId !== 'string' || eventId === '' || eventId.length > 200)
    fail('eventId', eventId == null ? 'is required' : 'must be a non-empty string of at most 200 characters');
  const learner = o.learnerExternalId;
  if (typeof learner !== 'string' || learner === '' || learner.length > 200)
    fail('learnerExternalId', learner == null ? 'is required' : 'must be a non-empty string of at most 200 characters');
  const course = o.courseExternalId;
  if (course != null && (typeof course !== 'string' || course === '' || course.length > 200))
    fail('courseExternalId', 'must be a non-empty string of at most 200 characters');
  const type = o.type;
  if (typeof type !== 'string' || !EVENT_TYPE_SET.has(type)) fail('type', `must be one of ${EVENT_TYPES.join(', ')}`);
  const occurredAt = parseDate(o.occurredAt, true, (m) => fail('occurredAt', m));
  const data = o.data;
  if (data != null && (typeof data !== 'object' || Array.isArray(data))) fail('data', 'must be an object');
  else if (typeof type === 'string') {
    const d = (data ?? {}) as Record<string, unknown>;
    if (course == null && !LEARNER_LEVEL_TYPES.has(type)) fail('courseExternalId', `is required for ${type} events`);
    switch (type) {
      case 'study_session': {
        const m = d.minutes;
        if (typeof m !== 'number' || !Number.isFinite(m) || m < 0 || m > 1440) fail('data.minutes', 'must be a number of minutes from 0 to 1440');
        break;
      }
      case 'lesson_completed':
        if (!ID(d.lessonId)) fail('data.lessonId', 'is required (the lesson completed)');
        break;
      case 'assignment_submitted': {
        if (!ID(d.assignmentId)) fail('data.assignmentId', 'is required');
        parseDate(d.dueAt, true, (m) => fail('data.dueAt', m));
        if (d.submittedAt != null) parseDate(d.submittedAt, true, (m) => fail('data.submittedAt', m));
        break;
      }
      // An assignment set for the learner (not submitted yet): lets the late-assignments rule count it while missing.
      case 'assignment_assigned':
        if (!ID(d.assignmentId)) fail('data.assignmentId', 'is required');
        parseDate(d.dueAt, true, (m) => fail('data.dueAt', m));
        break;
    }
  }
  if (errors) return { ok: false, errors };
  return {
    ok: true,
    value: {
      eventId: eventId as string,
      learnerExternalId: learner as string,
      courseExternalId: (course as string | undefined) ?? null,
      type: type as EventType,
      occurredAt: occurredAt!,
      data: data == null ? null : JSON.stringify(data),
    },
  };
}
