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
      return lateAssignmentsSummary(e);
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

/** Late and missing assignments; evidence from before missing ones counted has only `lateAssignments`. */
function lateAssignmentsSummary(e: Evidence): string {
  const late = Number(e.lateAssignments ?? 0);
  const missing = Number(e.missingAssignments ?? 0);
  const counted = e.countedAssignments ?? late + missing;
  const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);
  return (
    `${counted} ${plural(counted, 'assignment', 'assignments')} more than ${e.lateDays} days past due: ` +
    `${late} submitted late, ${missing} still missing (threshold ${e.thresholdCount}).`
  );
}

function pct(v: unknown): string {
  return typeof v === 'number' ? `${Math.round(v * 1000) / 10}%` : String(v);
}
