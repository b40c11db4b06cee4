import type { CaseRow } from './cases.repository.js';
import type { SqlRow } from '../database/sql-row.js';
import { toRiskScore } from '../risk/risk-features.js';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toCaseView(r: CaseRow) {
  return {
    id: r.id,
    learnerId: r.learner_id,
    learnerExternalId: r.learner_external_id,
    learnerName: r.learner_name,
    advisorId: r.advisor_id,
    teamId: r.team_id,
    courseId: r.course_id,
    priority: r.priority,
    priorityScore: r.priority_score,
    status: r.status,
    queue: r.queue,
    dueAt: iso(r.due_at),
    firstContactAt: iso(r.first_contact_at),
    escalatedAt: iso(r.escalated_at),
    escalatedTo: r.escalated_to,
    allAlertsCleared: r.all_alerts_cleared_at !== null,
    allAlertsClearedAt: iso(r.all_alerts_cleared_at),
    openAlerts: r.open_alerts,
    ruleKeys: r.rule_keys ?? [],
    riskScore: toRiskScore(r.risk_score),
    outcome: r.outcome,
    churnReason: r.churn_reason,
    resolutionNote: r.resolution_note,
    openedAt: iso(r.opened_at),
    assignedAt: iso(r.assigned_at),
    assignmentReason: r.assignment_reason,
    resolvedAt: iso(r.resolved_at),
    resolvedBy: r.resolved_by,
  };
}
export type CaseView = ReturnType<typeof toCaseView>;

export function toCaseAlertView(a: SqlRow) {
  return {
    id: a.id,
    ruleKey: a.rule_key,
    learnerId: a.learner_id,
    learnerExternalId: a.learner_external_id,
    enrollmentId: a.enrollment_id,
    status: a.status,
    severity: a.severity,
    evidence: a.evidence,
    openedAt: iso(a.opened_at),
    clearedAt: iso(a.cleared_at),
    attachedAt: iso(a.attached_at),
  };
}

export function toCaseTaskView(t: SqlRow) {
  return {
    id: t.id,
    kind: t.kind,
    dayIndex: t.day_index,
    assigneeId: t.assignee_id,
    learnerId: t.learner_id,
    caseId: t.case_id,
    dueAt: iso(t.due_at),
    status: t.status,
    result: t.result,
    completedAt: iso(t.completed_at),
  };
}

export function toHistoryView(h: SqlRow) {
  return {
    id: String(h.id),
    at: iso(h.at),
    actorType: h.actor_type,
    actorId: h.actor_id,
    action: h.action,
    before: h.before,
    after: h.after,
    reason: h.reason,
  };
}
