import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SqlRow } from '../database/sql-row.js';
import { backtestIslandsQuery } from '../rules/backtest-queries.js';
import type { ParamsByKind, RuleKind } from '../rules/rule-definitions.js';
import { ACTIVE_MODEL, FEATURE_KEYS, featureCtes, scoredArraysCte, scoredCte, type ModelValues } from './risk-features.js';

export type RiskModelStatus = 'queued' | 'training' | 'ready' | 'insufficient' | 'failed';

export interface RiskModelRow {
  id: string;
  version: number;
  status: RiskModelStatus;
  trigger: 'schedule' | 'manual';
  requested_by: string | null;
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  message: string | null;
  active: boolean;
  as_of: Date | null;
  feature_keys: string[] | null;
  means: number[] | null;
  sds: number[] | null;
  coef: number[] | null;
  intercept: number | null;
  training: SqlRow | null;
  evaluation: SqlRow | null;
}

/** One enrolment at the end of one school day, with its features (FEATURE_KEYS order) and, for history, its label. */
export interface FeatureRow {
  enrollmentId: string;
  learnerId: string;
  day: string;
  x: number[];
  /** 1: churned within 30 days after the day; 0: did not */
  label: number;
}

export interface StoredModel {
  asOf: Date;
  featureKeys: readonly string[];
  means: number[];
  sds: number[];
  coef: number[];
  intercept: number;
  training: Record<string, unknown>;
  evaluation: Record<string, unknown>;
}

const COLUMNS = `id, version, status, trigger, requested_by, requested_at, started_at, finished_at, message, active, as_of,
  feature_keys, means, sds, coef, intercept, training, evaluation`;

/** Serialises scoring runs (transaction-level advisory lock). */
const RISK_SCORE_LOCK = 727_100_090;

/** Splits learners into two stable halves (0 and 1) by a hash of their id: one trains, the other tests. */
export const LEARNER_HALF = (learner: string) => `(hashtext(${learner}::text || ':risk') & 1)`;

/** A training attempt that has not finished after this long lost its job; it no longer holds the single flight. */
export const TRAINING_STALE_AFTER_MS = 2 * 60 * 60_000;

/** The only place the risk context touches risk_models and enrollment_risk. */
@Injectable()
export class RiskRepository {
  constructor(private readonly dataSource: DataSource) {}

  private q(em?: EntityManager) {
    return em ?? this.dataSource.manager;
  }

  /** A queued attempt, unless one is queued or training already (then that one, `created` false). */
  async request(em: EntityManager, trigger: 'schedule' | 'manual', requestedBy: string | null, now: Date): Promise<{ row: RiskModelRow; created: boolean }> {
    await em.query(
      `update risk_models set status = 'failed', finished_at = $1, message = 'the training job was lost (no result after two hours)'
       where status in ('queued','training') and requested_at < $1::timestamptz - make_interval(secs => $2::int / 1000.0)`,
      [now, TRAINING_STALE_AFTER_MS],
    );
    const inserted: RiskModelRow[] = await em.query(
      `insert into risk_models (status, trigger, requested_by, requested_at) values ('queued', $1, $2, $3)
       on conflict do nothing returning ${COLUMNS}`,
      [trigger, requestedBy, now],
    );
    if (inserted[0]) return { row: inserted[0], created: true };
    const [existing]: RiskModelRow[] = await em.query(`select ${COLUMNS} from risk_models where status in ('queued','training') limit 1`);
    return { row: existing, created: false };
  }

  async find(id: string, em?: EntityManager): Promise<RiskModelRow | null> {
    const rows: RiskModelRow[] = await this.q(em).query(`select ${COLUMNS} from risk_models where id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Claims a queued attempt for training (false: another job has it, or it finished). */
  async start(id: string, now: Date): Promise<boolean> {
    const rows = await this.dataSource.query(`update risk_models set status = 'training', started_at = $2 where id = $1 and status = 'queued' returning id`, [
      id,
      now,
    ]);
    return rows.length > 0;
  }

  /** Ends an attempt without a model (too little history, or a failure), keeping the active model as it was. */
  async finishWithout(id: string, status: 'insufficient' | 'failed', message: string, now: Date, training: Record<string, unknown> | null): Promise<void> {
    await this.dataSource.query(
      `update risk_models set status = $2, message = $3, finished_at = $4, training = $5 where id = $1 and status in ('queued','training')`,
      [id, status, message, now, training ? JSON.stringify(training) : null],
    );
  }

  /**
   * Stores the model, makes it the active one and scores every active enrolment with it as of `now`, in one
   * transaction: a reader sees the new model only together with its scores.
   */
  async finishReady(id: string, m: StoredModel, now: Date, tz: string): Promise<{ scored: number; changed: number; removed: number }> {
    return this.dataSource.transaction(async (em) => {
      await em.query(`update risk_models set active = false where active and id <> $1`, [id]);
      await em.query(
        `update risk_models set status = 'ready', active = true, finished_at = $2, as_of = $3, feature_keys = $4, means = $5, sds = $6,
                coef = $7, intercept = $8, training = $9, evaluation = $10, message = null
         where id = $1`,
        [id, now, m.asOf, m.featureKeys, m.means, m.sds, m.coef, m.intercept, JSON.stringify(m.training), JSON.stringify(m.evaluation)],
      );
      return this.scoreIn(em, now, tz);
    });
  }

  async active(): Promise<RiskModelRow | null> {
    const rows: RiskModelRow[] = await this.dataSource.query(`select ${COLUMNS} from risk_models where active`);
    return rows[0] ?? null;
  }

  async latest(): Promise<RiskModelRow | null> {
    const rows: RiskModelRow[] = await this.dataSource.query(`select ${COLUMNS} from risk_models order by version desc limit 1`);
    return rows[0] ?? null;
  }

  /** The first school day with an enrolment (null: none), to know how far back history goes. */
  async firstEnrolmentDay(tz: string): Promise<string | null> {
    const [r] = await this.dataSource.query(`select to_char(min((enrolled_at at time zone $1::text)::date), 'YYYY-MM-DD') as d from enrollments`, [tz]);
    return r?.d ?? null;
  }

  /**
   * Enrolments active at the end of each of `days` and not churned by then, with their features and whether they
   * churned within the 30 days after (from enrollment_outcomes, the analytics definition of churn). At most `cap`
   * rows, a stable pseudo-random sample; only learners of one `half` (LEARNER_HALF), so that the training and the
   * test set never share a learner.
   */
  async labelledRows(days: string[], tz: string, opts: { half: 0 | 1; cap: number }): Promise<FeatureRow[]> {
    // The planner cannot estimate the sampled units (a hash of ids picks them) and plans a nested loop of index
    // lookups into the rollups, one per unit: 25 s for 60,000 units at 100k enrolments, against 5 s by hash joins.
    const rows: SqlRow[] = await this.dataSource.transaction(async (em) => {
      await em.query(`set local enable_nestloop = off`);
      await em.query(`set local jit = off`);
      return em.query(
        `with u0 as (
         select e.id as enrollment_id, e.learner_id, s.day,
                (o.churned and o.churned_at > t.eod and o.churned_at <= t.eod + interval '30 days')::int as label
         from unnest($1::date[]) s(day)
         cross join lateral (select ((s.day + 1)::timestamp at time zone $2::text) as eod) t
         join enrollments e on e.enrolled_at < t.eod and (e.status = 'active' or e.status_changed_at >= t.eod)
         join enrollment_outcomes o on o.enrollment_id = e.id
         where not (o.churned and o.churned_at <= t.eod)
           and ${LEARNER_HALF('e.learner_id')} = $3::int),
       u as materialized (select * from u0 order by hashtext(enrollment_id::text || day::text), enrollment_id, day limit $4),
       ${featureCtes('$2')}
       select f.enrollment_id, f.learner_id, to_char(f.day, 'YYYY-MM-DD') as day, u.label, ${FEATURE_KEYS.map((k) => `f.${k}`).join(', ')}
       from feat f join u on u.enrollment_id = f.enrollment_id and u.day = f.day
       order by f.day, f.enrollment_id`,
        [days, tz, opts.half, opts.cap],
      );
    });
    return rows.map((r) => ({ enrollmentId: r.enrollment_id, learnerId: r.learner_id, day: r.day, label: r.label, x: FEATURE_KEYS.map((k) => Number(r[k])) }));
  }

  /** The days on which a rule fired at the end of the day, per enrolment, over a past period (its backtest query). */
  async firingIslands(
    kind: RuleKind,
    params: ParamsByKind[RuleKind],
    period: { from: string; to: string },
    tz: string,
  ): Promise<Array<{ enrollment_id: string; s: string; e: string }>> {
    const q = backtestIslandsQuery(kind, params, period);
    return this.dataSource.transaction(async (em) => {
      await em.query(`set local jit = off`);
      return em.query(q.sql, [period.from, period.to, tz, ...q.values]);
    });
  }

  /**
   * Scores every active enrolment as of `asOf` under the active model (one statement), rewriting only the rows whose
   * score or reasons changed and removing the rest (no active model: every row). Returns the counts.
   */
  async refreshScores(asOf: Date, tz: string): Promise<{ scored: number; changed: number; removed: number }> {
    return this.dataSource.transaction((em) => this.scoreIn(em, asOf, tz));
  }

  private async scoreIn(em: EntityManager, asOf: Date, tz: string): Promise<{ scored: number; changed: number; removed: number }> {
    // One scoring at a time (a rule run's and a training's): each reads the active model and rewrites every row.
    await em.query(`select pg_advisory_xact_lock($1)`, [RISK_SCORE_LOCK]);
    await em.query(`set local jit = off`);
    // Scored into a temporary table first: a statement that writes cannot use parallel workers, and the scoring
    // read is as large as the rollups' last 60 days.
    await em.query(`drop table if exists risk_scored`);
    const model = await this.activeModel(em);
    // No active model (or one for another feature list): nothing is scored, and every stored score goes.
    await em.query(
      model
        ? `create temp table risk_scored on commit drop as
             with u as (
               select e.id as enrollment_id, e.learner_id, ($1::timestamptz at time zone $2::text)::date as day
               from enrollments e where e.status = 'active' and e.enrolled_at <= $1),
             ${featureCtes('$2', { day: '($1::timestamptz at time zone $2::text)::date' })},
             ${scoredArraysCte(model)}
             select enrollment_id, learner_id, course_id, model_version, round(score::numeric, 4)::float8 as score, x, contrib from scored_arrays`
        : `create temp table risk_scored on commit drop as
             select null::uuid as enrollment_id, null::uuid as learner_id, null::uuid as course_id, null::int as model_version,
                    null::float8 as score, null::float8[] as x, null::float8[] as contrib where false`,
      model ? [asOf, tz] : [],
    );
    const [r] = await em.query(
      `with up as (
           insert into enrollment_risk as r (enrollment_id, learner_id, course_id, model_version, score, x, contrib, scored_at)
           select enrollment_id, learner_id, course_id, model_version, score, x, contrib, $1 from risk_scored
           on conflict (enrollment_id) do update set learner_id = excluded.learner_id, course_id = excluded.course_id,
             model_version = excluded.model_version, score = excluded.score, x = excluded.x, contrib = excluded.contrib, scored_at = excluded.scored_at
           -- The same model and feature values give the same contributions: nothing to rewrite.
           where (r.model_version, r.x, r.course_id) is distinct from (excluded.model_version, excluded.x, excluded.course_id)
           returning 1),
         gone as (
           delete from enrollment_risk r
           where not exists (select 1 from risk_scored s where s.enrollment_id = r.enrollment_id)
           returning 1)
         select (select count(*) from risk_scored)::int as scored, (select count(*) from up)::int as changed, (select count(*) from gone)::int as removed`,
      [asOf],
    );
    return r;
  }

  /** The active model's numbers, when it was trained on today's feature list. */
  private async activeModel(em: EntityManager): Promise<ModelValues | null> {
    const [m] = await em.query(`with ${ACTIVE_MODEL} select version, intercept, coef, means, sds from m`);
    return m ? { version: m.version, intercept: Number(m.intercept), coef: m.coef.map(Number), means: m.means.map(Number), sds: m.sds.map(Number) } : null;
  }

  /**
   * Scores of some enrolments at the end of a day under a model given by value, both ways the SQL scores: from the
   * model's numbers as constants (`score`, as every enrolment is scored) and from a model relation (`score_rel`, as
   * the risk_score rule scores), for the check that SQL and TypeScript agree.
   */
  async scoreRows(enrollmentIds: string[], day: string, tz: string, m: ModelValues): Promise<SqlRow[]> {
    const units = `u as (select e.id as enrollment_id, e.learner_id, $2::date as day from enrollments e where e.id = any($1::uuid[]))`;
    const byValue: SqlRow[] = await this.dataSource.query(
      `with ${units}, ${featureCtes('$3', { day: '$2::date' })}, ${scoredCte(m)}
       select s.enrollment_id, s.score, s.reasons, ${FEATURE_KEYS.map((k) => `f.${k}`).join(', ')}
       from scored s join feat f on f.enrollment_id = s.enrollment_id order by s.enrollment_id`,
      [enrollmentIds, day, tz],
    );
    const byRelation: SqlRow[] = await this.dataSource.query(
      `with m as (select $4::int as version, $5::float8 as intercept, $6::float8[] as coef, $7::float8[] as means, $8::float8[] as sds),
       ${units}, ${featureCtes('$3', { day: '$2::date' })}, ${scoredCte('m')}
       select s.enrollment_id, s.score from scored s order by s.enrollment_id`,
      [enrollmentIds, day, tz, m.version, m.intercept, m.coef, m.means, m.sds],
    );
    const rel = new Map(byRelation.map((r) => [r.enrollment_id, r.score]));
    return byValue.map((r) => ({ ...r, score_rel: rel.get(r.enrollment_id) }));
  }
}
