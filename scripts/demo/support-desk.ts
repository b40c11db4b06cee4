import type { CareloopHttp } from './http.js';
import type { DemoLearner, TeamKey } from './school.js';

/**
 * The demo school's support desk: business hours with a lunch break (Asia/Shanghai), two SLA policies
 * (complaints and urgent tickets tighter), a small bilingual knowledge base and a dozen open tickets from
 * learners of both teams, so the ticket desk, its SLA clocks and the KB suggestions have something to show.
 * Safe to run again: calendars, policies and articles are looked up by name first, tickets carry an externalId.
 */
export const DEMO_CALENDAR = 'Demo school support hours';

const HOURS = Object.fromEntries(
  ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [
    d,
    [
      ['09:00', '12:00'],
      ['13:30', '18:00'],
    ],
  ]),
);

const ARTICLES = [
  {
    title: '如何重置密码 / Resetting your password',
    body: '在登录页点击“忘记密码”，输入注册手机号，按短信验证码设置新密码。\nOn the sign-in page choose "Forgot password", enter your phone number and set a new password with the SMS code.',
    tags: ['account', 'password', '密码'],
  },
  {
    title: '课程视频无法播放 / Lesson videos do not play',
    body: '请先刷新页面并切换到“标清”；仍不行请清除浏览器缓存或换用 App。\nRefresh the page and switch to standard quality; if it still fails, clear the browser cache or use the app.',
    tags: ['technical', 'video', '视频'],
  },
  {
    title: '如何暂停学习计划 / Pausing your studies',
    body: '在“我的课程”中选择“暂停”，最长 60 天，进度会保留，到期自动恢复。\nIn "My courses" choose "Pause" for up to 60 days; progress is kept and the course resumes by itself.',
    tags: ['learning', 'pause', '暂停'],
  },
  {
    title: '作业逾期怎么办 / Late assignments',
    body: '逾期 7 天内仍可提交，老师会照常批改；超过 7 天请联系学习顾问补交。\nAssignments can still be handed in up to 7 days late; after that, ask your advisor.',
    tags: ['learning', 'assignment', '作业'],
  },
  {
    title: '退费与发票 / Refunds and invoices',
    body: '开课 7 天内可全额退费；发票在“订单”页申请，3 个工作日内发到邮箱。\nFull refund within 7 days of the start; request invoices on the Orders page, sent within 3 working days.',
    tags: ['billing', 'refund', '退费', '发票'],
  },
  {
    title: '联系不上老师 / No answer from the teacher',
    body: '答疑时间为工作日 9:00–18:00；提问后 2 个工作小时内会有回复，投诉会转给主管。\nQuestions are answered on working days 9:00–18:00 within 2 business hours; complaints go to a supervisor.',
    tags: ['complaint', 'teacher', '投诉'],
  },
];

const TICKETS: Array<{
  category: 'technical' | 'learning' | 'account' | 'billing' | 'complaint';
  priority: 'low' | 'medium' | 'high' | 'urgent';
  subject: string;
  body: string;
}> = [
  { category: 'technical', priority: 'medium', subject: '视频一直在缓冲', body: '第 5 课的视频一直在缓冲，换了浏览器也一样。' },
  { category: 'account', priority: 'low', subject: '忘记密码了', body: '手机号换了，收不到验证码，怎么重置密码？' },
  {
    category: 'learning',
    priority: 'medium',
    subject: 'Assignment 3 is late',
    body: 'I was travelling and missed the deadline for assignment 3. Can I still hand it in?',
  },
  { category: 'complaint', priority: 'high', subject: '提问三天没人回', body: '上周五提的问题到现在都没人回复，太失望了。' },
  { category: 'billing', priority: 'medium', subject: '申请发票', body: '请问公司报销需要的发票在哪里申请？' },
  { category: 'learning', priority: 'low', subject: '想暂停两周', body: '下个月要出差两周，可以暂停课程吗？进度会保留吗？' },
  { category: 'technical', priority: 'high', subject: 'App crashes when I open lesson 12', body: 'The app closes every time I open lesson 12 on my phone.' },
  { category: 'complaint', priority: 'urgent', subject: '课程内容和宣传不符', body: '报名时说有一对一辅导，现在一直没有安排，要求退费。' },
  { category: 'learning', priority: 'medium', subject: '进度跟不上', body: '工作太忙，已经落后好几课了，有没有建议？' },
  { category: 'account', priority: 'medium', subject: 'Change my phone number', body: 'I have a new phone number; how do I update it on my account?' },
  { category: 'billing', priority: 'high', subject: '重复扣费', body: '这个月被扣了两次学费，请尽快处理。' },
  { category: 'technical', priority: 'low', subject: '字幕不同步', body: '第 2 课的字幕比声音慢两秒。' },
];

export async function loadSupportDesk(
  http: CareloopHttp,
  admin: string,
  teams: Record<TeamKey, string>,
  learners: DemoLearner[],
  log: (l: string) => void,
): Promise<{ tickets: number; articles: number }> {
  log('Setting up the support desk: business hours, SLA policies, knowledge base, a dozen tickets');
  const calendars = await http.get<Array<{ id: string; name: string }> | { items: Array<{ id: string; name: string }> }>('/calendars', admin);
  const list = Array.isArray(calendars) ? calendars : calendars.items;
  let calendarId = list.find((c) => c.name === DEMO_CALENDAR)?.id;
  if (!calendarId)
    calendarId = (
      await http.send<{ id: string }>('POST', '/calendars', admin, { name: DEMO_CALENDAR, timezone: 'Asia/Shanghai', hours: HOURS, holidays: [], workdays: [] })
    ).id;
  const policies = await http.get<Array<{ name: string }> | { items: Array<{ name: string }> }>('/sla-policies', admin);
  const names = new Set((Array.isArray(policies) ? policies : policies.items).map((p) => p.name));
  if (!names.has('Complaints and urgent')) {
    await http.send('POST', '/sla-policies', admin, {
      name: 'Complaints and urgent',
      position: 10,
      match: { category: 'complaint' },
      calendarId,
      firstResponseMinutes: 60,
      resolutionMinutes: 480,
    });
  }
  if (!names.has('Everything else')) {
    await http.send('POST', '/sla-policies', admin, {
      name: 'Everything else',
      position: 100,
      match: {},
      calendarId,
      firstResponseMinutes: 120,
      resolutionMinutes: 960,
    });
  }
  // Learning questions and complaints to the northern team's desk, the rest to the southern one.
  const north = ['learning', 'complaint'];
  await http.send('PUT', '/ticket-routes', admin, {
    routes: ['technical', 'learning', 'account', 'billing', 'complaint'].map((category) => ({
      category,
      teamId: north.includes(category) ? teams.north : teams.south,
    })),
  });
  const existing = await http.get<{ items: Array<{ title: string }> }>('/kb/articles?limit=100', admin);
  const titles = new Set(existing.items.map((a) => a.title));
  for (const a of ARTICLES) if (!titles.has(a.title)) await http.send('POST', '/kb/articles', admin, a);
  // Learners still studying, spread over the school (every seventh), so both teams' desks get tickets.
  const studying = learners.filter((l) => l.enrollment.status === 'active');
  let tickets = 0;
  for (const [i, t] of TICKETS.entries()) {
    const learner = studying[(i * 7) % Math.max(1, studying.length)];
    if (!learner) break;
    await http.send('POST', '/tickets', admin, { ...t, learnerExternalId: learner.learner.externalId, externalId: `DEMO-T${String(i + 1).padStart(3, '0')}` });
    tickets++;
  }
  log(`  ${tickets} tickets, ${ARTICLES.length} knowledge-base articles, 2 SLA policies on "${DEMO_CALENDAR}"`);
  return { tickets, articles: ARTICLES.length };
}
