/** Lifecycle stages (docs/design.md §2). */
export const LIFECYCLE_STAGES = ['new', 'active', 'near_expiry', 'paused', 'completed', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const ENROLLMENT_STATUSES = ['active', 'paused', 'completed', 'cancelled', 'expired'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export const NEW_DAYS = 7;
export const NEAR_EXPIRY_DAYS = 30;
const DAY_MS = 86_400_000;

export interface StageInput {
  status: EnrollmentStatus;
  enrolledAt: Date;
  expiresAt: Date | null;
  /** The enrolment's last login (falls back to enrolment time when it never logged in). */
  lastLoginAt: Date | null;
}

/**
 * One enrolment's stage at `now`, in this order: cancelled/expired (or past its expiry) → churned; completed;
 * paused (on purpose: never churned by inactivity); no login for churnInactiveDays → churned; first 7 days → new;
 * ≤ 30 days to expiry → near_expiry; otherwise active. Mirrored in SQL by stageSql().
 */
export function lifecycleStage(e: StageInput, now: Date, churnInactiveDays: number): LifecycleStage {
  if (e.status === 'cancelled' || e.status === 'expired') return 'churned';
  if (e.status === 'completed') return 'completed';
  if (e.status === 'paused') return 'paused';
  if (e.expiresAt && e.expiresAt.getTime() <= now.getTime()) return 'churned';
  const lastSeen = Math.max(e.enrolledAt.getTime(), e.lastLoginAt?.getTime() ?? 0);
  if (now.getTime() - lastSeen >= churnInactiveDays * DAY_MS) return 'churned';
  if (now.getTime() - e.enrolledAt.getTime() < NEW_DAYS * DAY_MS) return 'new';
  if (e.expiresAt && e.expiresAt.getTime() - now.getTime() <= NEAR_EXPIRY_DAYS * DAY_MS) return 'near_expiry';
  return 'active';
}

/**
 * The same rule as lifecycleStage() as an SQL expression over an enrolments alias `e`;
 * `$now` and `$days` are placeholders for "now" (timestamptz) and churnInactiveDays (int).
 */
export function stageSql(e: string, now: string, days: string): string {
  return `(case
    when ${e}.status in ('cancelled','expired') then 'churned'
    when ${e}.status = 'completed' then 'completed'
    when ${e}.status = 'paused' then 'paused'
    when ${e}.expires_at is not null and ${e}.expires_at <= ${now} then 'churned'
    when ${now} - greatest(${e}.enrolled_at, coalesce(${e}.last_login_at, ${e}.enrolled_at)) >= make_interval(days => ${days}) then 'churned'
    when ${now} - ${e}.enrolled_at < interval '${NEW_DAYS} days' then 'new'
    when ${e}.expires_at is not null and ${e}.expires_at - ${now} <= interval '${NEAR_EXPIRY_DAYS} days' then 'near_expiry'
    else 'active' end)`;
}

export interface ProgressInput {
  completedLessons: number;
  totalLessons: number;
  durationDays: number;
  enrolledAt: Date;
}

/** Progress of one enrolment: percent done and the percent expected by now at an even pace (both 0..100). */
export function progress(p: ProgressInput, now: Date) {
  const percent = p.totalLessons > 0 ? Math.min(100, (100 * p.completedLessons) / p.totalLessons) : 0;
  const elapsedDays = Math.max(0, (now.getTime() - p.enrolledAt.getTime()) / DAY_MS);
  const expectedPercent = p.durationDays > 0 ? Math.min(100, (100 * elapsedDays) / p.durationDays) : 0;
  return {
    completedLessons: p.completedLessons,
    totalLessons: p.totalLessons,
    percent: round1(percent),
    expectedPercent: round1(expectedPercent),
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
