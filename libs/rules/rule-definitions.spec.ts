import { normalizeParams, validateAction, validateCohortThreshold } from './rule-definitions.js';
import { describeEvidence } from './evidence-summary.js';
import { firingQuery, shiftPlaceholders } from './evaluators.js';

describe('rule parameters', () => {
  it('fills defaults per kind', () => {
    expect(normalizeParams('inactive_days', undefined)).toEqual({ params: { days: 7 }, errors: [] });
    expect(normalizeParams('study_time_drop', { weeks: 3 }).params).toEqual({ dropRatio: 0.5, weeks: 3 });
    expect(normalizeParams('low_completion', { ratio: 0.3 }).params).toEqual({ ratio: 0.3, graceDays: 7 });
  });

  it('names every bad field', () => {
    const { errors, params } = normalizeParams('inactive_days', { days: 0, hours: 3 });
    expect(params).toBeUndefined();
    expect(errors.map((e) => e.field).sort()).toEqual(['params.days', 'params.hours']);
    expect(normalizeParams('inactive_days', { days: 366 }).errors[0].field).toBe('params.days');
    expect(normalizeParams('inactive_days', { days: 2.5 }).errors[0].message).toMatch(/whole number/);
    expect(normalizeParams('low_completion', { ratio: 0 }).errors[0].field).toBe('params.ratio');
    expect(normalizeParams('low_completion', { ratio: 1.01 }).errors[0].field).toBe('params.ratio');
    expect(normalizeParams('late_assignments', { count: 0 }).errors[0].field).toBe('params.count');
    expect(normalizeParams('complaints', { count: '2' }).errors[0]).toEqual({ field: 'params.count', message: 'must be a number' });
    expect(normalizeParams('study_time_drop', { weeks: 9 }).errors[0].field).toBe('params.weeks');
    expect(normalizeParams('complaints', [1], 'rule.params').errors).toEqual([{ field: 'rule.params', message: 'must be an object' }]);
  });

  it('accepts the boundaries', () => {
    expect(normalizeParams('inactive_days', { days: 1 }).errors).toEqual([]);
    expect(normalizeParams('inactive_days', { days: 365 }).errors).toEqual([]);
    expect(normalizeParams('low_completion', { ratio: 1 }).errors).toEqual([]);
  });

  it('validates actions and cohort thresholds', () => {
    expect(validateAction({ taskKind: 'care_call', dueWithinHours: 24 })).toEqual([]);
    expect(
      validateAction({ taskKind: 'nap', dueWithinHours: 0, x: 1 })
        .map((e) => e.field)
        .sort(),
    ).toEqual(['action.dueWithinHours', 'action.taskKind', 'action.x']);
    expect(validateAction('care_call')[0].field).toBe('action');
    expect(validateCohortThreshold(0.05)).toEqual([]);
    expect(validateCohortThreshold(null)).toEqual([]);
    expect(validateCohortThreshold(1.5)[0].field).toBe('cohortThreshold');
  });
});

describe('evaluator SQL', () => {
  it('numbers parameters after the as-of time and time zone', () => {
    const q = firingQuery({ kind: 'study_time_drop', params: { dropRatio: 0.5, weeks: 3 } });
    expect(q.values).toEqual([0.5, 3]);
    expect(q.sql).toContain('w4 > 0');
    expect(q.sql).toContain('w3 <= $3::numeric * w.w4');
    expect(shiftPlaceholders('select $1, $12', 3)).toBe('select $4, $15');
  });
});

describe('evidence summary', () => {
  it('reads the numbers back in plain words', () => {
    expect(describeEvidence('inactive_days', { inactiveDays: 9, thresholdDays: 7, lastLoginAt: '2026-02-23T04:00:00.000Z' })).toBe(
      'No login for 9 days (threshold 7); last login 2026-02-23T04:00:00.000Z.',
    );
    expect(
      describeEvidence('low_completion', {
        completedLessons: 2,
        expectedLessons: 12.5,
        elapsedDays: 12.5,
        durationDays: 100,
        paceRatio: 0.16,
        thresholdRatio: 0.2,
      }),
    ).toBe('Completed 2 of 12.5 lessons expected after 12.5 of 100 days (16% of pace; threshold 20%).');
    expect(
      describeEvidence('study_time_drop', {
        weeks: [
          { weekStart: '2026-02-09', minutes: 300 },
          { weekStart: '2026-02-16', minutes: 140 },
          { weekStart: '2026-02-23', minutes: 60 },
        ],
        dropRatio: 0.5,
      }),
    ).toBe('Weekly study minutes 300 → 140 → 60 (weeks from 2026-02-09): each week at most 50% of the one before.');
    expect(describeEvidence('complaints', { complaints: 2, month: '2026-03', thresholdCount: 2 })).toBe('2 complaints in 2026-03 (threshold 2).');
  });

  it('says how many counted assignments were submitted late and how many are still missing', () => {
    expect(describeEvidence('late_assignments', { countedAssignments: 2, lateAssignments: 1, missingAssignments: 1, lateDays: 3, thresholdCount: 2 })).toBe(
      '2 assignments more than 3 days past due: 1 submitted late, 1 still missing (threshold 2).',
    );
    // Evidence stored before missing assignments were counted: every counted one was a late submission.
    expect(describeEvidence('late_assignments', { lateAssignments: 2, lateDays: 3, thresholdCount: 2 })).toBe(
      '2 assignments more than 3 days past due: 2 submitted late, 0 still missing (threshold 2).',
    );
  });
});
