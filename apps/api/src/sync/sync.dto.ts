import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ENROLLMENT_STATUSES,
  EVENT_TYPES,
  type EnrollmentStatus,
  type EventType,
  type SyncCourse,
  type SyncEnrollment,
  type SyncEvent,
  type SyncLearner,
} from '../../../../libs/learners/sync-contract.js';

/**
 * OpenAPI descriptions only: sync bodies are validated per item by the service (one bad item must not sink
 * the batch), not by the global pipe. Each class implements the sync contract (libs/learners/sync-contract.ts), so the
 * document cannot drift from the shapes the validator parses.
 */
export class CourseSyncItemDto implements SyncCourse {
  @ApiProperty({ example: 'course-101' }) externalId: string;
  @ApiProperty({ example: 'Python from zero' }) title: string;
  @ApiProperty({ example: 48 }) totalLessons: number;
  @ApiProperty({ example: 180 }) durationDays: number;
  @ApiPropertyOptional({ example: 'programming' }) category?: string;
  @ApiPropertyOptional({ format: 'uuid' }) teamId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) updatedAt?: string;
}
export class LearnerSyncItemDto implements SyncLearner {
  @ApiProperty({ example: 'stu-000123' }) externalId: string;
  @ApiProperty({ example: 'Wang Fang' }) name: string;
  @ApiPropertyOptional({ example: '+86 138 0000 0000' }) phone?: string;
  @ApiPropertyOptional({ example: 'wang.fang@example.com' }) email?: string;
  @ApiPropertyOptional({ example: 'Asia/Shanghai' }) timezone?: string;
  @ApiPropertyOptional({ format: 'date-time' }) updatedAt?: string;
}
export class EnrollmentSyncItemDto implements SyncEnrollment {
  @ApiProperty({ example: 'enr-555' }) externalId: string;
  @ApiProperty({ example: 'stu-000123' }) learnerExternalId: string;
  @ApiProperty({ example: 'course-101' }) courseExternalId: string;
  @ApiProperty({ format: 'date-time' }) enrolledAt: string;
  @ApiPropertyOptional({ format: 'date-time' }) expiresAt?: string;
  @ApiProperty({ enum: ENROLLMENT_STATUSES }) status: EnrollmentStatus;
  @ApiPropertyOptional({ format: 'date-time' }) updatedAt?: string;
}
export class EventSyncItemDto implements SyncEvent {
  @ApiProperty({ example: 'evt-9f2c' }) eventId: string;
  @ApiProperty({ example: 'stu-000123' }) learnerExternalId: string;
  @ApiPropertyOptional({ example: 'course-101', description: 'required except for login and complaint (learner-level events)' }) courseExternalId?: string;
  @ApiProperty({ enum: EVENT_TYPES }) type: EventType;
  @ApiProperty({ format: 'date-time' }) occurredAt: string;
  @ApiPropertyOptional({
    example: { minutes: 35 },
    description:
      'study_session {minutes}; lesson_completed {lessonId}; assignment_assigned {assignmentId, dueAt}; assignment_submitted {assignmentId, dueAt, submittedAt}',
  })
  data?: Record<string, unknown>;
}
export class CourseSyncBodyDto {
  @ApiProperty({ type: [CourseSyncItemDto], maxItems: 5000 }) items: CourseSyncItemDto[];
}
export class LearnerSyncBodyDto {
  @ApiProperty({ type: [LearnerSyncItemDto], maxItems: 5000 }) items: LearnerSyncItemDto[];
}
export class EnrollmentSyncBodyDto {
  @ApiProperty({ type: [EnrollmentSyncItemDto], maxItems: 5000 }) items: EnrollmentSyncItemDto[];
}
export class EventSyncBodyDto {
  @ApiProperty({ type: [EventSyncItemDto], maxItems: 5000 }) items: EventSyncItemDto[];
}
