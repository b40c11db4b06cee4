import { jobId, QueueName } from '../libs/queue/jobs.js';
import { QueueService } from '../libs/queue/queue.service.js';
import { dueNoticeJobId } from '../libs/tasks/due-notices.service.js';
import { eventually, TestApp, type TestStaff } from '../libs/testing/index.js';
import { LearningDataFactory } from '../libs/testing/learning-data.factory.js';

/**
 * task.due goes out at the task's due time: the sweep enqueues a delayed job per due time, the job announces
 * what is still due then. Real clock (BullMQ delays are real time); tasks are due a few seconds ahead.
 */
describe('task.due at the due time', () => {
  let app: TestApp;
  let advisor: TestStaff;
  let learner: { id: string; enrollmentId: string };
  let sweeps = 0;

  beforeAll(async () => {
    app = await TestApp.start();
    advisor = await app.staff.create('advisor');
    const e = await new LearningDataFactory(app.db).enrollment({
      enrolledAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      learner: { ownerAdvisorId: advisor.id },
    });
    learner = { id: e.learnerId, enrollmentId: e.id };
  });
  afterAll(async () => {
    await app?.close();
  });

  const tasksQueue = () => app.get(QueueService).queue(QueueName.Tasks);
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

  async function task(dueAt: Date): Promise<string> {
    const [row] = await app.db.query(
      `insert into tasks (kind, assignee_id, learner_id, enrollment_id, due_at, window_end_at, status)
       values ('care_call', $1, $2, $3, $4, $4::timestamptz + interval '15 minutes', 'scheduled') returning id`,
      [advisor.id, learner.id, learner.enrollmentId, dueAt.toISOString()],
    );
    return row.id;
  }

  /** Runs the due sweep as its scheduler would, and waits for it to finish. */
  async function sweep(): Promise<void> {
    const id = jobId('test-due-sweep', ++sweeps);
    await app.get(QueueService).enqueue('tasks.due-sweep', {}, { jobId: id });
    await eventually(async () => (await tasksQueue().getJobState(id)) === 'completed');
  }

  async function notices(taskId: string): Promise<Array<{ created_at: Date; payload: { taskId: string; dueAt: string; assigneeId: string; kind: string } }>> {
    return app.db.query(`select created_at, payload from outbox where event_type = 'task.due' and aggregate_id = $1 order by id`, [taskId]);
  }

  async function noticeJobDone(taskIds: string[], dueAt: Date): Promise<void> {
    await eventually(async () => (await tasksQueue().getJobState(dueNoticeJobId(taskIds, dueAt.getTime()))) === 'completed', 30_000);
  }

  it('announces a task at its due time, not before, once', async () => {
    const due = inSeconds(2);
    const t = await task(due);
    await sweep();
    const [notice] = await eventually(async () => ((await notices(t)).length ? notices(t) : undefined), 30_000);
    expect(notice.payload).toMatchObject({ taskId: t, dueAt: due.toISOString(), assigneeId: advisor.id, kind: 'care_call' });
    expect(new Date(notice.created_at).getTime()).toBeGreaterThanOrEqual(due.getTime());
    await noticeJobDone([t], due);
    await sweep();
    expect(await notices(t)).toHaveLength(1);
  });

  it('announces a task rescheduled before it is due at the new time only, once', async () => {
    const first = inSeconds(5);
    const t = await task(first);
    await sweep();
    const moved = inSeconds(8);
    expect((await app.http().post(`/api/v1/tasks/${t}/reschedule`).set(advisor.auth).send({ dueAt: moved.toISOString() })).status).toBe(200);
    await sweep();
    const [notice] = await eventually(async () => ((await notices(t)).length ? notices(t) : undefined), 30_000);
    expect(notice.payload.dueAt).toBe(moved.toISOString());
    expect(new Date(notice.created_at).getTime()).toBeGreaterThanOrEqual(moved.getTime());
    // The job for the old time ran and found nothing due then.
    await noticeJobDone([t], first);
    await noticeJobDone([t], moved);
    expect(await notices(t)).toHaveLength(1);
  });

  it('announces a task again when it is moved after its notice went out', async () => {
    const t = await task(new Date(Date.now() - 60_000));
    await sweep(); // already due: announced by the sweep itself
    expect(await notices(t)).toHaveLength(1);
    const moved = inSeconds(2);
    expect((await app.http().post(`/api/v1/tasks/${t}/reschedule`).set(advisor.auth).send({ dueAt: moved.toISOString() })).status).toBe(200);
    await sweep();
    const all = await eventually(async () => ((await notices(t)).length === 2 ? notices(t) : undefined), 30_000);
    expect(all[1].payload.dueAt).toBe(moved.toISOString());
    expect(new Date(all[1].created_at).getTime()).toBeGreaterThanOrEqual(moved.getTime());
  });

  it('never announces a task completed before it is due', async () => {
    const due = inSeconds(4);
    const t = await task(due);
    await sweep();
    expect((await app.http().post(`/api/v1/tasks/${t}/outcome`).set(advisor.auth).send({ result: 'reached' })).status).toBe(200);
    await noticeJobDone([t], due);
    await sweep();
    expect(await notices(t)).toHaveLength(0);
  });

  it('enqueues one job per due time, however often the sweep runs', async () => {
    const due = inSeconds(3);
    const ids = [await task(due), await task(due)].sort();
    await sweep();
    await sweep();
    const jobs = (await tasksQueue().getJobs(['delayed', 'waiting', 'active', 'completed', 'failed'])).filter(
      (j) => j.name === 'tasks.due-notify' && (j.data.taskIds as string[]).some((id) => ids.includes(id)),
    );
    expect(jobs.map((j) => [j.id, j.data])).toEqual([[dueNoticeJobId(ids, due.getTime()), { taskIds: ids, dueAt: due.toISOString() }]]);
    await noticeJobDone(ids, due);
    for (const id of ids) expect(await notices(id)).toHaveLength(1);
  });
});
