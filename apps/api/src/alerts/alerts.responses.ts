import { ApiProperty } from '@nestjs/swagger';
import { FEEDBACK_VERDICTS } from '../../../../libs/rules/alerts.service.js';
import { pageOf } from '../openapi.js';

export class FeedbackCountsDto {
  @ApiProperty({ example: 3 }) useful: number;
  @ApiProperty({ example: 1 }) not_useful: number;
  @ApiProperty({ example: 0 }) incorrect: number;
}

export class AlertViewDto {
  @ApiProperty({ format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }) id: string;
  @ApiProperty({ example: 'inactive_7d' }) ruleKey: string;
  @ApiProperty({ example: 'No login for 7 days' }) ruleName: string;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) severity: string;
  @ApiProperty({ format: 'uuid' }) learnerId: string;
  @ApiProperty({ example: 'stu-000123' }) learnerExternalId: string;
  @ApiProperty({ example: 'Wang Fang' }) learnerName: string;
  @ApiProperty({ format: 'uuid' }) enrollmentId: string;
  @ApiProperty({ example: 'enr-555' }) enrollmentExternalId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ example: 'Python from zero' }) courseTitle: string;
  @ApiProperty({ enum: ['open', 'cleared'] }) status: string;
  @ApiProperty({ example: 'No login for 9 days (threshold 7); last login 2026-11-16T01:12:00.000Z.', description: 'the evidence in plain words' })
  summary: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: {
      inactiveDays: 9,
      thresholdDays: 7,
      lastLoginAt: '2026-11-16T01:12:00.000Z',
      enrolledAt: '2026-09-01T02:00:00.000Z',
      window: { from: '2026-11-16T01:12:00.000Z', to: '2026-11-25T08:00:00.000Z' },
    },
    description: 'the metric values that fired, refreshed on every evaluation',
  })
  evidence: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ format: 'date-time', description: 'last evaluation that confirmed it' }) refreshedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) clearedAt: string | null;
  @ApiProperty({ type: FeedbackCountsDto }) feedback: FeedbackCountsDto;
}

export class AlertPageDto extends pageOf(AlertViewDto, 'AlertPageBase') {}

export class AlertFeedbackViewDto {
  @ApiProperty({ format: 'uuid' }) alertId: string;
  @ApiProperty({ example: 'inactive_7d' }) ruleKey: string;
  @ApiProperty({ format: 'uuid' }) staffId: string;
  @ApiProperty({ enum: FEEDBACK_VERDICTS }) verdict: string;
  @ApiProperty({ type: String, nullable: true, example: 'learner was on a business trip' }) note: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class CohortAlertViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'inactive_7d' }) ruleKey: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ example: 'Python from zero' }) courseTitle: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ example: '2026-11-25', description: 'school day of the evaluation' }) day: string;
  @ApiProperty({ example: 14, description: 'active enrolments of the course the rule fires for' }) affected: number;
  @ApiProperty({ example: 180, description: 'active enrolments of the course' }) population: number;
  @ApiProperty({ example: 0.078, description: 'affected ÷ population' }) share: number;
  @ApiProperty({ example: 0.05 }) threshold: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CohortAlertPageDto extends pageOf(CohortAlertViewDto, 'CohortAlertPageBase') {}
