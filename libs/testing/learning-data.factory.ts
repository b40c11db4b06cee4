import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DataSource } from 'typeorm';

export type EnrollmentStatus = 'active' | 'paused' | 'completed' | 'cancelled' | 'expired';

export interface DailyRow {
  /** School-time-zone day, YYYY-MM-DD. */
  day: string;
  logins?: number;
  studyMinutes?: number;
  lessonsCompleted?: number;
  assignmentsSubmitted?: number;
  assignmentsLate?: number;
  complaints?: number;
}

export interface SeededEnrollment {
  id: string;
  externalId: string;
  learnerId: string;
  learnerExternalId: string;
  courseId: string;
}

/**
 * Seeds learner data straight into the core tables (courses, learners, enrolments, enrollment_daily
 * rollups, enrollment_assignments), bypassing sync, for tests of anything that reads them. External ids
 * are random, so tests sharing a database never collide. Days are school-time-zone dates.
 */
export class LearningDataFactory {
  constructor(
    private readonly db: DataSource,
    readonly timezone = 'Asia/Shanghai',
  ) {}

  async course(
    opts: { totalLessons?: number; durationDays?: number; teamId?: string | null; category?: string | null; title?: string } = {},
  ): Promise<{ id: string; externalId: string }> {
    const externalId = `course-${randomUUID().slice(0, 12)}`;
    const [row] = await this.db.query(
      `insert into courses (external_id, title, total_lessons, duration_days, category, team_id) values ($1, $2, $3, $4, $5, $6) returning id`,
      [
        externalId,
        opts.title ?? `Course ${externalId.slice(7)}`,
        opts.totalLessons ?? 100,
        opts.durationDays ?? 100,
        opts.category ?? null,
        opts.teamId ?? null,
      ],
    );
    return { id: row.id, externalId };
  }

  async learner(
    opts: { name?: string; ownerAdvisorId?: string | null; holdout?: boolean; lastLoginAt?: Date | string | null; timezone?: string | null } = {},
  ): Promise<{ id: string; externalId: string }> {
    const externalId = `learner-${randomUUID().slice(0, 12)}`;
    const [row] = await this.db.query(
      `insert into learners (external_id, name, owner_advisor_id, holdout, last_login_at, timezone) values ($1, $2, $3, $4, $5, $6) returning id`,
      [
        externalId,
        opts.name ?? `Learner ${externalId.slice(8, 14)}`,
        opts.ownerAdvisorId ?? null,
        opts.holdout ?? false,
        opts.lastLoginAt ?? null,
        opts.timezone ?? null,
      ],
    );
    return { id: row.id, externalId };
  }

  /** An enrolment; creates its learner and course unless given. */
  async enrollment(opts: {
    learnerId?: string;
    courseId?: string;
    course?: Parameters<LearningDataFactory['course']>[0];
    learner?: Parameters<LearningDataFactory['learner']>[0];
    enrolledAt: Date | string;
    status?: EnrollmentStatus;
    statusChangedAt?: Date | string;
    expiresAt?: Date | string | null;
    completedLessons?: number;
    lastLoginAt?: Date | string | null;
  }): Promise<SeededEnrollment> {
    const learner = opts.learnerId
      ? { id: opts.learnerId, externalId: (await this.db.query(`select external_id from learners where id = $1`, [opts.learnerId]))[0].external_id as string }
      : await this.learner(opts.learner);
    const courseId = opts.courseId ?? (await this.course(opts.course)).id;
    const externalId = `enr-${randomUUID().slice(0, 12)}`;
    const [row] = await this.db.query(
      `insert into enrollments (external_id, learner_id, course_id, enrolled_at, expires_at, status, status_changed_at, completed_lessons, last_login_at)
       values ($1, $2, $3, $4, $5, $6, coalesce($7::timestamptz, now()), $8, $9) returning id`,
      [
        externalId,
        learner.id,
        courseId,
        opts.enrolledAt,
        opts.expiresAt ?? null,
        opts.status ?? 'active',
        opts.statusChangedAt ?? null,
        opts.completedLessons ?? 0,
        opts.lastLoginAt ?? null,
      ],
    );
    return { id: row.id, externalId, learnerId: learner.id, learnerExternalId: learner.externalId, courseId };
  }

  /** Upserts rollup rows (a given day's counters are replaced, like a re-aggregation would). */
  async daily(enrollmentId: string, rows: DailyRow[]): Promise<void> {
    if (!rows.length) return;
    await this.db.query(
      `insert into enrollment_daily (enrollment_id, day, logins, study_minutes, lessons_completed, assignments_submitted, assignments_late, complaints)
       select $1, * from unnest($2::date[], $3::int[], $4::int[], $5::int[], $6::int[], $7::int[], $8::int[])
       on conflict (enrollment_id, day) do update set logins = excluded.logins, study_minutes = excluded.study_minutes,
         lessons_completed = excluded.lessons_completed, assignments_submitted = excluded.assignments_submitted,
         assignments_late = excluded.assignments_late, complaints = excluded.complaints`,
      [
        enrollmentId,
        rows.map((r) => r.day),
        rows.map((r) => r.logins ?? 0),
        rows.map((r) => r.studyMinutes ?? 0),
        rows.map((r) => r.lessonsCompleted ?? 0),
        rows.map((r) => r.assignmentsSubmitted ?? 0),
        rows.map((r) => r.assignmentsLate ?? 0),
        rows.map((r) => r.complaints ?? 0),
      ],
    );
  }

  /** A login at `at`, as sync records it: last login times move forward and the day's rollup counts it. */
  async login(enrollmentId: string, at: Date | string): Promise<void> {
    const when = new Date(at);
    const day = DateTime.fromJSDate(when, { zone: this.timezone }).toISODate();
    await this.db.query(`update enrollments set last_login_at = greatest(last_login_at, $2) where id = $1`, [enrollmentId, when]);
    await this.db.query(`update learners set last_login_at = greatest(last_login_at, $2) where id = (select learner_id from enrollments where id = $1)`, [
      enrollmentId,
      when,
    ]);
    await this.db.query(
      `insert into enrollment_daily (enrollment_id, day, logins) values ($1, $2, 1)
       on conflict (enrollment_id, day) do update set logins = enrollment_daily.logins + 1`,
      [enrollmentId, day],
    );
  }

  /** Weekly study minutes, spread on the Monday of each week (weekStart: a Monday, YYYY-MM-DD). */
  async studyWeeks(enrollmentId: string, weeks: Array<{ weekStart: string; minutes: number }>): Promise<void> {
    await this.daily(
      enrollmentId,
      weeks.map((w) => ({ day: w.weekStart, studyMinutes: w.minutes, logins: 1 })),
    );
  }

  /** A complaint on `day` (adds to the day's count). */
  async complaint(enrollmentId: string, day: string, count = 1): Promise<void> {
    await this.db.query(
      `insert into enrollment_daily (enrollment_id, day, complaints) values ($1, $2, $3)
       on conflict (enrollment_id, day) do update set complaints = enrollment_daily.complaints + excluded.complaints`,
      [enrollmentId, day, count],
    );
  }

  /**
   * An assignment keyed by assignment id, as sync stores it: submitted, or (without `submittedAt`) set and still
   * missing. Replaying the same submission changes nothing; a submission fills in a missing one.
   */
  async assignment(enrollmentId: string, a: { assignmentId?: string; dueAt: Date | string; submittedAt?: Date | string | null }): Promise<string> {
    const id = a.assignmentId ?? `asg-${randomUUID().slice(0, 8)}`;
    const due = new Date(a.dueAt);
    const sub = a.submittedAt == null ? null : new Date(a.submittedAt);
    await this.db.query(
      `insert into enrollment_assignments as ea (enrollment_id, assignment_id, due_at, submitted_at, late_hours)
       values ($1, $2, $3, $4, $5)
       on conflict (enrollment_id, assignment_id) do update set submitted_at = excluded.submitted_at, late_hours = excluded.late_hours
         where ea.submitted_at is null and excluded.submitted_at is not null`,
      [enrollmentId, id, due, sub, sub && Math.max(0, (sub.getTime() - due.getTime()) / 3_600_000)],
    );
    return id;
  }

  async setStatus(enrollmentId: string, status: EnrollmentStatus, at: Date | string = new Date()): Promise<void> {
    await this.db.query(`update enrollments set status = $2, status_changed_at = $3 where id = $1`, [enrollmentId, status, at]);
  }

  /** An unresolved case on a learner held by an advisor (for visibility tests of other contexts). */
  async openCase(learnerId: string, advisorId: string | null, teamId: string | null = null): Promise<string> {
    const [row] = await this.db.query(
      `insert into cases (learner_id, team_id, advisor_id, status, priority) values ($1, $2, $3, 'open', 'medium') returning id`,
      [learnerId, teamId, advisorId],
    );
    return row.id;
  }
}
