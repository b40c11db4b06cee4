import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { StaffRole } from '../access/roles.js';
import { StaffEntity, type StaffStatus } from './entities/staff.entity.js';
import { TeamEntity } from './entities/team.entity.js';
import type { TeamRow } from './staff.mapper.js';

const TEAM_SELECT = `select t.id, t.name, t.supervisor_id, s.name as supervisor_name, t.created_at from teams t left join staff s on s.id = t.supervisor_id`;

export interface StaffListFilter {
  teamIds?: string[];
  role?: StaffRole;
  status?: StaffStatus;
  after?: { createdAt: string; id: string };
  limit: number;
}

@Injectable()
export class StaffRepository {
  constructor(private readonly dataSource: DataSource) {}

  private staff(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(StaffEntity);
  }
  private teams(em?: EntityManager) {
    return (em ?? this.dataSource.manager).getRepository(TeamEntity);
  }

  findById(id: string, em?: EntityManager): Promise<StaffEntity | null> {
    return this.staff(em).findOne({ where: { id } });
  }

  /** The only query that loads password_hash. */
  async findByEmailWithPassword(email: string): Promise<StaffEntity | null> {
    return this.staff().createQueryBuilder('s').addSelect('s.passwordHash').where('lower(s.email) = lower(:email)', { email }).getOne();
  }

  async emailTaken(email: string, em?: EntityManager): Promise<boolean> {
    const n = await this.staff(em).createQueryBuilder('s').where('lower(s.email) = lower(:email)', { email }).getCount();
    return n > 0;
  }

  count(em?: EntityManager): Promise<number> {
    return this.staff(em).count();
  }

  insert(em: EntityManager, data: Omit<StaffEntity, 'id' | 'createdAt' | 'updatedAt' | 'lastAssignedAt' | 'tokenVersion'>): Promise<StaffEntity> {
    return this.staff(em).save(this.staff(em).create(data));
  }

  async update(em: EntityManager, id: string, patch: Partial<StaffEntity>): Promise<void> {
    await this.staff(em).update({ id }, patch);
  }

  list(f: StaffListFilter): Promise<StaffEntity[]> {
    const qb = this.staff()
      .createQueryBuilder('s')
      .orderBy('s.createdAt', 'ASC')
      .addOrderBy('s.id', 'ASC')
      .limit(f.limit + 1);
    if (f.teamIds) qb.andWhere('s.teamId = any(:teamIds)', { teamIds: f.teamIds });
    if (f.role) qb.andWhere('s.role = :role', { role: f.role });
    if (f.status) qb.andWhere('s.status = :status', { status: f.status });
    if (f.after) qb.andWhere('(s.createdAt, s.id) > (:ca, :id)', { ca: f.after.createdAt, id: f.after.id });
    return qb.getMany();
  }

  /**
   * What authenticating a request needs, in one round trip (every request pays for it): the person's role, status,
   * team and token version, and the teams they may see (their own plus those they supervise).
   */
  async findForAuth(
    id: string,
  ): Promise<{ id: string; role: StaffRole; status: StaffStatus; teamId: string | null; tokenVersion: number; teamIds: string[] } | undefined> {
    const [row] = await this.dataSource.query(
      `select s.id, s.role, s.status, s.team_id, s.token_version,
              array(select t.id from teams t where t.supervisor_id = s.id union select s.team_id where s.team_id is not null) as team_ids
         from staff s where s.id = $1`,
      [id],
    );
    return row ? { id: row.id, role: row.role, status: row.status, teamId: row.team_id, tokenVersion: row.token_version, teamIds: row.team_ids } : undefined;
  }

  findTeam(id: string, em?: EntityManager): Promise<TeamEntity | null> {
    return this.teams(em).findOne({ where: { id } });
  }

  async teamNameTaken(name: string, em?: EntityManager, exceptId?: string): Promise<boolean> {
    const rows: unknown[] = await (em ?? this.dataSource.manager).query(
      `select 1 from teams where name = $1 and ($2::uuid is null or id <> $2::uuid) limit 1`,
      [name, exceptId ?? null],
    );
    return rows.length > 0;
  }

  insertTeam(em: EntityManager, data: { name: string; supervisorId: string | null }): Promise<TeamEntity> {
    return this.teams(em).save(this.teams(em).create(data));
  }

  async updateTeam(em: EntityManager, id: string, patch: Partial<TeamEntity>): Promise<void> {
    await this.teams(em).update({ id }, patch);
  }

  /** Teams with their supervisor's name, by name (all of them without `teamIds`). */
  listTeams(teamIds?: string[]): Promise<TeamRow[]> {
    return this.dataSource.query(`${TEAM_SELECT} where $1::uuid[] is null or t.id = any($1::uuid[]) order by t.name, t.id`, [teamIds ?? null]);
  }

  async teamView(id: string, em?: EntityManager): Promise<TeamRow | null> {
    const rows: TeamRow[] = await (em ?? this.dataSource.manager).query(`${TEAM_SELECT} where t.id = $1`, [id]);
    return rows[0] ?? null;
  }

  /** Locks the team row (PATCH /teams/:id, a supervisor joining a team). */
  async lockTeam(em: EntityManager, id: string): Promise<TeamRow | null> {
    await em.query(`select 1 from teams where id = $1 for update`, [id]);
    return this.teamView(id, em);
  }

  /** Makes `supervisorId` the team's supervisor only if it has none (race-safe: one guarded UPDATE). */
  async claimTeamSupervisor(em: EntityManager, teamId: string, supervisorId: string): Promise<boolean> {
    // TypeORM's postgres driver answers [rows, affected] for UPDATE.
    const [, affected] = (await em.query(`update teams set supervisor_id = $2 where id = $1 and supervisor_id is null`, [teamId, supervisorId])) as [
      unknown[],
      number,
    ];
    return affected > 0;
  }

  /** Locks a staff row for a change; false when there is none. */
  async lock(em: EntityManager, id: string): Promise<boolean> {
    return (await em.query(`select id from staff where id = $1 for update`, [id])).length > 0;
  }

  /** Serialises creating the bootstrap admin across processes starting together (a transaction-level advisory lock). */
  async lockBootstrap(em: EntityManager): Promise<void> {
    await em.query(`select pg_advisory_xact_lock(727100003)`);
  }
}
