import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Learner data: monthly partitions for activity events (a function the worker calls ahead of time), and the
 * indexes the sync endpoints and learner views need.
 */
export class LearnerData1764100003000 implements MigrationInterface {
  name = 'LearnerData1764100003000';

  async up(q: QueryRunner): Promise<void> {
    // Creates the partition for the month containing `month` if it is missing. Rows that already landed in the
    // default partition for that month are moved into the new partition first, so ATTACH never fails.
    await q.query(`
      create or replace function careloop_ensure_event_partition(month date) returns boolean
      language plpgsql as $fn$
      declare
        start_at timestamptz := date_trunc('month', month::timestamp) at time zone 'UTC';
        end_at timestamptz := (date_trunc('month', month::timestamp) + interval '1 month') at time zone 'UTC';
        part text := 'activity_events_' || to_char(date_trunc('month', month::timestamp), 'YYYY_MM');
      begin
        if to_regclass(part) is not null then
          return false;
        end if;
        -- Serialise concurrent callers (several workers) on the parent table.
        lock table activity_events in share row exclusive mode;
        if to_regclass(part) is not null then
          return false;
        end if;
        execute format('create table %I (like activity_events including defaults including constraints)', part);
        execute format(
          'with moved as (delete from activity_events_default where occurred_at >= %L and occurred_at < %L returning *) insert into %I select * from moved',
          start_at, end_at, part);
        execute format('alter table activity_events attach partition %I for values from (%L) to (%L)', part, start_at, end_at);
        return true;
      end
      $fn$`);
    // The previous year (initial back-fills) through three months ahead; the worker keeps adding months.
    await q.query(`
      select careloop_ensure_event_partition(m::date)
      from generate_series(date_trunc('month', now()) - interval '12 months', date_trunc('month', now()) + interval '3 months', interval '1 month') m`);

    // Ingest updates last logins, completed lessons and daily rollups in place: leave room on each page so
    // those are HOT updates (no new entries in the learners' trigram and other indexes).
    await q.query(`alter table learners set (fillfactor = 80)`);
    await q.query(`alter table enrollments set (fillfactor = 80)`);
    await q.query(`alter table enrollment_daily set (fillfactor = 85)`);
    // The learner list order (name, id) for keyset pagination.
    await q.query(`create index if not exists learners_name_id_idx on learners (name, id)`);
    await q.query(`create index if not exists enrollments_learner_course_idx on enrollments (learner_id, course_id, enrolled_at desc)`);
    await q.query(`create index if not exists alerts_learner_opened_idx on alerts (learner_id, opened_at desc)`);
    await q.query(`create index if not exists cases_learner_idx on cases (learner_id, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists cases_learner_idx`);
    await q.query(`drop index if exists alerts_learner_opened_idx`);
    await q.query(`drop index if exists enrollments_learner_course_idx`);
    await q.query(`drop index if exists learners_name_id_idx`);
    for (const t of ['learners', 'enrollments', 'enrollment_daily']) await q.query(`alter table ${t} reset (fillfactor)`);
    await q.query(`drop function if exists careloop_ensure_event_partition(date)`);
  }
}
