import { checkCourse, checkEnrollment, checkEvent, checkLearner, itemsOf, summarize } from './sync-items.js';

describe('sync item validation', () => {
  it('accepts a full event and keeps data as JSON text', () => {
    const r = checkEvent(
      { eventId: 'e1', learnerExternalId: 'l1', courseExternalId: 'c1', type: 'study_session', occurredAt: '2026-03-01T08:00:00Z', data: { minutes: 30 } },
      0,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        eventId: 'e1',
        learnerExternalId: 'l1',
        courseExternalId: 'c1',
        type: 'study_session',
        occurredAt: new Date('2026-03-01T08:00:00Z'),
        data: '{"minutes":30}',
      },
    });
  });

  it('names each bad field with its item path', () => {
    const r = checkEvent({ eventId: '', learnerExternalId: 'l1', type: 'lesson_completed', occurredAt: '01/03/2026', extra: 1 }, 7);
    expect(r.ok).toBe(false);
    const fields = (r as { errors: Array<{ field: string }> }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(['items.7.courseExternalId', 'items.7.data.lessonId', 'items.7.eventId', 'items.7.extra', 'items.7.occurredAt']);
  });

  it('lets login and complaint events go without a course', () => {
    expect(checkEvent({ eventId: 'e', learnerExternalId: 'l', type: 'login', occurredAt: '2026-03-01T08:00:00+08:00' }, 0).ok).toBe(true);
    expect(checkEvent({ eventId: 'e', learnerExternalId: 'l', type: 'complaint', occurredAt: '2026-03-01T08:00:00Z' }, 0).ok).toBe(true);
    expect(checkEvent({ eventId: 'e', learnerExternalId: 'l', type: 'renewal', occurredAt: '2026-03-01T08:00:00Z' }, 0).ok).toBe(false);
  });

  it('checks assignment data and minutes', () => {
    const bad = checkEvent(
      {
        eventId: 'e',
        learnerExternalId: 'l',
        courseExternalId: 'c',
        type: 'assignment_submitted',
        occurredAt: '2026-03-01T08:00:00Z',
        data: { dueAt: 'soon' },
      },
      2,
    );
    expect((bad as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['items.2.data.assignmentId', 'items.2.data.dueAt']);
    const minutes = checkEvent(
      { eventId: 'e', learnerExternalId: 'l', courseExternalId: 'c', type: 'study_session', occurredAt: '2026-03-01T08:00:00Z', data: { minutes: -5 } },
      0,
    );
    expect((minutes as { errors: Array<{ field: string }> }).errors[0].field).toBe('items.0.data.minutes');
  });

  it('takes an assignment set before it is submitted: assignment id and due time, in a course', () => {
    const ok = checkEvent(
      {
        eventId: 'e',
        learnerExternalId: 'l',
        courseExternalId: 'c',
        type: 'assignment_assigned',
        occurredAt: '2026-03-01T08:00:00Z',
        data: { assignmentId: 'A1', dueAt: '2026-03-08T00:00:00Z' },
      },
      0,
    );
    expect(ok.ok).toBe(true);
    const bad = checkEvent({ eventId: 'e', learnerExternalId: 'l', type: 'assignment_assigned', occurredAt: '2026-03-01T08:00:00Z', data: {} }, 1);
    expect((bad as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([
      'items.1.courseExternalId',
      'items.1.data.assignmentId',
      'items.1.data.dueAt',
    ]);
  });

  it('validates courses, learners and enrolments', () => {
    expect(checkCourse({ externalId: 'c', title: 'T', totalLessons: 10, durationDays: 0 }, 1)).toEqual({
      ok: false,
      errors: [{ field: 'items.1.durationDays', message: 'must be a whole number from 1 to 36500' }],
    });
    expect(checkLearner({ externalId: 'l', name: 'N', timezone: 'Mars/Olympus' }, 0).ok).toBe(false);
    expect(checkLearner({ externalId: 'l', name: 'N', timezone: 'Asia/Shanghai', phone: '+86 138 0000 0000' }, 0).ok).toBe(true);
    const e = checkEnrollment(
      {
        externalId: 'e',
        learnerExternalId: 'l',
        courseExternalId: 'c',
        enrolledAt: '2026-03-02T00:00:00Z',
        expiresAt: '2026-03-01T00:00:00Z',
        status: 'active',
      },
      4,
    );
    expect(e).toEqual({ ok: false, errors: [{ field: 'items.4.expiresAt', message: 'must be after enrolledAt' }] });
  });

  it('limits a batch to 5,000 items and summarises results', () => {
    expect(itemsOf({ items: new Array(5001).fill({}) })).toEqual({ error: 'too_many', count: 5001 });
    expect(itemsOf({ item: [] })).toEqual({ error: 'shape' });
    expect(
      summarize([
        { index: 0, id: 'a', status: 'created' },
        { index: 1, id: null, status: 'rejected' },
      ]).summary,
    ).toEqual({ created: 1, updated: 0, unchanged: 0, stale: 0, duplicate: 0, rejected: 1 });
  });
});
