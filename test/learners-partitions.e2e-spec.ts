import { randomUUID } from 'node:crypto';
import { MaintenanceProcessor } from '../apps/worker/src/processors/maintenance.processor.js';
import { TestApp } from '../libs/testing/index.js';

describe('activity event partitions', () => {
  let app: TestApp;
  const p = randomUUID().slice(0, 8);

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('creates the coming months ahead, moving rows the default partition caught, idempotently', async () => {
    const admin = await app.staff.create('admin');
    const res = await app
      .http()
      .post('/api/v1/api-clients')
      .set(admin.auth)
      .send({ name: `lms-${p}`, scopes: ['sync:write'] });
    const key = { Authorization: `Bearer ${res.body.key}` };
    await app
      .http()
      .put('/api/v1/sync/learners')
      .set(key)
      .send({ items: [{ externalId: `${p}-l`, name: 'Future' }] })
      .expect(200);
    // Far beyond the months the migration created: lands in the default partition.
    const year = 2040 + Math.floor(Math.random() * 40);
    await app
      .http()
      .post('/api/v1/sync/events')
      .set(key)
      .send({ items: [{ eventId: `${p}-e`, learnerExternalId: `${p}-l`, type: 'login', occurredAt: `${year}-02-10T08:00:00Z` }] })
      .expect(200);
    const where = async () => (await app.db.query(`select tableoid::regclass::text as part from activity_events where event_id = $1`, [`${p}-e`]))[0].part;
    expect(await where()).toBe('activity_events_default');

    app.setNow(`${year}-01-20T00:00:00Z`);
    const job = { name: 'maintenance.partitions', queueName: 'maintenance', data: {} };
    const first = (await app.get(MaintenanceProcessor, 'worker').process(job as never)) as { created: string[] };
    expect(first.created).toEqual([`${year}-01`, `${year}-02`, `${year}-03`, `${year}-04`]);
    expect(await where()).toBe(`activity_events_${year}_02`);
    const again = (await app.get(MaintenanceProcessor, 'worker').process(job as never)) as { created: string[] };
    expect(again.created).toEqual([]);
    app.setNow(undefined);
  });
});
