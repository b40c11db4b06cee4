import type { RuleKind } from './rule-definitions.js';

type Evidence = Record<string, any>;

/** One plain sentence per alert, built from its evidence, so a reader sees why a learner was flagged, in numbers. */
export function describeEvidence(kind: RuleKind | string, e: Evidence): string {
  switch (kind) {
    case 'inactive_days':
      return `No login for ${e.inactiveDays} days (threshold ${e.thresholdDays}); ${e.lastLoginAt ? `last login ${e.lastLoginAt}` : `never logged in since enrolling ${e.enrolledAt}`}.`;
    case 'low_completion':
      return `Completed ${e.completedLessons} of ${e.expectedLessons} lessons expected after ${e.elapsedDays} of ${e.durationDays} days (${pct(e.paceRatio)} of pace; threshold ${pct(e.thresholdRatio)}).`;
    case 'late_assignments':
      return `${e.lateAssignments} assignments submitted more than ${e.lateDays} days late (threshold ${e.thresholdCount}).`;
    case 'complaints':
      return `${e.complaints} complaints in ${e.month} (threshold ${e.thresholdCount}).`;
    case 'study_time_drop': {
      const weeks = (e.weeks as Array<{ weekStart: string; minutes: number }> | undefined) ?? [];
      return `Weekly study minutes ${weeks.map((w) => w.minutes).join(' → ')} (weeks from ${weeks[0]?.weekStart ?? '?'}): each week at most ${pct(e.dropRatio)} of the one before.`;
    }
    default:
      return JSON.stringify(e);
  }
}

function pct(v: unknown): string {
  return typeof v === 'number' ? `${Math.round(v * 1000) / 10}%` : String(v);
}
