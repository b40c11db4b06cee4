import { TestApp, type TestStaff } from '../libs/testing/index.js';

/**
 * The demo (like any integration) sends hundreds of requests a minute and then logs in as each advisor.
 * Logins are rate-limited per client address on their own budget, so that traffic must not lock anyone out,
 * while the login limit itself still holds.
 */
describe('login rate limit is counted apart from other requests', () => {
  let app: TestApp;
  let advisor: TestStaff;
  beforeAll(async () => {
    app = await TestApp.start({ worker: false, env: { LOGIN_RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_PER_MINUTE: '1000' } });
    advisor = await app.staff.create('advisor');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lets a busy client log in, and still stops the fourth login in a minute', async () => {
    for (let i = 0; i < 20; i++) await app.http().get('/api/v1/me').set(advisor.auth).expect(200);
    for (let i = 0; i < 3; i++) {
      await app.http().post('/api/v1/auth/login').send({ email: advisor.email, password: advisor.password }).expect(200);
    }
    const limited = await app.http().post('/api/v1/auth/login').send({ email: advisor.email, password: advisor.password }).expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Other requests keep their own budget.
    await app.http().get('/api/v1/me').set(advisor.auth).expect(200);
  });
});
