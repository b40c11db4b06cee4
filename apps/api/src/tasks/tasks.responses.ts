import { RiskScoreDto } from '../risk/risk.responses.js';
import { ApiProperty } from '@nestjs/swagger';
import { CALL_RESULTS, CHURN_REASONS, RISK_READS, TASK_KINDS, TASK_STATUSES } from '../../../../libs/tasks/task.types.js';
import { pageOf } from '../openapi.js';

export class TaskViewDto {
  @ApiProperty({ format: 'uuid', example: '9b2e4c1a-6d3f-4a8b-b5e7-1c0d2f3a4b5c' }) id: string;
  @ApiProperty({ enum: TASK_KINDS, example: 'first_week_checkin' }) kind: string;
  @ApiProperty({ type: Number, nullable: true, example: 1, description: '1..7 for first-week check-ins' }) dayIndex: number | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId: string | null;
  @ApiProperty({ format: 'uuid' }) learnerId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) enrollmentId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the task whose outcome asked for this follow-up' }) parentTaskId: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-26T02:00:00.000Z' }) dueAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'end of the slot for scheduled calls' }) windowEndAt: string | null;
  @ApiProperty({ example: 15 }) plannedMinutes: number;
  @ApiProperty({ enum: TASK_STATUSES }) status: string;
  @ApiProperty({ example: 0, description: 'call attempts so far' }) attempts: number;
  @ApiProperty({ type: String, enum: CALL_RESULTS, nullable: true }) result: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 12 }) durationMinutes: number | null;
  @ApiProperty({ type: String, nullable: true }) note: string | null;
  @ApiProperty({ type: String, enum: RISK_READS, nullable: true }) riskRead: string | null;
  @ApiProperty({ type: String, enum: CHURN_REASONS, nullable: true }) churnReason: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) completedBy: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'enrolment paused' }) cancelReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class TaskListItemDto extends TaskViewDto {
  @ApiProperty({ example: '王小明' }) learnerName: string;
  @ApiProperty({ example: 'L-10042' }) learnerExternalId: string;
}

export class TaskPageDto extends pageOf(TaskListItemDto, 'TaskPageBase') {}

export class TaskMoveDto {
  @ApiProperty({ format: 'uuid' }) taskId: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) fromAssigneeId: string | null;
  @ApiProperty({ format: 'uuid' }) toAssigneeId: string;
}

export class TaskMoveResultDto {
  @ApiProperty({ example: 3 }) moved: number;
  @ApiProperty({ type: [TaskMoveDto], description: 'the tasks that changed hands (those already with the receiver are not listed)' }) items: TaskMoveDto[];
}

export class OutcomeResultDto extends TaskViewDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the follow_up task created from followUpAt' }) followUpTaskId: string | null;
}

export class ProgressDto {
  @ApiProperty({ example: 12 }) completedLessons: number;
  @ApiProperty({ example: 48 }) totalLessons: number;
  @ApiProperty({ example: 25, description: 'completed share, in percent' }) percent: number;
  @ApiProperty({ example: 40, description: 'share expected by now at the course pace, in percent' }) expectedPercent: number;
}

/** A rule that flags the learner now (the alert itself, with its evidence: the case, or GET /alerts?learnerId=). */
export class QueueAlertDto {
  @ApiProperty({ example: 'inactive_7d' }) ruleKey: string;
  @ApiProperty({ enum: ['low', 'medium', 'high'] }) severity: string;
}

/** The learner as a case row without a call shows them; contact and progress are on the case it opens. */
export class QueueCaseLearnerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Wang Fang' }) name: string;
  @ApiProperty({ type: String, nullable: true, enum: ['new', 'active', 'near_expiry', 'paused', 'completed', 'churned'] }) stage: string | null;
  @ApiProperty({ type: [QueueAlertDto] }) openAlerts: QueueAlertDto[];
  @ApiProperty({ type: RiskScoreDto, nullable: true, description: 'learned churn risk of the enrolment the row is about, with its reasons (null: not scored)' })
  riskScore: RiskScoreDto | null;
}

/** Pace as a call row shows it (the lesson counts: GET /learners/:id). */
export class QueueProgressDto {
  @ApiProperty({ example: 25, description: 'completed share, in percent' }) percent: number;
  @ApiProperty({ example: 40, description: 'share expected by now at the course pace, in percent' }) expectedPercent: number;
}

/** The learner as a call row shows them: also how to reach them and their pace. */
export class QueueLearnerDto extends QueueCaseLearnerDto {
  @ApiProperty({ example: 'stu-000123' }) externalId: string;
  @ApiProperty({ type: String, nullable: true, example: '+86 138 0000 0000' }) phone: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Asia/Shanghai' }) timezone: string | null;
  @ApiProperty({ type: QueueProgressDto, nullable: true, description: 'of the enrolment the call is about' }) progress: QueueProgressDto | null;
}

export class QueueCaseRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['low', 'medium', 'high', 'urgent'] }) priority: string;
  @ApiProperty({ enum: ['open', 'in_progress', 'resolved'] }) status: string;
}

/** The learner's latest logged call as the row words it; its note and reads: GET /tasks/:taskId. */
export class LastOutcomeDto {
  @ApiProperty({ format: 'uuid' }) taskId: string;
  @ApiProperty({ enum: CALL_RESULTS }) result: string;
  @ApiProperty({ format: 'date-time' }) at: string;
}

/**
 * A call on the queue (always still to make: a logged call leaves the queue): the fields the list shows and acts
 * on, the learner as `learner.id`; the full task is GET /tasks/:id.
 */
export class QueueTaskDto {
  @ApiProperty({ format: 'uuid', example: '9b2e4c1a-6d3f-4a8b-b5e7-1c0d2f3a4b5c' }) id: string;
  @ApiProperty({ enum: TASK_KINDS, example: 'first_week_checkin' }) kind: string;
  @ApiProperty({ type: Number, nullable: true, example: 1, description: '1..7 for first-week check-ins' }) dayIndex: number | null;
  @ApiProperty({ format: 'date-time', example: '2026-11-26T02:00:00.000Z' }) dueAt: string;
  @ApiProperty({ example: 0, description: 'call attempts so far' }) attempts: number;
  @ApiProperty({ example: false }) overdue: boolean;
  @ApiProperty({ type: QueueLearnerDto }) learner: QueueLearnerDto;
  @ApiProperty({ type: QueueCaseRefDto, nullable: true }) case: QueueCaseRefDto | null;
  @ApiProperty({ type: LastOutcomeDto, nullable: true, description: "the learner's most recent call outcome" }) lastOutcome: LastOutcomeDto | null;
}

/** An open case of the advisor (the queue's `advisorId`) without a scheduled call; the learner is `learner.id`. */
export class QueueCaseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['low', 'medium', 'high', 'urgent'] }) priority: string;
  @ApiProperty({ enum: ['open', 'in_progress', 'resolved'] }) status: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt: string | null;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
  @ApiProperty({ type: QueueCaseLearnerDto }) learner: QueueCaseLearnerDto;
}

export class QueueCountsDto {
  @ApiProperty({ example: 9 }) tasks: number;
  @ApiProperty({ example: 2 }) overdue: number;
  @ApiProperty({ example: 7 }) dueToday: number;
  @ApiProperty({ example: 4, description: 'open cases without a scheduled task (all of them, not only the listed ones)' }) cases: number;
  @ApiProperty({ example: 3 }) doneToday: number;
}

export class QueueViewDto {
  @ApiProperty({ example: '2026-11-26' }) date: string;
  @ApiProperty({ format: 'uuid' }) advisorId: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timezone: string;
  @ApiProperty({ type: [QueueTaskDto], description: 'overdue first, then by due time, then case priority' }) tasks: QueueTaskDto[];
  @ApiProperty({ type: [QueueCaseDto], description: 'open cases without a scheduled task' }) cases: QueueCaseDto[];
  @ApiProperty({ type: QueueCountsDto }) counts: QueueCountsDto;
}
