import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases and the assignment policy (issue 5): the intake marker on alerts (which open alerts the case intake
 * has taken in), the supervisor escalation queue, the course a case is about (skill matching when it waits in
 * the pool), and the indexes behind the case list, the pool backfill and the escalation sweep.
 */
export class CasesAssignment1764100005000 implements MigrationInterface {
  name = 'CasesAssignment1764100005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table alerts add column case_intake_at timestamptz`);
    // Exactly the alerts still waiting for the case intake, so claiming a batch never walks processed rows.
    await q.query(`create index alerts_case_intake_pending on alerts (opened_at, id) where status = 'open' and case_intake_at is null`);
    await q.query(`
      alter table cases
        add column queue text not null default 'advisor' check (queue in ('advisor','escalation')),
        add column course_id uuid references courses(id),
        add column escalated_to uuid references staff(id),
        add column assignment_reason text`);
    await q.query(`create index cases_list_idx on cases (priority_score desc, due_at, id)`);
    await q.query(`create index cases_team_status_idx on cases (team_id, status)`);
    await q.query(`create index cases_escalation_due_idx on cases (due_at) where status <> 'resolved' and first_contact_at is null and escalated_at is null`);
    await q.query(`create index case_alerts_alert_idx on case_alerts (alert_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists case_alerts_alert_idx`);
    await q.query(`drop index if exists cases_escalation_due_idx`);
    await q.query(`drop index if exists cases_team_status_idx`);
    await q.query(`drop index if exists cases_list_idx`);
    await q.query(`alter table cases drop column assignment_reason, drop column escalated_to, drop column course_id, drop column queue`);
    await q.query(`drop index if exists alerts_case_intake_pending`);
    await q.query(`alter table alerts drop column case_intake_at`);
  }
}
