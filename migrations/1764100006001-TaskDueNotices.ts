import type { MigrationInterface, QueryRunner } from 'typeorm';

/** `task.due` notices: when a scheduled task's due notice went out (once per task and due time). */
export class TaskDueNotices1764100006001 implements MigrationInterface {
  name = 'TaskDueNotices1764100006001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table tasks add column due_notified_at timestamptz`);
    await q.query(`create index tasks_due_notice_idx on tasks (due_at) where status = 'scheduled' and due_notified_at is null`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop index if exists tasks_due_notice_idx`);
    await q.query(`alter table tasks drop column if exists due_notified_at`);
  }
}
