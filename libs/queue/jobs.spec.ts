import { jobAnchor } from './jobs.js';

const RUN = '3f1c2a4e-9d7b-4c1e-8a2f-0b6d5e4c3a21';
const AGG = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

describe('jobAnchor', () => {
  it('names the rows a job is about', () => {
    expect(jobAnchor('rules.run', { runId: RUN })).toEqual({ table: 'rule_runs', ids: [RUN] });
    // relayed from the outbox, the run id sits in the event payload: the run row still decides
    expect(
      jobAnchor('rules.run', {
        outboxId: '7',
        eventType: 'rule_run.requested',
        aggregateType: 'rule_run',
        aggregateId: RUN,
        occurredAt: '',
        payload: { runId: RUN },
      }),
    ).toEqual({ table: 'rule_runs', ids: [RUN] });
    expect(jobAnchor('tickets.sla-check', { ticketId: RUN, target: 'resolution', kind: 'breach', at: '' })).toEqual({ table: 'tickets', ids: [RUN] });
    expect(
      jobAnchor('tasks.first-week', {
        outboxId: '12',
        eventType: 'enrollment.created',
        aggregateType: 'enrollment',
        aggregateId: AGG,
        occurredAt: '',
        payload: {},
      }),
    ).toEqual({
      table: 'outbox',
      events: [{ id: '12', aggregateId: AGG }],
    });
    // One relay pass's enrolments in one job.
    expect(jobAnchor('tasks.first-week', { eventType: 'enrollment.created', outboxIds: ['7'], aggregateIds: [AGG] })).toEqual({
      table: 'outbox',
      events: [{ id: '7', aggregateId: AGG }],
    });
    expect(jobAnchor('cases.on-alerts-opened', { eventType: 'alert.opened', outboxIds: ['3', '4'], aggregateIds: [AGG, RUN] })).toEqual({
      table: 'outbox',
      events: [
        { id: '3', aggregateId: AGG },
        { id: '4', aggregateId: RUN },
      ],
    });
  });

  it('is null for crons and sweeps, unknown names and payloads that name nothing usable', () => {
    expect(jobAnchor('rules.schedule', {})).toBeNull();
    expect(jobAnchor('cases.backfill', { teamId: null, reason: 'x' })).toBeNull();
    expect(jobAnchor('analytics.refresh', {})).toBeNull();
    expect(jobAnchor('nope', { runId: RUN })).toBeNull();
    expect(jobAnchor('rules.run', { runId: 'not-a-uuid' })).toBeNull();
    expect(jobAnchor('rules.run', null)).toBeNull();
    // One relay pass's enrolments in one job.
    expect(jobAnchor('tasks.first-week', { eventType: 'enrollment.created', outboxIds: ['7'], aggregateIds: [AGG] })).toEqual({
      table: 'outbox',
      events: [{ id: '7', aggregateId: AGG }],
    });
    expect(jobAnchor('cases.on-alerts-opened', {})).toBeNull();
  });
});
