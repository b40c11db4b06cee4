import { TestApp } from '../libs/testing/index.js';

describe('foundation smoke', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers ready', async () => {
    const res = await app.http().get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });
});
