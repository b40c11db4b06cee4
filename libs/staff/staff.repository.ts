import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { StaffEntity, type StaffRole, type StaffStatus } from './entities/staff.entity.js';
import { TeamEntity } from './entities/team.entity.js';

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
    return this.staff()
      .createQueryBuilder('s')
      .addSelect('s.passwordHash')
      .where('lower(s.email) = lower(:email)', { email })
      .getOne();
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
    const qb = this.staff().createQueryBuilder('s').orderBy('s.createdAt', 'ASC').addOrderBy('s.id', 'ASC').limit(f.limit + 1);
    if (f.teamIds) qb.andWhere('s.teamId = any(:teamIds)', { teamIds: f.teamIds });
    if (f.role) qb.andWhere('s.role = :role', { role: f.role });
    if (f.status) qb.andWhere('s.status = :status', { status: f.status });
    if (f.after) qb.andWhere('(s.createdAt, s.id) > (:ca, :id)', { ca: f.after.createdAt, id: f.after.id });
    return qb.getMany();
  }

  /** Own team plus teams this person supervises. */
  async visibleTeamIds(staffId: string, teamId: string | null): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`select id from teams where supervisor_id = $1`, [staffId]);
    const ids = new Set(rows.map((r) => r.id));
    if (teamId) ids.add(teamId);
    return [...ids];
  }

  findTeam(id: string, em?: EntityManager): Promise<TeamEntity | null> {
    return this.teams(em).findOne({ where: { id } });
  }

  async teamNameTaken(name: string, em?: EntityManager): Promise<boolean> {
    return (await this.teams(em).count({ where: { name } })) > 0;
  }

  insertTeam(em: EntityManager, data: { name: string; supervisorId: string | null }): Promise<TeamEntity> {
    return this.teams(em).save(this.teams(em).create(data));
  }

  async updateTeam(em: EntityManager, id: string, patch: Partial<TeamEntity>): Promise<void> {
    await this.teams(em).update({ id }, patch);
  }

  listTeams(teamIds?: string[]): Promise<TeamEntity[]> {
    const qb = this.teams().createQueryBuilder('t').orderBy('t.name', 'ASC');
    if (teamIds) qb.where('t.id = any(:teamIds)', { teamIds });
    return qb.getMany();
  }
}
