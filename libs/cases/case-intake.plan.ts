import { randomUUID } from 'node:crypto';
import { addWorkingHours } from '../common/working-time.js';
import { SYSTEM } from '../access/actor.js';
import type { AuditRecord } from '../audit/audit.service.js';
import type { WeeklyHours } from '../common/working-hours.js';
import type { DomainEvent } from '../outbox/outbox.service.js';
import { NO_SUPERVISOR_REASON } from '../staff/escalation-target.js';
import { casePriority, lifecycleStage, PRIORITY_RANK, priorityOf, type Severity } from './case-priority.js';
import { caseTaskKey, caseTaskKind } from './case-tasks.js';

/**
 * What case intake decides, as pure functions over what it read (libs/cases/case-intake.service.ts reads, locks
 * and writes): which alerts open a case and which join the learner's open one, each case's priority, team,
 * queue (complaints to the supervisor's escalation queue), first-contact due time, its tasks (one per case and
 * rule), and the audit entries and domain events it leaves. Unit tests: case-intake.plan.spec.ts.
 */

export interface AlertRow {
  id: string;
  learner_id: string;
  enrollment_id: string;
  rule_key: string;
  severity: Severity;
  rule_kind: string;
  action: { taskKind?: string; dueWithinHours?: number } | null;
}

export interface EnrollmentCtx {
  id: string;
  learner_id: string;
  status: string;
  enrolled_at: Date;
  expires_at: Date | null;
  e_holdout: boolean;
  l_holdout: boolean;
  course_id: string;
  course_team_id: string | null;
  category: string | null;
  owner_advisor_id: string | null;
  owner_team_id: string | null;
}

export interface OpenCaseRow {
  id: string;
  learner_id: string;
  advisor_id: string | null;
  team_id: string | null;
  queue: 'advisor' | 'escalation';
  priority: string;
  priority_score: number;
  due_at: Date | null;
  escalated_at: Date | null;
  escalated_to: string | null;
}

/** A case this batch creates or changes, before it is written. */
export interface CaseDraft {
  id: string;
  isNew: boolean;
  learnerId: string;
  teamId: string | null;
  courseId: string | null;
  advisorId: string | null;
  queue: 'advisor' | 'escalation';
  priority: string;
  score: number;
  previousPriority?: string;
  dueAt: Date;
  previousDueAt?: Date | null;
  escalatedAt: Date | null;
  escalatedTo: string | null;
  newlyEscalated: boolean;
  /** The team had no supervisor: the escalation went to the admins. */
  escalatedToAdmins?: boolean;
  reason: string;
  alerts: AlertRow[];
}

/** Where a complaint escalates: the team's supervisor, or the admins when the team has none. */
export type EscalationTargetOf = (teamId: string | null) => { staffId: string | null; toAdmins: boolean };

/** An assignment request for a new case that is not a complaint (decided by the assignment policy). */
export interface CaseAssignmentRequest {
  teamId: string | null;
  preferredAdvisorId: string | null;
  skill: string | null;
}

const DEFAULT_DUE_HOURS = 24;

/** Holdout learners get alerts but no intervention: only the other alerts go on to cases. */
export function withoutHoldout(alerts: AlertRow[], ctx: Map<string, EnrollmentCtx>): AlertRow[] {
  return alerts.filter((a) => {
    const c = ctx.get(a.enrollment_id);
    return c && !c.e_holdout && !c.l_holdout;
  });
}

/** The alerts of each learner, learners in id order (the order their rows are locked in). */
export function groupByLearner(alerts: AlertRow[]): Map<string, AlertRow[]> {
  const out = new Map<string, AlertRow[]>();
  for (const id of [...new Set(alerts.map((a) => a.learner_id))].sort()) out.set(id, []);
  for (const a of alerts) out.get(a.learner_id)!.push(a);
  return out;
}

/** The teams whose escalation targets the plan may need: the alerts' course and owner teams, the open cases' teams. */
export function teamsInvolved(alerts: AlertRow[], ctx: Map<string, EnrollmentCtx>, openCases: OpenCaseRow[]): string[] {
  const teamIds = new Set<string>();
  for (const a of alerts) {
    const c = ctx.get(a.enrollment_id)!;
    if (c.course_team_id) teamIds.add(c.course_team_id);
    if (c.owner_team_id) teamIds.add(c.owner_team_id);
  }
  for (const c of openCases) if (c.team_id) teamIds.add(c.team_id);
  return [...teamIds];
}

/**
 * One draft per learner: a learner with an open case gets the alerts attached to it (the priority can only rise;
 * a complaint moves it to the escalation queue once); otherwise a new case about the most severe alert's course,
 * its team responsible (else the owner's), escalated at once for a complaint, else to be assigned by the policy
 * (`toAssign` and `requests` line up).
 */
export function planCaseDrafts(input: {
  byLearner: Map<string, AlertRow[]>;
  ctx: Map<string, EnrollmentCtx>;
  openByLearner: Map<string, OpenCaseRow>;
  existingAlerts: Array<{ case_id: string; severity: Severity; kind: string }>;
  escalationTargetOf: EscalationTargetOf;
  now: Date;
}): { drafts: CaseDraft[]; toAssign: CaseDraft[]; requests: CaseAssignmentRequest[] } {
  const { byLearner, ctx, openByLearner, existingAlerts, escalationTargetOf, now } = input;
  const learnerIds = [...byLearner.keys()];
  const drafts: CaseDraft[] = [];
  const toAssign: CaseDraft[] = [];
  const requests: Array<{ teamId: string | null; preferredAdvisorId: string | null; skill: string | null }> = [];
  for (const learnerId of learnerIds) {
    const group = byLearner.get(learnerId)!;
    const ctxs = group.map((a) => ctx.get(a.enrollment_id)!);
    const stages = ctxs.map((c) =>
      lifecycleStage({ status: c.status, enrolledAt: new Date(c.enrolled_at), expiresAt: c.expires_at ? new Date(c.expires_at) : null }, now),
    );
    const complaint = group.some((a) => a.rule_kind === 'complaints');
    const existing = openByLearner.get(learnerId);
    if (existing) {
      const open = existingAlerts.filter((e) => e.case_id === existing.id);
      const p = casePriority({
        severities: [...open.map((o) => o.severity), ...group.map((a) => a.severity)],
        stages,
        complaint: complaint || open.some((o) => o.kind === 'complaints'),
      });
      const score = Math.max(p.score, existing.priority_score);
      const escalateNow = complaint && existing.queue !== 'escalation';
      const target = escalationTargetOf(existing.team_id);
      drafts.push({
        id: existing.id,
        isNew: false,
        learnerId,
        teamId: existing.team_id,
        courseId: null,
        advisorId: existing.advisor_id,
        queue: complaint ? 'escalation' : existing.queue,
        priority: PRIORITY_RANK[priorityOf(score)] >= PRIORITY_RANK[existing.priority as keyof typeof PRIORITY_RANK] ? priorityOf(score) : existing.priority,
        score,
        previousPriority: existing.priority,
        dueAt: existing.due_at ? new Date(existing.due_at) : now,
        previousDueAt: existing.due_at ? new Date(existing.due_at) : null,
        escalatedAt: existing.escalated_at ?? (escalateNow ? now : null),
        escalatedTo: existing.escalated_to ?? (escalateNow ? target.staffId : null),
        newlyEscalated: escalateNow && !existing.escalated_at,
        escalatedToAdmins: escalateNow && !existing.escalated_to && target.toAdmins,
        reason: !escalateNow
          ? 'alert attached to the open case'
          : existing.escalated_to
            ? 'complaints rule: into the escalation queue (already escalated)'
            : target.toAdmins
              ? `complaints rule: ${NO_SUPERVISOR_REASON}`
              : 'complaints rule: escalated to the team supervisor',
        alerts: group,
      });
      continue;
    }
    // The case is about the most severe alert's course: its team is responsible, else the owner's team.
    const lead = [...group].sort((a, b) => sevRank(b.severity) - sevRank(a.severity))[0];
    const leadCtx = ctx.get(lead.enrollment_id)!;
    const teamId = leadCtx.course_team_id ?? leadCtx.owner_team_id;
    const p = casePriority({ severities: group.map((a) => a.severity), stages, complaint });
    const draft: CaseDraft = {
      id: randomUUID(),
      isNew: true,
      learnerId,
      teamId,
      courseId: leadCtx.course_id,
      advisorId: null,
      queue: 'advisor',
      priority: p.priority,
      score: p.score,
      dueAt: now,
      escalatedAt: null,
      escalatedTo: null,
      newlyEscalated: false,
      reason: '',
      alerts: group,
    };
    if (complaint) {
      const target = escalationTargetOf(teamId);
      Object.assign(draft, {
        queue: 'escalation',
        advisorId: target.staffId,
        escalatedAt: now,
        escalatedTo: target.staffId,
        newlyEscalated: true,
        escalatedToAdmins: target.toAdmins,
        reason: target.toAdmins ? `complaints rule: ${NO_SUPERVISOR_REASON}` : "complaints rule: escalated to the team supervisor's queue",
      });
    } else {
      toAssign.push(draft);
      requests.push({ teamId, preferredAdvisorId: leadCtx.owner_advisor_id, skill: leadCtx.category });
    }
    drafts.push(draft);
  }
  return { drafts, toAssign, requests };
}

/** A calendar first-contact due times are counted in: a time zone and a working week (`key` tells equal ones apart). */
export interface DueCalendar {
  zone: string;
  week: WeeklyHours;
  key: string;
}

/**
 * Due time for first contact, counted in the assignee's working hours (`school` when pooled or unknown): the
 * shortest `dueWithinHours` of the case's alerts from now; an attached alert can bring the due time forward, never
 * push it back. Returns the cases whose escalation deadline must be (re)scheduled. One calendar walk per distinct
 * (calendar, hours): everyone in a batch starts from the same now.
 */
export function applyDueTimes(
  drafts: CaseDraft[],
  now: Date,
  calendarOf: Map<string, DueCalendar>,
  school: DueCalendar,
): Array<{ caseId: string; dueAt: Date }> {
  const toSchedule: Array<{ caseId: string; dueAt: Date }> = [];
  const dueMemo = new Map<string, Date>();
  for (const d of drafts) {
    const dueHours = Math.min(...d.alerts.map((a) => dueWithin(a.action)));
    const cal = (d.advisorId ? calendarOf.get(d.advisorId) : undefined) ?? school;
    const memoKey = `${cal.key}|${dueHours}`;
    let due = dueMemo.get(memoKey);
    if (!due) {
      due = addWorkingHours(now, dueHours, cal.week, cal.zone);
      dueMemo.set(memoKey, due);
    }
    d.dueAt = d.isNew || !d.previousDueAt || due < d.previousDueAt ? due : d.previousDueAt;
    if (!d.escalatedAt && (d.isNew || d.dueAt.getTime() !== d.previousDueAt?.getTime())) toSchedule.push({ caseId: d.id, dueAt: d.dueAt });
  }
  return toSchedule;
}

/** A task intake creates: one per (case, rule), keyed so a repeat inserts nothing. */
export interface CaseTaskDraft {
  key: string;
  kind: string;
  assignee: string | null;
  learner: string;
  enrollment: string;
  caseId: string;
  due: Date;
}

/** One task per (case, rule), due with the case; a complaint's escalation task goes to the supervisor. */
export function caseTaskDrafts(drafts: CaseDraft[]): CaseTaskDraft[] {
  const tasks = new Map<string, { kind: string; assignee: string | null; learner: string; enrollment: string; caseId: string; due: Date }>();
  for (const d of drafts) {
    for (const a of d.alerts) {
      const key = caseTaskKey(d.id, a.rule_key);
      if (tasks.has(key)) continue;
      const assignee = a.rule_kind === 'complaints' ? (d.escalatedTo ?? d.advisorId) : d.advisorId;
      tasks.set(key, { kind: caseTaskKind(a.action?.taskKind), assignee, learner: d.learnerId, enrollment: a.enrollment_id, caseId: d.id, due: d.dueAt });
    }
  }
  return [...tasks].map(([key, v]) => ({ key, ...v }));
}

/** The audit entries and domain events of a batch: opened, assigned or pooled, attached, escalated. */
export function caseIntakeRecords(drafts: CaseDraft[], now: Date): { audit: AuditRecord[]; events: DomainEvent[] } {
  const audit: AuditRecord[] = [];
  const events: DomainEvent[] = [];
  for (const d of drafts) {
    const alertIds = d.alerts.map((a) => a.id);
    const ruleKeys = [...new Set(d.alerts.map((a) => a.rule_key))];
    const view = {
      learnerId: d.learnerId,
      teamId: d.teamId,
      advisorId: d.advisorId,
      priority: d.priority,
      queue: d.queue,
      dueAt: d.dueAt.toISOString(),
      alertIds,
      ruleKeys,
    };
    if (d.isNew) {
      audit.push({ actor: SYSTEM, action: 'case.opened', entity: 'case', entityId: d.id, after: view, reason: `alert(s) ${ruleKeys.join(', ')}` });
      audit.push({
        actor: SYSTEM,
        action: d.queue === 'escalation' ? 'case.escalated' : d.advisorId ? 'case.assigned' : 'case.pooled',
        entity: 'case',
        entityId: d.id,
        after: { advisorId: d.advisorId, teamId: d.teamId, queue: d.queue },
        reason: d.reason,
      });
      events.push({ aggregateType: 'case', aggregateId: d.id, eventType: 'case.opened', payload: { caseId: d.id, ...view } });
      if (d.advisorId && d.queue === 'advisor') {
        events.push({
          aggregateType: 'case',
          aggregateId: d.id,
          eventType: 'case.assigned',
          payload: { caseId: d.id, learnerId: d.learnerId, advisorId: d.advisorId, teamId: d.teamId, reason: d.reason },
        });
      }
    } else {
      audit.push({
        actor: SYSTEM,
        action: 'case.alert_attached',
        entity: 'case',
        entityId: d.id,
        before: { priority: d.previousPriority, dueAt: d.previousDueAt?.toISOString() ?? null },
        after: view,
        reason: `alert(s) ${ruleKeys.join(', ')}`,
      });
      if (d.newlyEscalated) {
        audit.push({
          actor: SYSTEM,
          action: 'case.escalated',
          entity: 'case',
          entityId: d.id,
          after: { escalatedTo: d.escalatedTo, advisorId: d.advisorId, teamId: d.teamId, queue: d.queue },
          reason: d.reason,
        });
      }
    }
    if (d.newlyEscalated) {
      events.push({
        aggregateType: 'case',
        aggregateId: d.id,
        eventType: 'case.escalated',
        payload: {
          caseId: d.id,
          learnerId: d.learnerId,
          advisorId: d.advisorId,
          teamId: d.teamId,
          supervisorId: d.escalatedTo,
          escalatedToAdmins: d.escalatedToAdmins ?? false,
          escalatedAt: now.toISOString(),
          reason: d.reason,
        },
      });
    }
  }
  return { audit, events };
}

function sevRank(s: Severity): number {
  return s === 'high' ? 3 : s === 'medium' ? 2 : 1;
}

function dueWithin(action: AlertRow['action']): number {
  const h = Number(action?.dueWithinHours);
  return Number.isFinite(h) && h >= 0 ? h : DEFAULT_DUE_HOURS;
}
