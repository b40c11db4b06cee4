/*
 * The features of the learned risk model: what each one measures, how it is read from the daily rollups in one
 * set-based statement, and how a score and its reasons are computed in SQL from a stored model. docs/admins.md
 * ("Learned risk") documents the same list; test/risk-features.e2e-spec.ts counts them by hand on a small school.
 */

/** One feature: its key (column name), the range it is clipped to, and the words for a value of it. */
export interface FeatureSpec {
  key: string;
  meaning: string;
  /** The reason an advisor reads when this feature pushes the score up. */
  reason(v: number): string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The features, in the order of the stored model's arrays (risk_models.feature_keys records it; a model trained on
 * another list is not used). Every value is read at the end of the school day it describes.
 */
export const FEATURES: readonly FeatureSpec[] = [
  {
    key: 'days_since_login',
    meaning: 'days since the last day with a login (up to 60; never logged in: days since enrolment)',
    reason: (v) => `no login for ${plural(Math.round(v), 'day')}`,
  },
  {
    key: 'pace_ratio',
    meaning: 'lessons completed by the day ÷ lessons expected by then at an even pace (0 to 2; 1 for a course without lessons)',
    reason: (v) => `at ${Math.round(v * 100)}% of the expected pace`,
  },
  {
    key: 'study_minutes_7d',
    meaning: 'study minutes in the last 7 days (up to 1,200)',
    reason: (v) => `only ${plural(Math.round(v), 'study minute')} in the last 7 days`,
  },
  {
    key: 'study_change',
    meaning: 'change of study minutes against the 7 days before, as a fraction (−1 to 3; 0 when both weeks are empty)',
    reason: (v) => (v < 0 ? `study time down ${Math.round(-v * 100)}% on the week before` : `study time up ${Math.round(v * 100)}% on the week before`),
  },
  {
    key: 'late_assignments_30d',
    meaning: 'assignments handed in late in the last 30 days, plus those still missing more than 3 days after their due date (up to 10)',
    reason: (v) => `${plural(Math.round(v), 'late or missing assignment')} in 30 days`,
  },
  {
    key: 'complaints_30d',
    meaning: 'complaints in the last 30 days (up to 5)',
    reason: (v) => `${plural(Math.round(v), 'complaint')} in 30 days`,
  },
  {
    key: 'stage_new',
    meaning: 'lifecycle stage new: 1 in the first 7 days after enrolment, else 0',
    reason: () => 'in the first week of the course',
  },
  {
    key: 'stage_near_expiry',
    meaning: 'lifecycle stage near expiry: 1 when the enrolment expires within 30 days, else 0',
    reason: () => 'the course expires within 30 days',
  },
  {
    key: 'days_enrolled',
    meaning: 'days since enrolment (up to 365)',
    reason: (v) => `enrolled ${plural(Math.round(v), 'day')} ago`,
  },
  {
    key: 'days_to_expiry',
    meaning: 'days until the enrolment expires (0 to 365; 365 without an expiry date)',
    reason: (v) => `${plural(Math.round(v), 'day')} left before the course expires`,
  },
  {
    key: 'first_week_reached',
    meaning: 'first-week check-in calls that reached the learner so far (0 to 7)',
    reason: (v) => `reached on only ${Math.round(v)} of the 7 first-week calls`,
  },
];

export const FEATURE_KEYS: readonly string[] = FEATURES.map((f) => f.key);

export interface Reason {
  feature: string;
  value: number;
  /** The reason in English; the console words it in the reader's language from `feature` and `value`. */
  text: string;
}

/** The words of a stored reason `{feature, value}`. */
export function reasonText(feature: string, value: number): string {
  return FEATURES.find((f) => f.key === feature)?.reason(value) ?? `${feature} = ${value}`;
}

export function withText(reasons: Array<{ feature: string; value: number }> | null | undefined): Reason[] {
  return (reasons ?? []).map((r) => ({ feature: r.feature, value: Number(r.value), text: reasonText(r.feature, Number(r.value)) }));
}

/**
 * CTEs over `u (enrollment_id, learner_id, day)`, the units to describe (an enrolment at the end of a school day),
 * ending in `feat (enrollment_id, learner_id, course_id, day, <feature keys…>)`. `tz` is the school time zone
 * placeholder. One pass over the rollups of the 60 days before each unit's day (and those after it: the lessons
 * completed by the day are the enrolment's count less the ones after), one over its assignments due in the 30
 * days, one over its first-week check-ins; no per-learner loop.
 *
 * `day`: when every unit is on the same day (scoring, the live rule), that day as a constant SQL expression. The
 * rollups are then aggregated once per enrolment over constant bounds, as a plain (parallel) aggregate, instead of
 * joined unit by unit.
 */
export function featureCtes(tz: string, opts: { day?: string } = {}): string {
  // The end of the unit's day (a constant when every unit is on the same day).
  const eod = `((${opts.day ?? 'b.day'} + 1)::timestamp at time zone ${tz}::text)`;
  const aggregates = (day: string) => `
           max(d.day) filter (where d.logins > 0 and d.day <= ${day}) as last_login_day,
           coalesce(sum(d.study_minutes) filter (where d.day > ${day} - 7 and d.day <= ${day}), 0) as m7,
           coalesce(sum(d.study_minutes) filter (where d.day > ${day} - 14 and d.day <= ${day} - 7), 0) as m_prev,
           coalesce(sum(d.lessons_completed) filter (where d.day > ${day}), 0) as lessons_after,
           coalesce(sum(d.assignments_late) filter (where d.day > ${day} - 30 and d.day <= ${day}), 0) as late30,
           coalesce(sum(d.complaints) filter (where d.day > ${day} - 30 and d.day <= ${day}), 0) as complaints30`;
  const daily = opts.day
    ? `
  fx_daily as (
    select d.enrollment_id, ${opts.day} as day, ${aggregates(opts.day)}
    from enrollment_daily d
    where d.day > ${opts.day} - 60
    group by d.enrollment_id),`
    : `
  fx_daily as (
    select b.enrollment_id, b.day, ${aggregates('b.day')}
    from fx_base b
    join enrollment_daily d on d.enrollment_id = b.enrollment_id and d.day > b.day - 60
    where d.day > (select min(day) from u) - 60
    group by b.enrollment_id, b.day),`;
  return `
  fx_base as (
    select u.enrollment_id, u.learner_id, u.day, e.course_id, e.completed_lessons,
           (e.enrolled_at at time zone ${tz}::text)::date as enroll_day,
           (e.expires_at at time zone ${tz}::text)::date as expiry_day,
           co.total_lessons, co.duration_days
    from u
    join enrollments e on e.id = u.enrollment_id
    join courses co on co.id = e.course_id),${daily}
  fx_missing as (
    select b.enrollment_id, b.day, count(*) as missing
    from fx_base b
    join enrollment_assignments a on a.enrollment_id = b.enrollment_id
    where a.due_at <= ${eod} - interval '3 days' and a.due_at > ${eod} - interval '30 days'
      and (a.submitted_at is null or a.submitted_at > ${eod})
    group by b.enrollment_id, b.day),
  fx_checkins as (
    select b.enrollment_id, b.day, count(*) as reached
    from fx_base b
    join tasks t on t.enrollment_id = b.enrollment_id and t.kind = 'first_week_checkin'
    where t.result = 'reached' and t.completed_at < ${eod}
    group by b.enrollment_id, b.day),
  feat as (
    select b.enrollment_id, b.learner_id, b.course_id, b.day,
      coalesce(b.day - x.last_login_day, least(60, b.day - b.enroll_day))::float8 as days_since_login,
      case when b.total_lessons <= 0 or b.duration_days <= 0 then 1
           else least(2, greatest(0, b.completed_lessons - coalesce(x.lessons_after, 0))
                         / greatest(b.total_lessons * least(b.day + 1 - b.enroll_day, b.duration_days)::float8 / b.duration_days, 1e-9))
      end::float8 as pace_ratio,
      least(coalesce(x.m7, 0), 1200)::float8 as study_minutes_7d,
      case when coalesce(x.m_prev, 0) = 0 then (coalesce(x.m7, 0) > 0)::int
           else least(3, (x.m7 - x.m_prev)::float8 / x.m_prev) end::float8 as study_change,
      least(coalesce(x.late30, 0) + coalesce(mi.missing, 0), 10)::float8 as late_assignments_30d,
      least(coalesce(x.complaints30, 0), 5)::float8 as complaints_30d,
      (b.day - b.enroll_day < 7)::int::float8 as stage_new,
      (b.expiry_day is not null and b.expiry_day - b.day <= 30)::int::float8 as stage_near_expiry,
      least(b.day - b.enroll_day, 365)::float8 as days_enrolled,
      greatest(0, least(coalesce(b.expiry_day - b.day, 365), 365))::float8 as days_to_expiry,
      least(coalesce(ck.reached, 0), 7)::float8 as first_week_reached
    from fx_base b
    left join fx_daily x on x.enrollment_id = b.enrollment_id and x.day = b.day
    left join fx_missing mi on mi.enrollment_id = b.enrollment_id and mi.day = b.day
    left join fx_checkins ck on ck.enrollment_id = b.enrollment_id and ck.day = b.day)`;
}

/** A logit is clipped to ±30 before exp() (beyond it the score rounds to 0 or 1 anyway; exp would overflow). */
export const LOGIT_CLIP = 30;

/** A model given by value: its coefficients are written into the statement as constants. */
export interface ModelValues {
  version: number;
  intercept: number;
  coef: number[];
  means: number[];
  sds: number[];
}

/** A float as an SQL literal (finite numbers only: the fit never stores anything else). */
const lit = (v: number) => {
  if (!Number.isFinite(v)) throw new Error(`not a finite coefficient: ${v}`);
  return `${v}::float8`;
};

/** The strongest reasons of a score: at most this many, largest contribution first. */
export const MAX_REASONS = 3;
/** A feature is a reason when it adds more than this to the logit. */
export const REASON_MIN_CONTRIBUTION = 0.1;

/**
 * The CTE `contrib (<feat columns>, model_version, intercept, c1…cN)` over `feat` and a model: the one-row relation
 * named by `model` (risk_models columns: version, intercept, coef, means, sds; the live rule reads the active model
 * so) or a model given by value, whose numbers become constants of the statement (scoring every enrolment: no array
 * lookups per row). Each feature's contribution to the logit is c = coef·(x − mean) ÷ sd. Mirrors `scoreOf` in
 * risk-model.ts.
 */
function contribCte(model: string | ModelValues): string {
  const byValue = typeof model !== 'string';
  const at = (field: 'coef' | 'means' | 'sds', i: number) => (byValue ? lit(model[field][i]) : `${model}.${field}[${i + 1}]`);
  const terms = FEATURES.map((f, i) => `(f.${f.key} - ${at('means', i)}) / ${at('sds', i)} * ${at('coef', i)} as c${i + 1}`);
  return `
  contrib as (
    select f.*, ${byValue ? `${Math.trunc(model.version)}` : `${model}.version`} as model_version,
           ${byValue ? lit(model.intercept) : `${model}.intercept`} as intercept, ${terms.join(', ')}
    from feat f${byValue ? '' : ` cross join ${model}`})`;
}

const scoreExpr = (k: string) =>
  `1 / (1 + exp(-greatest(-${LOGIT_CLIP}, least(${LOGIT_CLIP}, ${k}.intercept + ${FEATURES.map((_, i) => `${k}.c${i + 1}`).join(' + ')}))))`;

/**
 * The CTE `scored (enrollment_id, learner_id, course_id, day, model_version, score, reasons)` over `feat` and a model
 * (see `contribCte`), with the reasons as `[{feature, value}]`: the (at most) three largest contributions above 0.1,
 * largest first, the same as `topReasons`. For the live rule's evidence and the backtest, which keep few rows.
 */
export function scoredCte(model: string | ModelValues): string {
  const reasons = FEATURES.map((f, i) => `('${f.key}', k.${f.key}, k.c${i + 1})`).join(', ');
  return `${contribCte(model)},
  -- The reasons in one set-based pass (a subquery per row cost as much as the whole scoring).
  reason_rows as (
    select k.enrollment_id, k.day, x.key, x.val, x.ci, row_number() over (partition by k.enrollment_id, k.day order by x.ci desc) as rn
    from contrib k cross join lateral (values ${reasons}) x(key, val, ci)
    where x.ci > ${REASON_MIN_CONTRIBUTION}),
  reason_lists as (
    select enrollment_id, day, jsonb_agg(jsonb_build_object('feature', key, 'value', round(val::numeric, 2)) order by ci desc) as reasons
    from reason_rows where rn <= ${MAX_REASONS} group by enrollment_id, day),
  scored as (
    select k.enrollment_id, k.learner_id, k.course_id, k.day, k.model_version, ${scoreExpr('k')} as score,
      coalesce(r.reasons, '[]'::jsonb) as reasons
    from contrib k left join reason_lists r on r.enrollment_id = k.enrollment_id and r.day = k.day)`;
}

/**
 * The CTE `scored_arrays (enrollment_id, learner_id, course_id, day, model_version, score, x, contrib)`: each
 * enrolment's score with its feature values and their contributions as arrays in FEATURES order, as enrollment_risk
 * stores them (its reasons are picked when read: `topReasons`). Scoring every enrolment.
 */
export function scoredArraysCte(model: ModelValues): string {
  return `${contribCte(model)},
  scored_arrays as (
    select k.enrollment_id, k.learner_id, k.course_id, k.day, k.model_version, ${scoreExpr('k')} as score,
      array[${FEATURES.map((f) => `k.${f.key}`).join(', ')}]::float8[] as x,
      array[${FEATURES.map((_, i) => `k.c${i + 1}`).join(', ')}]::float8[] as contrib
    from contrib k)`;
}

/**
 * The strongest reasons of a stored score, from its feature values `x` and contributions (FEATURES order): the (at
 * most) three features adding more than 0.1 to the logit, largest first, each value rounded to 2 decimals. The
 * same choice as the SQL of `scoredCte`.
 */
export function topReasons(x: readonly number[], contrib: readonly number[]): Array<{ feature: string; value: number }> {
  return FEATURES.map((f, i) => ({ i, feature: f.key, value: Number(x[i]), c: Number(contrib[i]) }))
    .filter((r) => r.c > REASON_MIN_CONTRIBUTION)
    .sort((a, b) => b.c - a.c || a.i - b.i)
    .slice(0, MAX_REASONS)
    .map((r) => ({ feature: r.feature, value: round2(r.value) }));
}

/** Rounded to 2 decimals, halves away from zero (as SQL's round(numeric, 2)). */
function round2(v: number): number {
  return (Math.sign(v) * Math.round(Math.abs(v) * 100 + 1e-9)) / 100 || 0;
}

/** The active model as a one-row relation `m` (none: no rows, so nothing is scored and the rule fires for no one). */
export const ACTIVE_MODEL = `m as (select version, intercept, coef, means, sds from risk_models where active and feature_keys = array[${FEATURES.map((f) => `'${f.key}'`).join(', ')}]::text[])`;

/** A stored score (`r`: an enrollment_risk row) as one JSON value for the reads of other contexts (`toRiskScore`). */
export function riskJsonSql(r: string): string {
  return `jsonb_build_object('score', ${r}.score, 'x', ${r}.x, 'contrib', ${r}.contrib, 'modelVersion', ${r}.model_version)`;
}

/**
 * A learner's learned risk as one JSON value (null: not scored), for the reads of other contexts: the highest score
 * among the learner's scored enrolments, or the one in `course` when given.
 */
export function riskOfLearnerSql(learner: string, course?: string): string {
  return `(select ${riskJsonSql('r')}
     from enrollment_risk r where r.learner_id = ${learner}${course ? ` and (${course} is null or r.course_id = ${course})` : ''}
     order by r.score desc limit 1)`;
}

export interface RiskScoreView {
  score: number;
  reasons: Reason[];
  modelVersion: number;
}

/** A stored score as read by `riskJsonSql`. */
export interface StoredRiskScore {
  score: number;
  x: number[];
  contrib: number[];
  modelVersion: number;
}

/** The API shape of a stored score: its strongest reasons, worded. */
export function toRiskScore(v: StoredRiskScore | null | undefined): RiskScoreView | null {
  if (!v) return null;
  return { score: Number(v.score), reasons: withText(topReasons(v.x, v.contrib)), modelVersion: Number(v.modelVersion) };
}
