import { ENROLLMENT_STATUSES, type EnrollmentStatus } from './lifecycle.js';

/**
 * The sync contract: the items a school's platform sends to `PUT /sync/courses|learners|enrollments` and
 * `POST /sync/events`, as JSON (times as ISO-8601 strings). The one source of the item shapes: the API's OpenAPI
 * classes implement these (apps/api/src/sync/sync.dto.ts), the validator parses them (sync-items.ts), and the
 * benchmark generator and the demo school build them (bench/lib/generator.ts, scripts/demo/school.ts).
 */

export const EVENT_TYPES = ['login', 'lesson_completed', 'study_session', 'assignment_assigned', 'assignment_submitted', 'complaint', 'renewal'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export { ENROLLMENT_STATUSES, type EnrollmentStatus };

export interface SyncCourse {
  externalId: string;
  title: string;
  totalLessons: number;
  durationDays: number;
  category?: string | null;
  /** The team responsible for the course's learners. */
  teamId?: string | null;
  /** When the platform last changed it: an older update than the stored one is answered `stale`. */
  updatedAt?: string | null;
}

export interface SyncLearner {
  externalId: string;
  name: string;
  phone?: string | null;
  email?: string | null;
  /** IANA time zone; the school's when absent. */
  timezone?: string | null;
  updatedAt?: string | null;
}

export interface SyncEnrollment {
  externalId: string;
  learnerExternalId: string;
  courseExternalId: string;
  enrolledAt: string;
  expiresAt?: string | null;
  status: EnrollmentStatus;
  updatedAt?: string | null;
}

export interface SyncEvent {
  /** Unique per event: a replay with the same id changes nothing. */
  eventId: string;
  learnerExternalId: string;
  /** Required except for learner-level events (login, complaint). */
  courseExternalId?: string | null;
  type: EventType;
  occurredAt: string;
  /** study_session {minutes}; lesson_completed {lessonId}; assignment_assigned {assignmentId, dueAt}; assignment_submitted {assignmentId, dueAt, submittedAt} */
  data?: Record<string, unknown> | null;
}
