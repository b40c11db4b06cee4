import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily queue counts an advisor's calls closed today, done or missed (libs/tasks/tasks.repository.ts
 * `queueDay`). The index on done calls alone left that count reading every closed call the advisor ever had
 * through (assignee, status, due); with missed calls in the index it reads today's. Analytics' count of done calls
 * still uses it: `status = 'done'` implies the wider predicate.
 */
export class ClosedTasksByAssignee1764100050000 implements MigrationInterface {
  name = 'ClosedTasksByAssignee1764100050000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`create index tasks_closed_by_assignee_idx on tasks (assignee_id, completed_at) where status in ('done', 'missed')`);
    await q.query(`drop index tasks_done_by_assignee_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`create index tasks_done_by_assignee_idx on tasks (assignee_id, completed_at) where status = 'done'`);
    await q.query(`drop index tasks_closed_by_assignee_idx`);
  }
}
