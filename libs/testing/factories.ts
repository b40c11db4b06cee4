import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { TokenService } from '../auth/token.service.js';
import { PasswordHasher } from '../staff/password-hasher.js';
import type { WeeklyHours } from '../common/working-hours.js';

export const TEST_PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

export interface TestStaff {
  id: string;
  email: string;
  password: string;
  role: 'admin' | 'supervisor' | 'advisor';
  teamId: string | null;
  token: string;
  /** `{ Authorization: 'Bearer …' }` for supertest's .set() */
  auth: { Authorization: string };
}

const WEEKDAYS_9_TO_1730: WeeklyHours = {
  mon: [['09:00', '17:30']],
  tue: [['09:00', '17:30']],
  wed: [['09:00', '17:30']],
  thu: [['09:00', '17:30']],
  fri: [['09:00', '17:30']],
};

/** Seeds teams and staff straight into the database (hash computed once) and signs their tokens. */
export class StaffFactory {
  constructor(
    private readonly db: DataSource,
    private readonly tokens: TokenService,
  ) {}

  async team(name = `team-${randomUUID().slice(0, 8)}`, supervisorId: string | null = null): Promise<{ id: string; name: string }> {
    const [row] = await this.db.query(`insert into teams (name, supervisor_id) values ($1, $2) returning id, name`, [name, supervisorId]);
    return row;
  }

  async create(
    role: TestStaff['role'],
    opts: { teamId?: string | null; capacity?: number; skills?: string[]; timezone?: string; workingHours?: WeeklyHours; status?: string; name?: string } = {},
  ): Promise<TestStaff> {
    passwordHash ??= new PasswordHasher().hash(TEST_PASSWORD);
    const email = `${role}-${randomUUID().slice(0, 12)}@test.careloop`;
    const [row] = await this.db.query(
      `insert into staff (email, name, password_hash, role, team_id, capacity, skills, timezone, working_hours, status)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [
        email,
        opts.name ?? `${role} ${email.slice(role.length + 1, role.length + 7)}`,
        await passwordHash,
        role,
        opts.teamId ?? null,
        opts.capacity ?? 60,
        opts.skills ?? [],
        opts.timezone ?? 'Asia/Shanghai',
        JSON.stringify(opts.workingHours ?? WEEKDAYS_9_TO_1730),
        opts.status ?? 'active',
      ],
    );
    const { accessToken } = this.tokens.sign({ sub: row.id, role });
    return {
      id: row.id,
      email,
      password: TEST_PASSWORD,
      role,
      teamId: opts.teamId ?? null,
      token: accessToken,
      auth: { Authorization: `Bearer ${accessToken}` },
    };
  }

  /** A team with a supervisor (set as the team's supervisor) and `advisors` advisors. */
  async teamWithPeople(advisors = 2, advisorOpts: Parameters<StaffFactory['create']>[1] = {}) {
    const team = await this.team();
    const supervisor = await this.create('supervisor', { teamId: team.id });
    await this.db.query(`update teams set supervisor_id = $1 where id = $2`, [supervisor.id, team.id]);
    const list: TestStaff[] = [];
    for (let i = 0; i < advisors; i++) list.push(await this.create('advisor', { teamId: team.id, ...advisorOpts }));
    return { team, supervisor, advisors: list };
  }
}
