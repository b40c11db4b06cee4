/**
 * The ingest hot path as ONE statement (one round trip, atomic on its own): resolve external ids, claim event
 * ids in activity_event_ids (ON CONFLICT DO NOTHING … RETURNING), store only the events that were new, and
 * fold exactly those into the rollups (enrollment_daily, distinct lessons, assignments set and submitted, last logins,
 * completed lessons). Replays and concurrent overlapping batches therefore never double-count: an event id is
 * claimed by exactly one transaction, and only the claimer's statement counts it.
 *
 * $1..$7: parallel arrays (item index, event id, learner and course external ids, type, occurred at, data);
 * $8: the school time zone.
 *
 * Learner-level events (login, complaint without courseExternalId) count for each of the learner's
 * enrolments running that day (school-tz day between the enrolment day and its expiry day, any status).
 * Course events go to the learner's enrolment in that course (the latest one started by the event's time).
 * Rows are inserted in key order so concurrent batches take row locks in the same order; events in time
 * order (one partition after the other). `data` travels as text and is parsed only for new events.
 */
export const INGEST_EVENTS_SQL = `
with input as (
  select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
    as t(i, event_id, lx, cx, type, occurred_at, data)
),
resolved as (
  select i.i, i.event_id, i.type, i.occurred_at, i.data, l.id as learner_id, c.id as course_id,
         (i.cx is not null and c.id is null) as unknown_course
  from input i
  left join learners l on l.external_id = i.lx
  left join courses c on c.external_id = i.cx
),
new_ids as (
  insert into activity_event_ids (event_id, occurred_at)
  select event_id, occurred_at from resolved where learner_id is not null and not unknown_course order by event_id
  on conflict do nothing
  returning event_id
),
fresh as (
  select r.i, r.event_id, r.type, r.occurred_at, r.data::jsonb as data, r.learner_id, r.course_id, en.id as enrollment_id
  from resolved r
  join new_ids n on n.event_id = r.event_id
  left join lateral (
    select e.id from enrollments e
    where e.learner_id = r.learner_id and e.course_id = r.course_id
    order by (e.enrolled_at <= r.occurred_at) desc, e.enrolled_at desc
    limit 1
  ) en on true
),
stored as (
  insert into activity_events (event_id, learner_id, course_id, enrollment_id, type, occurred_at, data)
  select event_id, learner_id, course_id, enrollment_id, type, occurred_at, data from fresh order by occurred_at
),
targets as (
  select f.enrollment_id, f.type, f.occurred_at, f.data from fresh f where f.enrollment_id is not null
  union all
  select e.id, f.type, f.occurred_at, f.data
  from fresh f
  join enrollments e on e.learner_id = f.learner_id
   and (e.enrolled_at at time zone $8)::date <= (f.occurred_at at time zone $8)::date
   and (e.expires_at is null or (f.occurred_at at time zone $8)::date <= (e.expires_at at time zone $8)::date)
  where f.course_id is null and f.type in ('login', 'complaint')
),
lessons as (
  insert into enrollment_lessons (enrollment_id, lesson_id, completed_at)
  select distinct on (enrollment_id, data->>'lessonId') enrollment_id, data->>'lessonId', occurred_at
  from targets where type = 'lesson_completed'
  order by enrollment_id, data->>'lessonId', occurred_at
  on conflict do nothing
  returning enrollment_id, completed_at
),
-- One row per assignment: set (assignment_assigned, not submitted yet) or submitted. A submission fills in an
-- assignment stored as set, once; a set assignment never overwrites a submission. Only submissions reach the rollups.
assignments as (
  insert into enrollment_assignments as ea (enrollment_id, assignment_id, due_at, submitted_at, late_hours)
  select enrollment_id, assignment_id, due_at, submitted_at,
         case when submitted_at is not null then greatest(0, round((extract(epoch from submitted_at - due_at) / 3600)::numeric, 2)) end
  from (
    select distinct on (enrollment_id, data->>'assignmentId') enrollment_id, data->>'assignmentId' as assignment_id,
           (data->>'dueAt')::timestamptz as due_at,
           case when type = 'assignment_submitted' then coalesce((data->>'submittedAt')::timestamptz, occurred_at) end as submitted_at
    from targets where type in ('assignment_submitted', 'assignment_assigned')
    order by enrollment_id, data->>'assignmentId', (type = 'assignment_submitted') desc, occurred_at
  ) a
  order by enrollment_id, assignment_id
  on conflict (enrollment_id, assignment_id) do update
    set due_at = excluded.due_at, submitted_at = excluded.submitted_at, late_hours = excluded.late_hours
    where ea.submitted_at is null and excluded.submitted_at is not null
  returning enrollment_id, submitted_at, late_hours
),
deltas as (
  select enrollment_id, (at at time zone $8)::date as day,
         sum(logins)::int as logins, sum(minutes)::int as minutes, sum(lessons)::int as lessons,
         sum(subs)::int as subs, sum(late)::int as late, sum(complaints)::int as complaints
  from (
    select enrollment_id, occurred_at as at, (type = 'login')::int as logins,
           case when type = 'study_session' then round((data->>'minutes')::numeric)::int else 0 end as minutes,
           0 as lessons, 0 as subs, 0 as late, (type = 'complaint')::int as complaints
    from targets where type in ('login', 'study_session', 'complaint')
    union all
    select enrollment_id, completed_at, 0, 0, 1, 0, 0, 0 from lessons
    union all
    select enrollment_id, submitted_at, 0, 0, 0, 1, (late_hours > 0)::int, 0 from assignments where submitted_at is not null
  ) x
  group by 1, 2
),
daily as (
  insert into enrollment_daily as d (enrollment_id, day, logins, study_minutes, lessons_completed, assignments_submitted, assignments_late, complaints)
  select enrollment_id, day, logins, minutes, lessons, subs, late, complaints from deltas order by enrollment_id, day
  on conflict (enrollment_id, day) do update set
    logins = d.logins + excluded.logins,
    study_minutes = d.study_minutes + excluded.study_minutes,
    lessons_completed = d.lessons_completed + excluded.lessons_completed,
    assignments_submitted = d.assignments_submitted + excluded.assignments_submitted,
    assignments_late = d.assignments_late + excluded.assignments_late,
    complaints = d.complaints + excluded.complaints
),
enrollment_changes as (
  select enrollment_id, sum(lessons)::int as lessons, max(last_login) as last_login
  from (
    select enrollment_id, 0 as lessons, max(occurred_at) as last_login from targets where type = 'login' group by 1
    union all
    select enrollment_id, count(*)::int, null from lessons group by 1
  ) y
  group by 1
),
enrollment_updates as (
  update enrollments e set
    completed_lessons = e.completed_lessons + x.lessons,
    last_login_at = greatest(e.last_login_at, x.last_login)
  from (select * from enrollment_changes order by enrollment_id) x
  where e.id = x.enrollment_id and (x.lessons > 0 or e.last_login_at is null or e.last_login_at < x.last_login)
),
learner_updates as (
  update learners l set last_login_at = greatest(l.last_login_at, x.at)
  from (select learner_id, max(occurred_at) as at from fresh where type = 'login' group by 1 order by 1) x
  where l.id = x.learner_id and (l.last_login_at is null or l.last_login_at < x.at)
)
select r.i, r.learner_id is null as unknown_learner, r.unknown_course, n.event_id is not null as created
from resolved r left join new_ids n on n.event_id = r.event_id
`;
