import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assignments known before they are submitted, so the late_assignments rule can count the ones still missing
 * (docs/design.md §3: "submitted, or still not submitted, more than 3 days after its due date"). Until now the only
 * assignment data was the `assignment_submitted` event, so an assignment never submitted never reached careloop.
 * The learning platform now sends `assignment_assigned {assignmentId, dueAt}`; it is stored in
 * enrollment_assignments with no submission (submitted_at and late_hours null) until the submission arrives.
 */
export class MissingAssignments1764100009500 implements MigrationInterface {
  name = 'MissingAssignments1764100009500';

  async up(q: QueryRunner): Promise<void> {
    // Dropping the parent's check drops it from every attached partition; the new one reaches them all. NOT VALID:
    // every stored row passed the narrower check, so scanning the events again would prove nothing.
    await q.query(`alter table activity_events drop constraint activity_events_type_check`);
    await q.query(`
      alter table activity_events add constraint activity_events_type_check
        check (type in ('login','lesson_completed','study_session','assignment_assigned','assignment_submitted','complaint','renewal')) not valid`);
    await q.query(`alter table enrollment_assignments alter column submitted_at drop not null, alter column late_hours drop not null`);
    await q.query(`
      alter table enrollment_assignments add constraint enrollment_assignments_submission_check
        check ((submitted_at is null) = (late_hours is null))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table enrollment_assignments drop constraint enrollment_assignments_submission_check`);
    await q.query(`delete from enrollment_assignments where submitted_at is null`);
    await q.query(`alter table enrollment_assignments alter column submitted_at set not null, alter column late_hours set not null`);
    await q.query(`delete from activity_events where type = 'assignment_assigned'`);
    await q.query(`alter table activity_events drop constraint activity_events_type_check`);
    await q.query(`
      alter table activity_events add constraint activity_events_type_check
        check (type in ('login','lesson_completed','study_session','assignment_submitted','complaint','renewal'))`);
  }
}
