import { RiskScoreDto } from '../risk/risk.responses.js';
import { ApiProperty } from '@nestjs/swagger';
import { ENROLLMENT_STATUSES, LIFECYCLE_STAGES } from '../../../../libs/learners/lifecycle.js';
import { pageOf } from '../openapi.js';
import { ProgressDto } from '../tasks/tasks.responses.js';
import { TicketViewDto } from '../tickets/tickets.responses.js';

const RISKS = ['low', 'medium', 'high'];

export class LearnerOwnerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Li Wei' }) name: string;
}

export class LearnerSummaryDto {
  @ApiProperty({ format: 'uuid', example: '4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d' }) id: string;
  @ApiProperty({ example: 'stu-000123' }) externalId: string;
  @ApiProperty({ example: 'Wang Fang' }) name: string;
  @ApiProperty({ type: String, nullable: true, example: '+86 138 0000 0000' }) phone: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'wang.fang@example.com' }) email: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Asia/Shanghai' }) timezone: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerAdvisorId: string | null;
  @ApiProperty({ type: LearnerOwnerDto, nullable: true }) owner: LearnerOwnerDto | null;
  @ApiProperty({ example: false, description: 'in the holdout group: alerts but no interventions' }) holdout: boolean;
  @ApiProperty({ type: String, enum: LIFECYCLE_STAGES, nullable: true, description: 'stage of the most relevant enrolment' }) stage: string | null;
  @ApiProperty({ enum: RISKS, description: 'highest severity of open alerts (none: low)' }) risk: string;
  @ApiProperty({
    type: RiskScoreDto,
    nullable: true,
    description: 'learned churn risk of the riskiest scored enrolment, with its reasons (null: no active model)',
  })
  riskScore: RiskScoreDto | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class LearnerPageDto extends pageOf(LearnerSummaryDto, 'LearnerPageBase') {}

export class LearnerEnrollmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'enr-555' }) externalId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ example: 'course-101' }) courseExternalId: string;
  @ApiProperty({ example: 'Python from zero' }) courseTitle: string;
  @ApiProperty({ enum: ENROLLMENT_STATUSES }) status: string;
  @ApiProperty({ enum: LIFECYCLE_STAGES }) stage: string;
  @ApiProperty({ format: 'date-time' }) enrolledAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt: string | null;
  @ApiProperty({ example: false }) holdout: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt: string | null;
  @ApiProperty({ type: ProgressDto }) progress: ProgressDto;
}

export class LearnerOpenAlertDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'inactive_7d' }) ruleKey: string;
  @ApiProperty({ format: 'uuid' }) learnerId: string;
  @ApiProperty({ example: 'stu-000123' }) learnerExternalId: string;
  @ApiProperty({ format: 'uuid' }) enrollmentId: string;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) severity: string;
  @ApiProperty({ enum: ['open'] }) status: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { inactiveDays: 9, thresholdDays: 7 } }) evidence: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
}

export class WeeklyMinutesDto {
  @ApiProperty({ example: '2026-11-23', description: 'Monday of the week (school time zone)' }) weekStart: string;
  @ApiProperty({ example: 135 }) minutes: number;
}

export class LearnerDetailDto extends LearnerSummaryDto {
  @ApiProperty({ type: [LearnerEnrollmentDto] }) enrollments: LearnerEnrollmentDto[];
  @ApiProperty({ type: [LearnerOpenAlertDto] }) openAlerts: LearnerOpenAlertDto[];
  @ApiProperty({ type: [WeeklyMinutesDto], description: 'the last 8 weeks, oldest first' }) weeklyStudyMinutes: WeeklyMinutesDto[];
  @ApiProperty({ type: [TicketViewDto] }) openTickets: TicketViewDto[];
}

export class TimelineItemDto {
  @ApiProperty({ enum: ['event', 'alert', 'task', 'ticket'] }) kind: string;
  @ApiProperty({ example: 'evt-9f2c', description: 'event id, or the alert, task or ticket id' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'login', description: 'event type, rule key, task kind or ticket category' }) type: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) enrollmentId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) courseId: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { minutes: 35 },
    description: 'event data, or the alert/task/ticket state',
  })
  detail: Record<string, unknown> | null;
}

export class TimelinePageDto extends pageOf(TimelineItemDto, 'TimelinePageBase') {}
