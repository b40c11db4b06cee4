import {
  applyDueTimes,
  caseIntakeRecords,
  caseTaskDrafts,
  groupByLearner,
  planCaseDrafts,
  teamsInvolved,
  withoutHoldout,
  type AlertRow,
  type EnrollmentCtx,
  type OpenCaseRow,
} from './case-intake.plan.js';

const NOW = new Date('2026-03-02T02:00:00Z'); // Monday 10:00 in Shanghai
const WEEK = { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] } as const;
const SCHOOL = { zone: 'Asia/Shanghai', week: WEEK as never, key: '' };

const ctxOf = (id: string, o: Partial<EnrollmentCtx> = {}): EnrollmentCtx => ({
  id,
  learner_id: `L-${id}`,
  status: 'active',
  enrolled_at: new Date('2026-01-01T00:00:00Z'),
  expires_at: null,
  e_holdout: false,
  l_holdout: false,
  course_id: `C-${id}`,
  course_team_id: 'team-course',
  category: 'python',
  owner_advisor_id: 'owner-1',
  owner_team_id: 'team-owner',
  ...o,
});
const alert = (id: string, enrollment: string, o: Partial<AlertRow> = {}): AlertRow => ({
  id,
  learner_id: `L-${enrollment}`,
  enrollment_id: enrollment,
  rule_key: 'inactive_7d',
  severity: 'medium',
  rule_kind: 'inactive_days',
  action: { taskKind: 'care_call', dueWithinHours: 24 },
  ...o,
});
const targets = (teamId: string | null) => (teamId === 'team-course' ? { staffId: 'sup-1', toAdmins: false } : { staffId: null, toAdmins: true });

describe('case intake plan (pure)', () => {
  it('leaves holdout learners out and groups the rest by learner, in id order', () => {
    const ctx = new Map([
      ['e2', ctxOf('e2')],
      ['e1', ctxOf('e1')],
      ['e3', ctxOf('e3', { l_holdout: true })],
    ]);
    const live = withoutHoldout([alert('a2', 'e2'), alert('a1', 'e1'), alert('a3', 'e3'), alert('a4', 'e1', { rule_key: 'low_completion' })], ctx);
    expect(live.map((a) => a.id)).toEqual(['a2', 'a1', 'a4']);
    expect([...groupByLearner(live)].map(([l, g]) => [l, g.map((a) => a.id)])).toEqual([
      ['L-e1', ['a1', 'a4']],
      ['L-e2', ['a2']],
    ]);
    expect(teamsInvolved(live, ctx, []).sort()).toEqual(['team-course', 'team-owner']);
  });

  it("opens a case about the most severe alert's course, asks the policy with continuity and skill, and a complaint goes to the supervisor", () => {
    const ctx = new Map([
      ['e1', ctxOf('e1')],
      ['e9', ctxOf('e9', { course_team_id: 'team-course', course_id: 'C-complaint' })],
    ]);
    const byLearner = groupByLearner([
      alert('a1', 'e1'),
      alert('a2', 'e1', { rule_key: 'late_assignments', severity: 'high', action: { taskKind: 'obstacle_call', dueWithinHours: 48 } }),
      alert('c1', 'e9', { rule_key: 'complaints', rule_kind: 'complaints', severity: 'high', action: { taskKind: 'escalation', dueWithinHours: 8 } }),
    ]);
    const { drafts, toAssign, requests } = planCaseDrafts({
      byLearner,
      ctx,
      openByLearner: new Map(),
      existingAlerts: [],
      escalationTargetOf: targets,
      now: NOW,
    });
    expect(drafts).toHaveLength(2);
    const [c1, c9] = drafts;
    expect(c1).toMatchObject({ isNew: true, teamId: 'team-course', courseId: 'C-e1', queue: 'advisor', advisorId: null });
    // high (30) + a second alert (5): high
    expect(c1).toMatchObject({ score: 35, priority: 'high' });
    expect(toAssign).toEqual([c1]);
    expect(requests).toEqual([{ teamId: 'team-course', preferredAdvisorId: 'owner-1', skill: 'python' }]);
    expect(c9).toMatchObject({ queue: 'escalation', advisorId: 'sup-1', escalatedTo: 'sup-1', newlyEscalated: true, escalatedToAdmins: false });
    expect(c9.reason).toMatch(/escalated to the team supervisor/);
  });

  it('attaches to the open case: the priority only rises, a complaint escalates it once, to the admins when the team has no supervisor', () => {
    const ctx = new Map([['e1', ctxOf('e1')]]);
    const open: OpenCaseRow = {
      id: 'case-1',
      learner_id: 'L-e1',
      advisor_id: 'adv-1',
      team_id: 'team-x',
      queue: 'advisor',
      priority: 'urgent',
      priority_score: 50,
      due_at: new Date('2026-03-02T05:00:00Z'),
      escalated_at: null,
      escalated_to: null,
    };
    const byLearner = groupByLearner([alert('c1', 'e1', { rule_key: 'complaints', rule_kind: 'complaints', severity: 'low' })]);
    const { drafts, toAssign } = planCaseDrafts({
      byLearner,
      ctx,
      openByLearner: new Map([['L-e1', open]]),
      existingAlerts: [{ case_id: 'case-1', severity: 'low', kind: 'inactive_days' }],
      escalationTargetOf: targets,
      now: NOW,
    });
    expect(toAssign).toEqual([]);
    expect(drafts[0]).toMatchObject({
      id: 'case-1',
      isNew: false,
      priority: 'urgent',
      score: 50,
      queue: 'escalation',
      escalatedTo: null,
      newlyEscalated: true,
      escalatedToAdmins: true,
      advisorId: 'adv-1',
    });
    expect(drafts[0].reason).toMatch(/^complaints rule: /);
  });

  it("counts first contact in the assignee's working hours, and an attached alert never pushes an earlier due time back", () => {
    const ctx = new Map([['e1', ctxOf('e1')]]);
    const { drafts } = planCaseDrafts({
      byLearner: groupByLearner([alert('a1', 'e1', { action: { taskKind: 'care_call', dueWithinHours: 10 } })]),
      ctx,
      openByLearner: new Map(),
      existingAlerts: [],
      escalationTargetOf: targets,
      now: NOW,
    });
    drafts[0].advisorId = 'adv-1';
    const toSchedule = applyDueTimes(drafts, NOW, new Map([['adv-1', { ...SCHOOL, key: 'adv' }]]), SCHOOL);
    // Monday 10:00 + 10 working hours (09:00–18:00): Tuesday 11:00 in Shanghai.
    expect(drafts[0].dueAt.toISOString()).toBe('2026-03-03T03:00:00.000Z');
    expect(toSchedule).toEqual([{ caseId: drafts[0].id, dueAt: drafts[0].dueAt }]);

    const earlier = new Date('2026-03-02T04:00:00Z');
    const attached = { ...drafts[0], isNew: false, previousDueAt: earlier };
    expect(applyDueTimes([attached], NOW, new Map(), SCHOOL)).toEqual([]);
    expect(attached.dueAt).toBe(earlier);
  });

  it('asks for one task per case and rule (a complaint task to the supervisor), and records what happened', () => {
    const ctx = new Map([['e1', ctxOf('e1')]]);
    const byLearner = groupByLearner([
      alert('a1', 'e1'),
      alert('a1b', 'e1'), // the same rule again: still one task
      alert('c1', 'e1', { rule_key: 'complaints', rule_kind: 'complaints', action: { taskKind: 'escalation', dueWithinHours: 8 } }),
    ]);
    const { drafts } = planCaseDrafts({ byLearner, ctx, openByLearner: new Map(), existingAlerts: [], escalationTargetOf: targets, now: NOW });
    applyDueTimes(drafts, NOW, new Map(), SCHOOL);
    const tasks = caseTaskDrafts(drafts);
    expect(tasks.map((t) => [t.kind, t.assignee])).toEqual([
      ['care_call', 'sup-1'],
      ['escalation', 'sup-1'],
    ]);
    const { audit, events } = caseIntakeRecords(drafts, NOW);
    expect(audit.map((a) => a.action)).toEqual(['case.opened', 'case.escalated']);
    expect(events.map((e) => e.eventType)).toEqual(['case.opened', 'case.escalated']);
  });
});
