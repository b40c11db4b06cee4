import { RiskScoreDto } from '../risk/risk.responses.js';
import { ApiProperty } from '@nestjs/swagger';
import { CHURN_REASONS, OUTCOMES } from '../../../../libs/cases/case-tasks.js';
import { pageOf } from '../openapi.js';

const PRIORITIES = ['low', 'medium', 'high', 'urgent'];

export class CaseViewDto {
  @ApiProperty({ format: 'uuid', example: '3f0c2a7e-1d4b-4c8e-9a6f-2b5d7e8f9a01' }) id: string;
  @ApiProperty({ format: 'uuid' }) learnerId: string;
  @ApiProperty({ example: 'stu-000123' }) learnerExternalId: string;
  @ApiProperty({ example: 'Wang Fang' }) learnerName: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null while the case waits in the team pool' }) advisorId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) courseId: string | null;
  @ApiProperty({ enum: PRIORITIES }) priority: string;
  @ApiProperty({ example: 640, description: 'sort key behind priority (higher first)' }) priorityScore: number;
  @ApiProperty({ enum: ['open', 'in_progress', 'resolved'] }) status: string;
  @ApiProperty({ enum: ['advisor', 'escalation'], description: "escalation: in the supervisors' queue" }) queue: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'first contact is due by then' }) dueAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstContactAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) escalatedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the supervisor it escalated to' }) escalatedTo: string | null;
  @ApiProperty({ example: false, description: 'every alert of the case has cleared' }) allAlertsCleared: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) allAlertsClearedAt: string | null;
  @ApiProperty({ example: 2 }) openAlerts: number;
  @ApiProperty({ type: [String], example: ['inactive_7d', 'study_time_drop'] }) ruleKeys: string[];
  @ApiProperty({ type: RiskScoreDto, nullable: true, description: "learned churn risk of the case's enrolment, with its reasons (null: not scored)" })
  riskScore: RiskScoreDto | null;
  @ApiProperty({ type: String, enum: OUTCOMES, nullable: true }) outcome: string | null;
  @ApiProperty({ type: String, enum: CHURN_REASONS, nullable: true }) churnReason: string | null;
  @ApiProperty({ type: String, nullable: true }) resolutionNote: string | null;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) assignedAt: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'continuity: learner owner' }) assignmentReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolvedAt: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'id of who resolved it' }) resolvedBy: string | null;
}

export class CasePageDto extends pageOf(CaseViewDto, 'CasePageBase') {}

export class CaseAlertDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'inactive_7d' }) ruleKey: string;
  @ApiProperty({ format: 'uuid' }) learnerId: string;
  @ApiProperty({ example: 'stu-000123' }) learnerExternalId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) enrollmentId: string | null;
  @ApiProperty({ enum: ['open', 'cleared'] }) status: string;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) severity: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { inactiveDays: 9, thresholdDays: 7, lastLoginAt: '2026-11-16T01:12:00.000Z' } })
  evidence: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) openedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) clearedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the alert joined this case' }) attachedAt: string | null;
}

export class CaseTaskDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'care_call' }) kind: string;
  @ApiProperty({ type: Number, nullable: true, description: '1..7 for first-week check-ins' }) dayIndex: number | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
  @ApiProperty({ format: 'uuid' }) learnerId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
  @ApiProperty({ enum: ['scheduled', 'done', 'missed', 'cancelled'] }) status: string;
  @ApiProperty({ type: String, nullable: true, example: 'reached' }) result: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
}

export class CaseHistoryDto {
  @ApiProperty({ example: '1024' }) id: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) at: string | null;
  @ApiProperty({ enum: ['staff', 'api_client', 'system'] }) actorType: string;
  @ApiProperty({ type: String, nullable: true }) actorId: string | null;
  @ApiProperty({ example: 'case.assigned' }) action: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) before: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) after: unknown;
  @ApiProperty({ type: String, nullable: true }) reason: string | null;
}

export class CaseDetailDto extends CaseViewDto {
  @ApiProperty({ type: [CaseAlertDto], description: 'the alerts of the case with their evidence' }) alerts: CaseAlertDto[];
  @ApiProperty({ type: [CaseTaskDto] }) tasks: CaseTaskDto[];
  @ApiProperty({ type: [CaseHistoryDto], description: 'audit entries of the case, oldest first' }) history: CaseHistoryDto[];
}

export class CaseMoveDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) fromAdvisorId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: went to the team pool' }) toAdvisorId: string | null;
  @ApiProperty({ example: 'advisor on leave' }) reason: string;
}

export class CaseMoveResultDto {
  @ApiProperty({ example: 12 }) moved: number;
  @ApiProperty({ example: 1, description: 'cases nobody could take, left in the team pool' }) pooled: number;
  @ApiProperty({ type: [CaseMoveDto] }) items: CaseMoveDto[];
}
