import { randomUUID } from 'node:crypto';
import { TestApp, type TestStaff } from '../libs/testing/index.js';

describe('knowledge base (e2e)', () => {
  let app: TestApp;
  let admin: TestStaff;
  let desk: Awaited<ReturnType<TestApp['staff']['teamWithPeople']>>;
  const ids: Record<string, string> = {};
  // Unique words keep this file's articles apart from any other test's in the shared database.
  const tag = `kb${randomUUID().slice(0, 6)}`;

  const write = async (key: string, title: string, body: string, tags: string[] = []) => {
    const res = await app
      .http()
      .post('/api/v1/kb/articles')
      .set(admin.auth)
      .send({ title, body, tags: [...tags, tag] });
    expect(res.status).toBe(201);
    ids[key] = res.body.id;
  };
  const search = async (q: string, extra = '') => {
    const res = await app
      .http()
      .get(`/api/v1/kb/articles?tag=${tag}&q=${encodeURIComponent(q)}${extra}`)
      .set(admin.auth);
    expect(res.status).toBe(200);
    return res.body.items as Array<{ id: string; title: string; score: number; uses: number }>;
  };

  beforeAll(async () => {
    app = await TestApp.start();
    admin = await app.staff.create('admin');
    desk = await app.staff.teamWithPeople(1);
    await write('password', '如何重置登录密码', '在登录页点击“忘记密码”，输入手机号获取验证码，然后设置新密码。', ['账号']);
    await write('video', '课程视频无法播放怎么办', '请清除浏览器缓存，或者换用最新版的 Chrome 浏览器；网络较慢时可以降低清晰度。', ['技术']);
    await write('refund', '退款规则', '购买七天内未学习超过三节课，可以申请全额退款。', ['账单']);
    await write('english', 'Resetting your password', 'Open the login page, click "Forgot password" and follow the link we email you.', ['account']);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('finds Chinese articles from differently worded Chinese questions', async () => {
    expect((await search('密码忘了，怎么重置？'))[0].id).toBe(ids.password);
    expect((await search('视频播放不了'))[0].id).toBe(ids.video);
    expect((await search('我想申请退款'))[0].id).toBe(ids.refund);
    expect(await search('天气预报')).toEqual([]);
  });

  it('finds English articles by words regardless of inflection', async () => {
    const hits = await search('How can I reset my passwords?');
    expect(hits[0].id).toBe(ids.english);
    expect(hits.map((h) => h.id)).not.toContain(ids.video);
  });

  it('suggests articles on the ticket, and records an article used as a reply so it ranks higher for that category', async () => {
    const [l] = await app.db.query(`insert into learners (external_id, name) values ($1, '王小明') returning id`, [`kb-${tag}`]);
    const created = await app
      .http()
      .post('/api/v1/tickets')
      .set(admin.auth)
      .send({ learnerId: l.id, category: 'technical', subject: '视频一直无法播放', body: '打开课程视频就黑屏，浏览器是 Chrome。' });
    expect(created.status).toBe(201);
    const ticket = await app.http().get(`/api/v1/tickets/${created.body.id}`).set(admin.auth);
    expect(ticket.body.suggestedArticles[0]).toMatchObject({ id: ids.video, title: '课程视频无法播放怎么办' });
    expect(ticket.body.suggestedArticles.map((a: { id: string }) => a.id)).not.toContain(ids.refund);

    const reply = await app.http().post(`/api/v1/tickets/${created.body.id}/messages`).set(admin.auth).send({ kbArticleId: ids.video });
    expect(reply.status).toBe(201);
    expect(reply.body.messages[0]).toMatchObject({ kbArticleId: ids.video, body: expect.stringContaining('清除浏览器缓存') });
    expect(reply.body.firstRespondedAt).not.toBeNull();
    const article = await app.http().get(`/api/v1/kb/articles/${ids.video}`).set(admin.auth);
    expect(article.body).toMatchObject({ uses: 1, usesByCategory: { technical: 1 } });
    const ranked = await search('播放', '&category=technical');
    expect(ranked[0]).toMatchObject({ id: ids.video, uses: 1 });

    const missing = await app.http().post(`/api/v1/tickets/${created.body.id}/messages`).set(admin.auth).send({ kbArticleId: randomUUID() });
    expect(missing.status).toBe(400);
    expect(missing.body.details[0].field).toBe('kbArticleId');
  });

  it('learns from replies: a question worded like one an article answered finds it without shared words', async () => {
    const [l] = await app.db.query(`insert into learners (external_id, name) values ($1, 'Sam') returning id`, [`kb2-${tag}`]);
    const ask = async (subject: string) => {
      const res = await app
        .http()
        .post('/api/v1/tickets')
        .set(admin.auth)
        .send({ learnerId: l.id, category: 'account', subject, body: `${tag} cannot sign in` });
      return (await app.http().get(`/api/v1/tickets/${res.body.id}`).set(admin.auth)).body;
    };
    const first = await ask('Locked out of the app');
    expect(first.suggestedArticles.map((a: { id: string }) => a.id)).not.toContain(ids.english);
    await app.http().post(`/api/v1/tickets/${first.id}/messages`).set(admin.auth).send({ kbArticleId: ids.english }).expect(201);
    const second = await ask('Locked out again');
    expect(second.suggestedArticles[0]?.id).toBe(ids.english);
  });

  it('only admins and supervisors write articles; anyone on staff reads them', async () => {
    await app.http().post('/api/v1/kb/articles').set(desk.advisors[0].auth).send({ title: 't', body: 'b' }).expect(403);
    await app.http().get(`/api/v1/kb/articles/${ids.refund}`).set(desk.advisors[0].auth).expect(200);
    const edited = await app.http().patch(`/api/v1/kb/articles/${ids.refund}`).set(desk.supervisor.auth).send({ title: '退款与退费规则' });
    expect(edited.status).toBe(200);
    expect((await search('退费'))[0].id).toBe(ids.refund);
    const bad = await app.http().post('/api/v1/kb/articles').set(admin.auth).send({ title: '', body: 'b', tags: 'x' });
    expect(bad.status).toBe(400);
    expect([...new Set(bad.body.details.map((d: { field: string }) => d.field))].sort()).toEqual(['tags', 'title']);
  });
});
