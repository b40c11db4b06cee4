/** Task vocabulary (docs/design.md §5, tasks table). */
export const TASK_KINDS = ['first_week_checkin', 'care_call', 'advisor_contact', 'obstacle_call', 'escalation', 'survey', 'renewal_call', 'follow_up'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TASK_STATUSES = ['scheduled', 'done', 'missed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const CALL_RESULTS = ['reached', 'no_answer', 'voicemail', 'wrong_number', 'callback_requested', 'declined'] as const;
export type CallResult = (typeof CALL_RESULTS)[number];

export const RISK_READS = ['low', 'medium', 'high'] as const;
export type RiskRead = (typeof RISK_READS)[number];

export const CHURN_REASONS = ['expectation_gap', 'lack_of_support', 'content_mismatch', 'slow_service', 'life_circumstances', 'other'] as const;
export type ChurnReason = (typeof CHURN_REASONS)[number];

export interface TaskView {
  id: string;
  kind: TaskKind;
  dayIndex: number | null;
  assigneeId: string | null;
  learnerId: string;
  enrollmentId: string | null;
  caseId: string | null;
  parentTaskId: string | null;
  dueAt: string;
  windowEndAt: string | null;
  plannedMinutes: number;
  status: TaskStatus;
  attempts: number;
  result: CallResult | null;
  durationMinutes: number | null;
  note: string | null;
  riskRead: RiskRead | null;
  churnReason: ChurnReason | null;
  completedAt: string | null;
  completedBy: string | null;
  cancelReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A tasks row as selected with `t.*`. */
export interface TaskRow {
  id: string;
  kind: TaskKind;
  day_index: number | null;
  assignee_id: string | null;
  learner_id: string;
  enrollment_id: string | null;
  case_id: string | null;
  parent_task_id: string | null;
  due_at: Date;
  window_end_at: Date | null;
  planned_minutes: number;
  status: TaskStatus;
  attempts: number;
  result: CallResult | null;
  duration_minutes: number | null;
  note: string | null;
  risk_read: RiskRead | null;
  churn_reason: ChurnReason | null;
  completed_at: Date | null;
  completed_by: string | null;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

/** A task in a list: the task and whom it is about, so a list needs no second read per row. */
export interface TaskListItem extends TaskView {
  learnerName: string;
  learnerExternalId: string;
}

/** What a bulk move did: the tasks that changed hands (tasks already with the receiver are not listed). */
export interface TaskMoveResult {
  moved: number;
  items: Array<{ taskId: string; fromAssigneeId: string | null; toAssigneeId: string }>;
}

export function toTaskView(r: TaskRow): TaskView {
  return {
    id: r.id,
    kind: r.kind,
    dayIndex: r.day_index,
    assigneeId: r.assignee_id,
    learnerId: r.learner_id,
    enrollmentId: r.enrollment_id,
    caseId: r.case_id,
    parentTaskId: r.parent_task_id,
    dueAt: iso(r.due_at)!,
    windowEndAt: iso(r.window_end_at),
    plannedMinutes: r.planned_minutes,
    status: r.status,
    attempts: r.attempts,
    result: r.result,
    durationMinutes: r.duration_minutes,
    note: r.note,
    riskRead: r.risk_read,
    churnReason: r.churn_reason,
    completedAt: iso(r.completed_at),
    completedBy: r.completed_by,
    cancelReason: r.cancel_reason,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** Case priorities, highest first, for queue ordering. */
export const PRIORITY_RANK_SQL = (col: string) => `(case ${col} when 'urgent' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end)`;
