import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Which enrolments a caller may measure: null = every course, else courses owned by these teams. */
export interface Scope {
  teamIds: string[] | null;
  courseId?: string;
  /** Enrolment days (school time zone), inclusive. */
  from?: string;
  to?: string;
}

export interface AnalyticsState {
  asOf: Date | null;
  refreshedAt: Date | null;
  requestedAt: Date | null;
  churnInactiveDays: number | null;
  enrollments: number;
  changed: number;
  durationMs: number | null;
}

export interface CohortRow {
  cohort: string;
  enrolments: number;
  mature30: number;
  mature60: number;
  mature90: number;
  churned30: number;
  churned60: number;
  churned90: number;
  churnedToDate: number;
  renewed: number;
  renewalDue: number;
}

export interface CurveBucket {
  cohort: string;
  observedWeeks: number;
  churnWeek: number | null;
  n: number;
}

export interface GroupRow {
  courseId: string | null;
  group: 'covered' | 'notCovered' | 'holdout' | 'inFirstWeek';
  enrolments: number;
  mature30: number;
  mature60: number;
  mature90: number;
  churned30: number;
  churned60: number;
  churned90: number;
}

const REFRESH_LOCK = 727_100_008;

/** 'YYYY-MM-DD' (week cohorts: the Monday) or 'YYYY-MM' (month cohorts). */
function cohortLabel(day: string, by: 'week' | 'month'): string {
  return by === 'week' ? day.slice(0, 10) : day.slice(0, 7);
}

/** The only place analytics touches the database: set-based SQL over the summary table and indexed tables. */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private q<T = Record<string, unknown>>(sql: string, params: unknown[], em?: EntityManager): Promise<T[]> {
    return (em ?? this.dataSource.manager).query(sql, params);
  }

  async state(em?: EntityManager): Promise<AnalyticsState> {
    const [r] = await this.q<Record<string, unknown>>(`select * from analytics_state where id = 1`, [], em);
    return {
      asOf: (r?.as_of as Date) ?? null,
      refreshedAt: (r?.refreshed_at as Date) ?? null,
      requestedAt: (r?.requested_at as Date) ?? null,
      churnInactiveDays: (r?.churn_inactive_days as number) ?? null,
      enrollments: Number(r?.enrollments ?? 0),
      changed: Number(r?.changed ?? 0),
      durationMs: (r?.duration_ms as number) ?? null,
    };
  }

  async markRequested(em: EntityManager): Promise<Date> {
    const [r] = await this.q<{ requested_at: Date }>(
      `with u as (update analytics_state set requested_at = clock_timestamp() where id = 1 returning requested_at) select requested_at from u`,
      [],
      em,
    );
    return r.requested_at;
  }

  /**
   * Recomputes every enrolment's outcome as of `asOf` in one statement (docs/design.md §6): churned when cancelled,
   * expired without renewal, or (active) without a login for `inactiveDays`. Rows whose outcome did not change
   * are not rewritten, so a repeated refresh changes nothing. Serialised by an advisory lock.
   */
  async refreshOutcomes(em: EntityManager, asOf: Date, inactiveDays: number, timezone: string): Promise<{ enrollments: number; changed: number }> {
    await em.query(`select pg_advisory_xact_lock($1)`, [REFRESH_LOCK]);
    const [{ changed }] = await em.query(
      `with fw as (
         select enrollment_id, count(*)::int as checkins,
                count(distinct day_index) filter (where status = 'done' and result = 'reached')::int as reached
           from tasks
          where kind = 'first_week_checkin' and enrollment_id is not null
          group by enrollment_id
       ), renewals as (
         select distinct e.id as enrollment_id
           from activity_events ae
           join enrollments e on e.learner_id = ae.learner_id
          where ae.type = 'renewal' and ae.occurred_at <= $1 and ae.occurred_at >= e.enrolled_at
            and (ae.enrollment_id = e.id or (ae.enrollment_id is null and (ae.course_id = e.course_id or ae.course_id is null)))
       ), base as (
         select e.id, e.learner_id, e.course_id, e.enrolled_at, (e.enrolled_at at time zone $3)::date as enrolled_day,
                (e.holdout or l.holdout) as holdout, e.status, e.expires_at, e.status_changed_at,
                greatest(e.enrolled_at, e.last_login_at, l.last_login_at) as last_seen,
                (r.enrollment_id is not null) as renewed,
                coalesce(fw.checkins, 0) as checkins, coalesce(fw.reached, 0) as reached
           from enrollments e
           join learners l on l.id = e.learner_id
           left join renewals r on r.enrollment_id = e.id
           left join fw on fw.enrollment_id = e.id
          where e.enrolled_at <= $1
       ), judged as (
         select b.*,
                case
                  when b.status = 'cancelled' then 'cancelled'
                  when not b.renewed and (b.status = 'expired' or (b.status in ('active','paused') and coalesce(b.expires_at <= $1, false))) then 'expired'
                  when b.status = 'active' and b.last_seen + make_interval(days => $2) <= $1 then 'inactive'
                end as churn_kind
           from base b
       ), computed as (
         select j.id, j.learner_id, j.course_id, j.enrolled_at, j.enrolled_day, j.holdout, j.status,
                j.churn_kind is not null as churned,
                case j.churn_kind
                  when 'cancelled' then least(greatest(j.status_changed_at, j.enrolled_at), $1)
                  when 'expired' then least(greatest(coalesce(j.expires_at, j.status_changed_at), j.enrolled_at), $1)
                  when 'inactive' then j.last_seen + make_interval(days => $2)
                end as churned_at,
                j.churn_kind, j.renewed,
                (j.renewed or j.status = 'expired' or coalesce(j.expires_at <= $1, false)) as renewal_due,
                j.checkins, j.reached, j.reached >= 5 as covered
           from judged j
       ), flagged as (
         select c.*,
                date_trunc('week', c.enrolled_day)::date as cohort_week,
                date_trunc('month', c.enrolled_day)::date as cohort_month,
                floor(extract(epoch from ($1 - c.enrolled_at)) / 604800)::int as observed_weeks,
                case when c.churned then floor(extract(epoch from (c.churned_at - c.enrolled_at)) / 604800)::int end as churn_week,
                c.enrolled_at + interval '30 days' <= $1 as mature30,
                c.enrolled_at + interval '60 days' <= $1 as mature60,
                c.enrolled_at + interval '90 days' <= $1 as mature90,
                c.enrolled_at + interval '30 days' <= $1 and c.churned and c.churned_at <= c.enrolled_at + interval '30 days' as churned30,
                c.enrolled_at + interval '60 days' <= $1 and c.churned and c.churned_at <= c.enrolled_at + interval '60 days' as churned60,
                c.enrolled_at + interval '90 days' <= $1 and c.churned and c.churned_at <= c.enrolled_at + interval '90 days' as churned90,
                case when c.holdout then 'holdout' when c.enrolled_at + interval '7 days' > $1 then 'inFirstWeek'
                     when c.covered then 'covered' else 'notCovered' end as fw_group
           from computed c
       ), upserted as (
         insert into enrollment_outcomes as o (enrollment_id, learner_id, course_id, enrolled_at, enrolled_day, holdout, status, churned, churned_at,
                                               churn_kind, renewed, renewal_due, first_week_checkins, first_week_reached, covered,
                                               cohort_week, cohort_month, observed_weeks, churn_week, mature30, mature60, mature90,
                                               churned30, churned60, churned90, fw_group, updated_at)
         select id, learner_id, course_id, enrolled_at, enrolled_day, holdout, status, churned, churned_at,
                churn_kind, renewed, renewal_due, checkins, reached, covered,
                cohort_week, cohort_month, observed_weeks, churn_week, mature30, mature60, mature90,
                churned30, churned60, churned90, fw_group, now()
           from flagged
         on conflict (enrollment_id) do update set
           learner_id = excluded.learner_id, course_id = excluded.course_id, enrolled_at = excluded.enrolled_at,
           enrolled_day = excluded.enrolled_day, holdout = excluded.holdout, status = excluded.status,
           churned = excluded.churned, churned_at = excluded.churned_at, churn_kind = excluded.churn_kind,
           renewed = excluded.renewed, renewal_due = excluded.renewal_due, first_week_checkins = excluded.first_week_checkins,
           first_week_reached = excluded.first_week_reached, covered = excluded.covered,
           cohort_week = excluded.cohort_week, cohort_month = excluded.cohort_month, observed_weeks = excluded.observed_weeks,
           churn_week = excluded.churn_week, mature30 = excluded.mature30, mature60 = excluded.mature60, mature90 = excluded.mature90,
           churned30 = excluded.churned30, churned60 = excluded.churned60, churned90 = excluded.churned90, fw_group = excluded.fw_group,
           updated_at = now()
         where (o.learner_id, o.course_id, o.enrolled_at, o.enrolled_day, o.holdout, o.status, o.churned, o.churned_at, o.churn_kind,
                o.renewed, o.renewal_due, o.first_week_checkins, o.first_week_reached, o.covered, o.observed_weeks, o.churn_week,
                o.mature30, o.mature60, o.mature90, o.churned30, o.churned60, o.churned90, o.fw_group)
               is distinct from
               (excluded.learner_id, excluded.course_id, excluded.enrolled_at, excluded.enrolled_day, excluded.holdout, excluded.status,
                excluded.churned, excluded.churned_at, excluded.churn_kind, excluded.renewed, excluded.renewal_due,
                excluded.first_week_checkins, excluded.first_week_reached, excluded.covered, excluded.observed_weeks, excluded.churn_week,
                excluded.mature30, excluded.mature60, excluded.mature90, excluded.churned30, excluded.churned60, excluded.churned90, excluded.fw_group)
         returning 1
       )
       select count(*)::int as changed from upserted`,
      [asOf, inactiveDays, timezone],
    );
    // Enrolments dated after asOf (a clock set back) are not part of this picture.
    const removed: Array<{ n: number }> = await em.query(
      `with d as (delete from enrollment_outcomes where enrolled_at > $1 returning 1) select count(*)::int as n from d`,
      [asOf],
    );
    const [{ n }] = await em.query(`select count(*)::int as n from enrollment_outcomes`);
    return { enrollments: n, changed: changed + removed[0].n };
  }

  async saveState(em: EntityManager, s: { asOf: Date; inactiveDays: number; enrollments: number; changed: number; durationMs: number }): Promise<void> {
    await em.query(
      `update analytics_state set as_of = $1, churn_inactive_days = $2, enrollments = $3, changed = $4, duration_ms = $5, refreshed_at = clock_timestamp() where id = 1`,
      [s.asOf, s.inactiveDays, s.enrollments, s.changed, s.durationMs],
    );
  }

  async teamExists(teamId: string): Promise<boolean> {
    return (await this.q(`select 1 from teams where id = $1`, [teamId])).length > 0;
  }

  /** Is this course visible in the scope? (false also when it does not exist) */
  async courseVisible(courseId: string, teamIds: string[] | null): Promise<{ id: string; title: string } | null> {
    const [r] = await this.q<{ id: string; title: string }>(
      `select id, title from courses where id = $1 and ($2::uuid[] is null or team_id = any($2::uuid[]))`,
      [courseId, teamIds],
    );
    return r ?? null;
  }

  /** Shared WHERE for enrollment_outcomes o joined to courses c; parameters start at $2 ($1 is asOf). */
  private scopeSql(s: Scope): { where: string; params: unknown[] } {
    return {
      where: `o.enrolled_at <= $1::timestamptz
          and ($2::uuid[] is null or c.team_id = any($2::uuid[]))
          and ($3::uuid is null or o.course_id = $3::uuid)
          and ($4::date is null or o.enrolled_day >= $4::date)
          and ($5::date is null or o.enrolled_day <= $5::date)`,
      params: [s.teamIds, s.courseId ?? null, s.from ?? null, s.to ?? null],
    };
  }

  /** Churn counts per enrolment cohort and per course, in one scan (grouping sets). */
  async cohorts(asOf: Date, s: Scope, by: 'week' | 'month'): Promise<{ cohorts: CohortRow[]; courses: Array<CohortRow & { courseId: string }> }> {
    const { where, params } = this.scopeSql(s);
    const rows = await this.q<Record<string, unknown>>(
      `select grouping(x.cohort) as by_course, x.cohort, x.course_id,
              count(*)::int as enrolments,
              count(*) filter (where x.mature30)::int as mature30,
              count(*) filter (where x.mature60)::int as mature60,
              count(*) filter (where x.mature90)::int as mature90,
              count(*) filter (where x.churned30)::int as churned30,
              count(*) filter (where x.churned60)::int as churned60,
              count(*) filter (where x.churned90)::int as churned90,
              count(*) filter (where x.churned)::int as churned_to_date,
              count(*) filter (where x.renewed)::int as renewed,
              count(*) filter (where x.renewal_due)::int as renewal_due
         from (select o.course_id, o.mature30, o.mature60, o.mature90, o.churned30, o.churned60, o.churned90, o.churned, o.renewed, o.renewal_due,
                      o.${by === 'week' ? 'cohort_week' : 'cohort_month'}::text as cohort
                 from enrollment_outcomes o join courses c on c.id = o.course_id
                where ${where}) x
        group by grouping sets ((x.cohort), (x.course_id))
        order by 1, 2, 3`,
      [asOf, ...params],
    );
    const counts = (r: Record<string, unknown>) => ({
      cohort: r.cohort ? cohortLabel(String(r.cohort), by) : '',
      enrolments: Number(r.enrolments),
      mature30: Number(r.mature30),
      mature60: Number(r.mature60),
      mature90: Number(r.mature90),
      churned30: Number(r.churned30),
      churned60: Number(r.churned60),
      churned90: Number(r.churned90),
      churnedToDate: Number(r.churned_to_date),
      renewed: Number(r.renewed),
      renewalDue: Number(r.renewal_due),
    });
    return {
      cohorts: rows.filter((r) => Number(r.by_course) === 0).map(counts),
      courses: rows.filter((r) => Number(r.by_course) === 1).map((r) => ({ ...counts(r), courseId: String(r.course_id) })),
    };
  }

  /** Counts by (cohort, whole weeks observed, week of churn) — small, whatever the school size. */
  async curveBuckets(asOf: Date, s: Scope, by: 'week' | 'month'): Promise<CurveBucket[]> {
    const { where, params } = this.scopeSql(s);
    const rows = await this.q<Record<string, unknown>>(
      `select o.${by === 'week' ? 'cohort_week' : 'cohort_month'}::text as cohort, o.observed_weeks, o.churn_week, count(*)::int as n
         from enrollment_outcomes o join courses c on c.id = o.course_id
        where ${where}
        group by 1, 2, 3`,
      [asOf, ...params],
    );
    return rows.map((r) => ({
      cohort: cohortLabel(String(r.cohort), by),
      observedWeeks: Number(r.observed_weeks),
      churnWeek: r.churn_week === null ? null : Number(r.churn_week),
      n: Number(r.n),
    }));
  }

  /** First-week groups, overall (courseId null) and per course. */
  async firstWeekGroups(asOf: Date, s: Scope): Promise<GroupRow[]> {
    const { where, params } = this.scopeSql(s);
    const rows = await this.q<Record<string, unknown>>(
      `select o.course_id, o.fw_group as grp,
              count(*)::int as enrolments,
              count(*) filter (where o.mature30)::int as mature30,
              count(*) filter (where o.mature60)::int as mature60,
              count(*) filter (where o.mature90)::int as mature90,
              count(*) filter (where o.churned30)::int as churned30,
              count(*) filter (where o.churned60)::int as churned60,
              count(*) filter (where o.churned90)::int as churned90
         from enrollment_outcomes o join courses c on c.id = o.course_id
        where ${where}
        group by 1, 2`,
      [asOf, ...params],
    );
    return rows.map((r) => ({
      courseId: String(r.course_id),
      group: r.grp as GroupRow['group'],
      enrolments: Number(r.enrolments),
      mature30: Number(r.mature30),
      mature60: Number(r.mature60),
      mature90: Number(r.mature90),
      churned30: Number(r.churned30),
      churned60: Number(r.churned60),
      churned90: Number(r.churned90),
    }));
  }

  async courseTitles(ids: string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows = await this.q<{ id: string; title: string }>(`select id, title from courses where id = any($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.title]));
  }

  /**
   * Per rule: alerts opened in [from, to), distinct alerted enrolments, and for precision the alerted
   * enrolments whose first alert in the period is at least 30 days old (mature) and how many of those churned
   * within 30 days after it; for recall, how many enrolments that churned in [from, to) had an alert of the
   * rule opened before they churned, with the median lead time in days.
   */
  async ruleQuality(
    asOf: Date,
    s: { teamIds: string[] | null; courseId?: string; from: Date | null; to: Date | null },
  ): Promise<{
    churned: number;
    rules: Array<{
      ruleKey: string;
      name: string;
      enabled: boolean;
      alerts: number;
      alertedEnrolments: number;
      precisionN: number;
      precisionHits: number;
      recallHits: number;
      medianLeadDays: number | null;
      useful: number;
      notUseful: number;
      incorrect: number;
    }>;
  }> {
    const params = [asOf, s.teamIds, s.courseId ?? null, s.from, s.to];
    const visible = `($2::uuid[] is null or c.team_id = any($2::uuid[])) and ($3::uuid is null or o.course_id = $3::uuid)`;
    const [{ churned }] = await this.q<{ churned: number }>(
      `select count(*)::int as churned from enrollment_outcomes o join courses c on c.id = o.course_id
        where o.churned and ${visible} and ($4::timestamptz is null or o.churned_at >= $4) and ($5::timestamptz is null or o.churned_at < $5) and o.churned_at <= $1`,
      params,
    );
    // One pass over the visible alerts (joined once to their enrolment's outcome), then per (rule, enrolment).
    const rows = await this.q<Record<string, unknown>>(
      `with scoped as materialized (
         select a.id, a.rule_key, a.enrollment_id, a.opened_at, o.churned, o.churned_at,
                (($4::timestamptz is null or a.opened_at >= $4) and ($5::timestamptz is null or a.opened_at < $5)) as in_period
           from alerts a
           join enrollment_outcomes o on o.enrollment_id = a.enrollment_id
           join courses c on c.id = o.course_id
          where ${visible} and a.opened_at <= $1
       ), per_enrolment as (
         select rule_key, enrollment_id, bool_or(churned) as churned, max(churned_at) as churned_at,
                min(opened_at) filter (where in_period) as first_in_period, min(opened_at) as first_any,
                count(*) filter (where in_period)::int as alerts
           from scoped group by 1, 2
       ), quality as (
         select rule_key,
                sum(alerts)::int as alerts,
                count(*) filter (where first_in_period is not null)::int as enrolments,
                count(*) filter (where first_in_period + interval '30 days' <= $1)::int as prec_n,
                count(*) filter (where first_in_period + interval '30 days' <= $1 and churned
                                   and churned_at >= first_in_period and churned_at <= first_in_period + interval '30 days')::int as prec_hits,
                count(*) filter (where churned and churned_at <= $1 and first_any <= churned_at
                                   and ($4::timestamptz is null or churned_at >= $4) and ($5::timestamptz is null or churned_at < $5))::int as recall_hits,
                percentile_cont(0.5) within group (order by extract(epoch from (churned_at - first_any)) / 86400)
                  filter (where churned and churned_at <= $1 and first_any <= churned_at
                            and ($4::timestamptz is null or churned_at >= $4) and ($5::timestamptz is null or churned_at < $5)) as median_lead
           from per_enrolment group by 1
       ), fb as (
         select p.rule_key,
                count(*) filter (where f.verdict = 'useful')::int as useful,
                count(*) filter (where f.verdict = 'not_useful')::int as not_useful,
                count(*) filter (where f.verdict = 'incorrect')::int as incorrect
           from scoped p join alert_feedback f on f.alert_id = p.id
          where p.in_period
          group by 1
       )
       select r.key as rule_key, r.name, r.enabled,
              coalesce(q.alerts, 0) as alerts, coalesce(q.enrolments, 0) as enrolments,
              coalesce(q.prec_n, 0) as prec_n, coalesce(q.prec_hits, 0) as prec_hits,
              coalesce(q.recall_hits, 0) as recall_hits, q.median_lead,
              coalesce(fb.useful, 0) as useful, coalesce(fb.not_useful, 0) as not_useful, coalesce(fb.incorrect, 0) as incorrect
         from rules r
         left join quality q on q.rule_key = r.key
         left join fb on fb.rule_key = r.key
        order by r.key`,
      params,
    );
    return {
      churned,
      rules: rows.map((r) => ({
        ruleKey: String(r.rule_key),
        name: String(r.name),
        enabled: Boolean(r.enabled),
        alerts: Number(r.alerts),
        alertedEnrolments: Number(r.enrolments),
        precisionN: Number(r.prec_n),
        precisionHits: Number(r.prec_hits),
        recallHits: Number(r.recall_hits),
        medianLeadDays: r.median_lead === null ? null : Number(r.median_lead),
        useful: Number(r.useful),
        notUseful: Number(r.not_useful),
        incorrect: Number(r.incorrect),
      })),
    };
  }

  /**
   * Precision and recall of a list of (hypothetical) alerts, e.g. a draft rule's backtest, against the
   * refreshed outcomes: same definitions as ruleQuality.
   */
  async alertListQuality(
    asOf: Date,
    alerts: Array<{ enrollmentId: string; openedAt: Date }>,
    from: Date,
    to: Date,
    courseId: string | null = null,
    teamIds: string[] | null = null,
  ): Promise<{ enrolments: number; precisionN: number; precisionHits: number; churned: number; recallHits: number; medianLeadDays: number | null }> {
    const [r] = await this.q<Record<string, unknown>>(
      `with a as (
         select enrollment_id, min(opened_at) as first_at
           from unnest($2::uuid[], $3::timestamptz[]) as t(enrollment_id, opened_at)
          group by 1
       ), churned as (
         select enrollment_id, churned_at from enrollment_outcomes
          where churned and churned_at >= $4 and churned_at < $5 and churned_at <= $1 and ($6::uuid is null or course_id = $6::uuid)
            and ($7::uuid[] is null or course_id in (select c.id from courses c where c.team_id = any($7::uuid[])))
       )
       select (select count(*) from a)::int as enrolments,
              (select count(*) from a where first_at + interval '30 days' <= $1)::int as prec_n,
              (select count(*) from a join enrollment_outcomes o using (enrollment_id)
                where a.first_at + interval '30 days' <= $1 and o.churned and o.churned_at >= a.first_at
                  and o.churned_at <= a.first_at + interval '30 days')::int as prec_hits,
              (select count(*) from churned)::int as churned,
              (select count(*) from churned ch join a using (enrollment_id) where a.first_at <= ch.churned_at)::int as recall_hits,
              (select percentile_cont(0.5) within group (order by extract(epoch from (ch.churned_at - a.first_at)) / 86400)
                 from churned ch join a using (enrollment_id) where a.first_at <= ch.churned_at) as median_lead`,
      [asOf, alerts.map((x) => x.enrollmentId), alerts.map((x) => x.openedAt), from, to, courseId, teamIds],
    );
    return {
      enrolments: Number(r.enrolments),
      precisionN: Number(r.prec_n),
      precisionHits: Number(r.prec_hits),
      churned: Number(r.churned),
      recallHits: Number(r.recall_hits),
      medianLeadDays: r.median_lead === null ? null : Number(r.median_lead),
    };
  }

  /**
   * Churn reasons recorded by staff: resolved cases (resolved_at in period) and completed calls
   * (completed_at in period) that carry a reason. Visibility and the course filter go through the learner's
   * enrolments (a case belongs to a learner), or the task's own enrolment when it has one.
   */
  async churnReasons(s: {
    teamIds: string[] | null;
    courseId?: string;
    from: Date | null;
    to: Date | null;
  }): Promise<Array<{ reason: string; source: 'case' | 'task'; n: number }>> {
    // Each branch checks visibility with an indexed semi-join (by learner for cases, by enrolment for calls).
    const visible = (match: string) => `(($1::uuid[] is null and $2::uuid is null) or exists (
         select 1 from enrollments e join courses c on c.id = e.course_id
          where ${match} and ($1::uuid[] is null or c.team_id = any($1::uuid[])) and ($2::uuid is null or e.course_id = $2::uuid)))`;
    const rows = await this.q<{ reason: string; source: 'case' | 'task'; n: number }>(
      `select reason, source, count(*)::int as n from (
         select 'case' as source, k.churn_reason as reason
           from cases k
          where k.churn_reason is not null and k.status = 'resolved'
            and ($3::timestamptz is null or k.resolved_at >= $3) and ($4::timestamptz is null or k.resolved_at < $4)
            and ${visible('e.learner_id = k.learner_id')}
         union all
         select 'task', t.churn_reason
           from tasks t
          where t.churn_reason is not null and t.status = 'done' and t.enrollment_id is not null
            and ($3::timestamptz is null or t.completed_at >= $3) and ($4::timestamptz is null or t.completed_at < $4)
            and ${visible('e.id = t.enrollment_id')}
         union all
         select 'task', t.churn_reason
           from tasks t
          where t.churn_reason is not null and t.status = 'done' and t.enrollment_id is null
            and ($3::timestamptz is null or t.completed_at >= $3) and ($4::timestamptz is null or t.completed_at < $4)
            and ${visible('e.learner_id = t.learner_id')}
       ) src
       group by 1, 2`,
      [s.teamIds, s.courseId ?? null, s.from, s.to],
    );
    return rows.map((r) => ({ reason: r.reason, source: r.source, n: Number(r.n) }));
  }

  /**
   * Per advisor of the visible teams: open cases and overdue tasks now; tasks done, first contacts (cases
   * opened) and outcomes (cases resolved) in [from, to). One indexed lookup set per advisor (lateral joins).
   */
  async advisors(now: Date, s: { teamIds: string[] | null; teamId?: string; from: Date; to: Date }): Promise<Array<Record<string, unknown>>> {
    return this.q(
      `select a.id, a.name, a.team_id, a.status, oc.n as open_cases, od.n as tasks_overdue, td.done as tasks_done, td.reached as calls_reached,
              ct.n as first_contact_n, ct.median_minutes, o.retained, o.churned, o.unreachable, o.not_at_risk
         from staff a
         cross join lateral (select count(*)::int as n from cases where advisor_id = a.id and status <> 'resolved') oc
         cross join lateral (select count(*)::int as n from tasks where assignee_id = a.id and status = 'scheduled' and due_at < $5) od
         cross join lateral (
           select count(*)::int as done, count(*) filter (where result = 'reached')::int as reached
             from tasks where assignee_id = a.id and status = 'done' and completed_at >= $3 and completed_at < $4) td
         cross join lateral (
           select count(*)::int as n, percentile_cont(0.5) within group (order by extract(epoch from (first_contact_at - opened_at)) / 60) as median_minutes
             from cases where advisor_id = a.id and first_contact_at is not null and opened_at >= $3 and opened_at < $4) ct
         cross join lateral (
           select count(*) filter (where outcome = 'retained')::int as retained, count(*) filter (where outcome = 'churned')::int as churned,
                  count(*) filter (where outcome = 'unreachable')::int as unreachable, count(*) filter (where outcome = 'not_at_risk')::int as not_at_risk
             from cases where advisor_id = a.id and status = 'resolved' and resolved_at >= $3 and resolved_at < $4) o
        where a.role = 'advisor' and ($1::uuid[] is null or a.team_id = any($1::uuid[])) and ($2::uuid is null or a.team_id = $2::uuid)
        order by a.name, a.id`,
      [s.teamIds, s.teamId ?? null, s.from, s.to, now],
    );
  }
}
