/*
 * Learned churn risk at or above a threshold (risk_score): everything the rule means, in one place — its parameter,
 * the default rule (seeded disabled by migration LearnedRisk: an admin switches it on after reading GET /risk-model),
 * the live query (does it fire as of a time?), the backtest query (on which past days did it fire?) and the words.
 * Both queries score with the active model (libs/risk/risk-features.ts), from the same features the model was
 * trained on; without an active model the rule fires for no one.
 */
import { ACTIVE_MODEL, featureCtes, reasonText, scoredCte } from '../../risk/risk-features.js';
import { CLOCK, pct, type Evidence, type RuleKindSpec } from './kind.js';

export const riskScore: RuleKindSpec<'risk_score'> = {
  kind: 'risk_score',
  params: {
    threshold: {
      integer: false,
      min: 0,
      max: 1,
      minExclusive: true,
      default: 0.6,
      meaning: 'fires when the learned chance of churning within 30 days is at least this',
    },
  },
  defaultRule: {
    key: 'risk_score',
    name: 'Learned churn risk at least 60%',
    severity: 'medium',
    action: { taskKind: 'advisor_contact', dueWithinHours: 48 },
    cohortThreshold: null,
  },
  enabledByDefault: false,
  live: (p) => ({
    values: [p.threshold],
    sql: `
      with ${ACTIVE_MODEL},
      u as (
        select e.id as enrollment_id, e.learner_id, c.today as day
        from ${CLOCK}
        join enrollments e on e.status = 'active' and e.enrolled_at <= c.as_of
        where exists (select 1 from m)),
      ${featureCtes('$2', { day: '($1::timestamptz at time zone $2::text)::date' })},
      ${scoredCte('m')}
      select s.enrollment_id, s.learner_id,
        jsonb_build_object('score', round(s.score::numeric, 2), 'threshold', $3::numeric, 'modelVersion', s.model_version, 'reasons', s.reasons) as evidence
      from scored s where s.score >= $3::numeric`,
  }),
  backtest: {
    statuses: `'active'`,
    // Every active day of every enrolment is scored at its end with the active model (one statement); each day at
    // or above the threshold is an interval of its own, which the caller merges into runs.
    intervals: (p) => ({
      values: [p.threshold],
      sql: `
        ${ACTIVE_MODEL},
        u as (
          select w.enrollment_id, w.learner_id, g.day::date as day
          from w cross join generate_series(greatest($1::date - 1, w.enroll_day), least($2::date, w.active_end), interval '1 day') g(day)
          where exists (select 1 from m)),
        ${featureCtes('$3')},
        ${scoredCte('m')},
        iv as (select enrollment_id, day as s, day as e from scored where score >= $4::numeric)`,
    }),
  },
  describeParams: (p) => `Learned chance of churning within 30 days at least ${Math.round(p.threshold * 100)}% (the active risk model).`,
  describeEvidence: (e: Evidence) => {
    const reasons = ((e.reasons as Array<{ feature: string; value: number }> | undefined) ?? []).map((r) => reasonText(r.feature, Number(r.value)));
    return `Learned churn risk ${pct(e.score)} (threshold ${pct(e.threshold)}, model ${e.modelVersion})${reasons.length ? `: ${reasons.join('; ')}` : ''}.`;
  },
};
