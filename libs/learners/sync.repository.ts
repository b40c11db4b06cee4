import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { INGEST_EVENTS_SQL } from './ingest.sql.js';
import type { CourseItem, EnrollmentItem, LearnerItem } from './sync-items.js';
import { preparedQuery } from '../database/prepared.js';

export interface StoredCourse {
  id: string;
  external_id: string;
  title: string;
  total_lessons: number;
  duration_days: number;
  category: string | null;
  team_id: string | null;
  source_updated_at: Date | null;
}
export interface StoredLearner {
  id: string;
  external_id: string;
  name: string;
  phone: string | null;
  email: string | null;
  timezone: string | null;
  source_updated_at: Date | null;
}
export interface StoredEnrollment {
  id: string;
  external_id: string;
  learner_id: string;
  course_id: string;
  enrolled_at: Date;
  expires_at: Date | null;
  status: string;
  source_updated_at: Date | null;
}
/** One batch of events as parallel columns (what the ingest statement unnests). */
export interface IngestColumns {
  i: number[];
  eventId: string[];
  learner: string[];
  course: Array<string | null>;
  type: string[];
  occurredAt: string[];
  /** JSON text or null. */
  data: Array<string | null>;
}
export interface IngestOutcome {
  i: number;
  unknown_learner: boolean;
  unknown_course: boolean;
  created: boolean;
}

/** A concurrent writer inserted the same external id between our lock and our insert: run the batch again. */
export class ConcurrentInsertError extends Error {}

/** Set-based reads and writes of learner data; every batch write is one statement over unnest()ed arrays. */
@Injectable()
export class SyncRepository {
  constructor(private readonly dataSource: DataSource) {}

  // ---- courses ------------------------------------------------------------------------------
  lockCourses(em: EntityManager, externalIds: string[]): Promise<StoredCourse[]> {
    return em.query(
      `select id, external_id, title, total_lessons, duration_days, category, team_id, source_updated_at
       from courses where external_id = any($1::text[]) order by external_id for update`,
      [externalIds],
    );
  }

  async existingTeamIds(em: EntityManager, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows: Array<{ id: string }> = await em.query(`select id from teams where id = any($1::uuid[])`, [ids]);
    return new Set(rows.map((r) => r.id));
  }

  async insertCourses(em: EntityManager, items: CourseItem[]): Promise<Map<string, string>> {
    if (!items.length) return new Map();
    const rows: Array<{ id: string; external_id: string }> = await em.query(
      `insert into courses (external_id, title, total_lessons, duration_days, category, team_id, source_updated_at)
       select * from unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::uuid[], $7::timestamptz[])
       on conflict (external_id) do nothing
       returning id, external_id`,
      [
        col(items, 'externalId'),
        col(items, 'title'),
        col(items, 'totalLessons'),
        col(items, 'durationDays'),
        col(items, 'category'),
        col(items, 'teamId'),
        col(items, 'updatedAt'),
      ],
    );
    if (rows.length !== items.length) throw new ConcurrentInsertError();
    return new Map(rows.map((r) => [r.external_id, r.id]));
  }

  async updateCourses(em: EntityManager, rows: Array<CourseItem & { id: string; sourceUpdatedAt: Date | null }>): Promise<void> {
    if (!rows.length) return;
    await em.query(
      `update courses c set title = x.title, total_lessons = x.total_lessons, duration_days = x.duration_days,
         category = x.category, team_id = x.team_id, source_updated_at = x.source_updated_at, updated_at = now()
       from unnest($1::uuid[], $2::text[], $3::int[], $4::int[], $5::text[], $6::uuid[], $7::timestamptz[])
         as x(id, title, total_lessons, duration_days, category, team_id, source_updated_at)
       where c.id = x.id`,
      [
        col(rows, 'id'),
        col(rows, 'title'),
        col(rows, 'totalLessons'),
        col(rows, 'durationDays'),
        col(rows, 'category'),
        col(rows, 'teamId'),
        col(rows, 'sourceUpdatedAt'),
      ],
    );
  }

  // ---- learners -----------------------------------------------------------------------------
  lockLearners(em: EntityManager, externalIds: string[]): Promise<StoredLearner[]> {
    return em.query(
      `select id, external_id, name, phone, email, timezone, source_updated_at
       from learners where external_id = any($1::text[]) order by external_id for update`,
      [externalIds],
    );
  }

  async insertLearners(em: EntityManager, items: Array<LearnerItem & { holdout: boolean }>): Promise<Map<string, string>> {
    if (!items.length) return new Map();
    const rows: Array<{ id: string; external_id: string }> = await em.query(
      `insert into learners (external_id, name, phone, email, timezone, holdout, source_updated_at)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bool[], $7::timestamptz[])
       on conflict (external_id) do nothing
       returning id, external_id`,
      [
        col(items, 'externalId'),
        col(items, 'name'),
        col(items, 'phone'),
        col(items, 'email'),
        col(items, 'timezone'),
        col(items, 'holdout'),
        col(items, 'updatedAt'),
      ],
    );
    if (rows.length !== items.length) throw new ConcurrentInsertError();
    return new Map(rows.map((r) => [r.external_id, r.id]));
  }

  async updateLearners(em: EntityManager, rows: Array<LearnerItem & { id: string; sourceUpdatedAt: Date | null }>): Promise<void> {
    if (!rows.length) return;
    await em.query(
      `update learners l set name = x.name, phone = x.phone, email = x.email, timezone = x.timezone,
         source_updated_at = x.source_updated_at, updated_at = now()
       from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
         as x(id, name, phone, email, timezone, source_updated_at)
       where l.id = x.id`,
      [col(rows, 'id'), col(rows, 'name'), col(rows, 'phone'), col(rows, 'email'), col(rows, 'timezone'), col(rows, 'sourceUpdatedAt')],
    );
  }

  /** Only the source timestamp moves (same content, newer updatedAt): nothing a user can see changes. */
  async touchSourceUpdatedAt(em: EntityManager, table: 'courses' | 'learners' | 'enrollments', rows: Array<{ id: string; at: Date }>): Promise<void> {
    if (!rows.length) return;
    await em.query(`update ${table} t set source_updated_at = x.at from unnest($1::uuid[], $2::timestamptz[]) as x(id, at) where t.id = x.id`, [
      rows.map((r) => r.id),
      rows.map((r) => r.at),
    ]);
  }

  // ---- enrolments ---------------------------------------------------------------------------
  async learnerIdsByExternalId(em: EntityManager, externalIds: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; external_id: string }> = await em.query(`select id, external_id from learners where external_id = any($1::text[])`, [
      externalIds,
    ]);
    return new Map(rows.map((r) => [r.external_id, r.id]));
  }

  async courseIdsByExternalId(em: EntityManager, externalIds: string[]): Promise<Map<string, string>> {
    const rows: Array<{ id: string; external_id: string }> = await em.query(`select id, external_id from courses where external_id = any($1::text[])`, [
      externalIds,
    ]);
    return new Map(rows.map((r) => [r.external_id, r.id]));
  }

  lockEnrollments(em: EntityManager, externalIds: string[]): Promise<StoredEnrollment[]> {
    return em.query(
      `select id, external_id, learner_id, course_id, enrolled_at, expires_at, status, source_updated_at
       from enrollments where external_id = any($1::text[]) order by external_id for update`,
      [externalIds],
    );
  }

  async insertEnrollments(
    em: EntityManager,
    items: Array<EnrollmentItem & { learnerId: string; courseId: string; holdout: boolean }>,
  ): Promise<Map<string, string>> {
    if (!items.length) return new Map();
    const rows: Array<{ id: string; external_id: string }> = await em.query(
      // The status took effect at enrolment for an active enrolment, else (e.g. an import of one already
      // cancelled) at the source's updatedAt when given: analytics dates churn from it, not from the sync time.
      `insert into enrollments (external_id, learner_id, course_id, enrolled_at, expires_at, status, holdout, source_updated_at, status_changed_at)
       select x.*, case when x.status = 'active' then x.enrolled_at else coalesce(x.source_updated_at, now()) end
       from unnest($1::text[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::bool[], $8::timestamptz[])
         as x(external_id, learner_id, course_id, enrolled_at, expires_at, status, holdout, source_updated_at)
       on conflict (external_id) do nothing
       returning id, external_id`,
      [
        col(items, 'externalId'),
        col(items, 'learnerId'),
        col(items, 'courseId'),
        col(items, 'enrolledAt'),
        col(items, 'expiresAt'),
        col(items, 'status'),
        col(items, 'holdout'),
        col(items, 'updatedAt'),
      ],
    );
    if (rows.length !== items.length) throw new ConcurrentInsertError();
    return new Map(rows.map((r) => [r.external_id, r.id]));
  }

  async updateEnrollments(
    em: EntityManager,
    rows: Array<EnrollmentItem & { id: string; sourceUpdatedAt: Date | null; statusChanged: boolean }>,
  ): Promise<void> {
    if (!rows.length) return;
    await em.query(
      `update enrollments e set enrolled_at = x.enrolled_at, expires_at = x.expires_at, status = x.status,
         status_changed_at = case when x.status_changed then least(coalesce(x.source_updated_at, now()), now()) else e.status_changed_at end,
         source_updated_at = x.source_updated_at, updated_at = now()
       from unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::text[], $5::bool[], $6::timestamptz[])
         as x(id, enrolled_at, expires_at, status, status_changed, source_updated_at)
       where e.id = x.id`,
      [col(rows, 'id'), col(rows, 'enrolledAt'), col(rows, 'expiresAt'), col(rows, 'status'), col(rows, 'statusChanged'), col(rows, 'sourceUpdatedAt')],
    );
  }

  // ---- events -------------------------------------------------------------------------------
  /**
   * The whole batch in one statement (see ingest.sql.ts); autocommit makes it its own transaction. A named
   * (prepared) statement on the driver's pool: the big CTE is planned once per connection, not per batch.
   */
  async ingestEvents(c: IngestColumns, timezone: string): Promise<IngestOutcome[]> {
    return preparedQuery<IngestOutcome>(this.dataSource, 'careloop_ingest_events_v3', INGEST_EVENTS_SQL, [
      c.i,
      c.eventId,
      c.learner,
      c.course,
      c.type,
      c.occurredAt,
      c.data,
      timezone,
    ]);
  }

  /** The month's activity_events partition, created when missing (the migration's function); true when created. */
  async ensureEventPartition(month: string): Promise<boolean> {
    const [row] = await this.dataSource.query(`select careloop_ensure_event_partition($1::date) as created`, [month]);
    return !!row.created;
  }
}

function col<T, K extends keyof T>(rows: T[], key: K): Array<T[K] | null> {
  return rows.map((r) => (r[key] === undefined ? null : r[key]));
}
