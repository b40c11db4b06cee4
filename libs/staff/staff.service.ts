import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { canSeeTeam, isAdmin, isSupervisorOf, seesAllTeams, SYSTEM, type Actor } from '../access/actor.js';
import { PasswordHasher } from './password-hasher.js';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { DomainError, type FieldError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage } from '../common/pagination.js';
import { DEFAULT_WORKING_HOURS, validateWeeklyHours, type WeeklyHours } from '../common/working-hours.js';
import { OutboxService } from '../outbox/outbox.service.js';
import type { StaffRole } from '../access/roles.js';
import type { StaffStatus } from './entities/staff.entity.js';
import { StaffRepository } from './staff.repository.js';
import { toStaffView, toTeamView, type StaffView, type TeamView } from './staff.mapper.js';
import { isValidTimeZone } from '../common/time-zone.js';

export interface CreateStaffInput {
  email: string;
  name: string;
  password: string;
  role: StaffRole;
  teamId?: string | null;
  capacity?: number;
  skills?: string[];
  timezone?: string;
  workingHours?: WeeklyHours;
  status?: StaffStatus;
}
export type UpdateStaffInput = Partial<Omit<CreateStaffInput, 'email'>> & { email?: string };

/** Fields a supervisor may change on members of their own team; everything else is admin-only. */
const SUPERVISOR_EDITABLE = new Set(['status', 'capacity', 'workingHours', 'skills', 'timezone']);

@Injectable()
export class StaffService {
  private readonly logger = new Logger(StaffService.name);
  private readonly hasher = new PasswordHasher();

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: StaffRepository,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async createTeam(actor: Actor, input: { name: string; supervisorId?: string | null }): Promise<TeamView> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can create teams');
    return this.dataSource.transaction(async (em) => {
      if (await this.repo.teamNameTaken(input.name, em)) throw DomainError.conflict(`A team named "${input.name}" already exists`);
      if (input.supervisorId) await this.requireSupervisor(input.supervisorId, 'supervisorId');
      const team = await this.repo.insertTeam(em, { name: input.name, supervisorId: input.supervisorId ?? null });
      const view = toTeamView((await this.repo.teamView(team.id, em))!);
      await this.audit.record(em, { actor, action: 'team.created', entity: 'team', entityId: team.id, after: view });
      return view;
    });
  }

  /**
   * Renames a team or sets (or, with null, clears) its supervisor, who receives its escalations. Admins only;
   * audited with before and after.
   */
  async updateTeam(actor: Actor, id: string, patch: { name?: string; supervisorId?: string | null }, reason?: string): Promise<TeamView> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can change teams');
    return this.dataSource.transaction(async (em) => {
      const before = await this.repo.lockTeam(em, id);
      if (!before) throw DomainError.notFound('team', id);
      const changes: { name?: string; supervisorId?: string | null } = {};
      if (patch.name !== undefined && patch.name !== before.name) {
        if (await this.repo.teamNameTaken(patch.name, em, id)) throw DomainError.conflict(`A team named "${patch.name}" already exists`);
        changes.name = patch.name;
      }
      if (patch.supervisorId !== undefined && patch.supervisorId !== before.supervisor_id) {
        if (patch.supervisorId !== null) await this.requireSupervisor(patch.supervisorId, 'supervisorId', em);
        changes.supervisorId = patch.supervisorId;
      }
      if (!Object.keys(changes).length) return toTeamView(before);
      await this.repo.updateTeam(em, id, changes);
      const after = (await this.repo.teamView(id, em))!;
      await this.audit.record(em, {
        actor,
        action: 'team.updated',
        entity: 'team',
        entityId: id,
        before: toTeamView(before),
        after: toTeamView(after),
        reason: reason ?? null,
      });
      return toTeamView(after);
    });
  }

  async listTeams(actor: Actor): Promise<TeamView[]> {
    const teams = await this.repo.listTeams(seesAllTeams(actor) ? undefined : actor.kind === 'staff' ? actor.teamIds : []);
    return teams.map(toTeamView);
  }

  async createStaff(actor: Actor, input: CreateStaffInput): Promise<StaffView> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can create staff');
    this.validate(input);
    return this.dataSource.transaction(async (em) => {
      if (await this.repo.emailTaken(input.email, em)) throw DomainError.conflict(`Staff with email ${input.email} already exists`);
      if (input.teamId && !(await this.repo.findTeam(input.teamId, em))) throw DomainError.field('teamId', `team ${input.teamId} does not exist`);
      const staff = await this.repo.insert(em, {
        email: input.email.toLowerCase(),
        name: input.name,
        passwordHash: await this.hasher.hash(input.password),
        role: input.role,
        teamId: input.teamId ?? null,
        capacity: input.capacity ?? 60,
        skills: input.skills ?? [],
        timezone: input.timezone ?? this.config.schoolTimezone,
        workingHours: input.workingHours ?? DEFAULT_WORKING_HOURS,
        status: input.status ?? 'active',
      });
      const view = toStaffView(staff);
      await this.audit.record(em, { actor, action: 'staff.created', entity: 'staff', entityId: staff.id, after: view });
      await this.becomeSupervisorIfNone(em, actor, view);
      return view;
    });
  }

  async updateStaff(actor: Actor, id: string, patch: UpdateStaffInput, reason?: string): Promise<StaffView> {
    this.validate(patch);
    return this.dataSource.transaction(async (em) => {
      if (!(await this.repo.lock(em, id))) throw DomainError.notFound('staff', id);
      const before = (await this.repo.findById(id, em))!;
      if (!isAdmin(actor)) {
        // Someone the caller cannot see (another team's member) does not exist for them, as on GET /staff/:id.
        if (actor.kind === 'staff' && actor.id !== id && !canSeeTeam(actor, before.teamId)) throw DomainError.notFound('staff', id);
        if (!isSupervisorOf(actor, before.teamId)) throw DomainError.forbidden("Only admins, or the supervisor of this person's team, can change staff");
        // Supervisors manage their advisors, never a fellow supervisor, an admin or themselves.
        if (before.role !== 'advisor') throw DomainError.forbidden('Supervisors can change advisors only; ask an admin');
        const denied = Object.keys(patch).filter((k) => !SUPERVISOR_EDITABLE.has(k));
        if (denied.length) throw DomainError.forbidden(`Supervisors cannot change ${denied.join(', ')}`);
      }
      if (patch.email && patch.email.toLowerCase() !== before.email && (await this.repo.emailTaken(patch.email, em))) {
        throw DomainError.conflict(`Staff with email ${patch.email} already exists`);
      }
      if (patch.teamId && !(await this.repo.findTeam(patch.teamId, em))) throw DomainError.field('teamId', `team ${patch.teamId} does not exist`);
      const { password, ...rest } = patch;
      const changes: Record<string, unknown> = { ...rest };
      if (rest.email) changes.email = rest.email.toLowerCase();
      if (password !== undefined) changes.passwordHash = await this.hasher.hash(password);
      // Existing tokens end with a new password, another role, or deactivation (and reactivation).
      const endsTokens =
        password !== undefined ||
        (rest.role !== undefined && rest.role !== before.role) ||
        (rest.status !== undefined && rest.status !== before.status && (rest.status === 'inactive' || before.status === 'inactive'));
      if (endsTokens) changes.tokenVersion = before.tokenVersion + 1;
      await this.repo.update(em, id, changes);
      const after = (await this.repo.findById(id, em))!;
      const [b, a] = [toStaffView(before), toStaffView(after)];
      // Moved into a team, or made a supervisor: the first supervisor of a team without one becomes its supervisor.
      if (a.teamId !== b.teamId || a.role !== b.role) await this.becomeSupervisorIfNone(em, actor, a);
      await this.audit.record(em, {
        actor,
        action: 'staff.updated',
        entity: 'staff',
        entityId: id,
        before: b,
        after: password !== undefined ? { ...a, password: 'changed' } : a,
        reason: reason ?? null,
      });
      // Capacity may have freed (back from away, capacity raised, moved team): let the pools backfill.
      await this.outbox.publish(em, [
        { aggregateType: 'staff', aggregateId: id, eventType: 'staff.updated', payload: { staffId: id, teamId: a.teamId, before: pick(b), after: pick(a) } },
      ]);
      return a;
    });
  }

  async listStaff(
    actor: Actor,
    f: { teamId?: string; role?: StaffRole; status?: StaffStatus; limit?: number; cursor?: string },
  ): Promise<{ items: StaffView[]; nextCursor: string | null }> {
    if (f.teamId && !canSeeTeam(actor, f.teamId)) return { items: [], nextCursor: null };
    const limit = pageLimit(f.limit);
    const after = decodeCursor(f.cursor, 2);
    const teamIds = f.teamId ? [f.teamId] : seesAllTeams(actor) ? undefined : actor.kind === 'staff' ? actor.teamIds : [];
    const rows = await this.repo.list({
      teamIds,
      role: f.role,
      status: f.status,
      after: after ? { createdAt: String(after[0]), id: String(after[1]) } : undefined,
      limit,
    });
    return toPage(rows, limit, (s) => [s.createdAt.toISOString(), s.id], toStaffView);
  }

  async getStaff(actor: Actor, id: string): Promise<StaffView> {
    const s = await this.repo.findById(id);
    if (!s || (actor.kind === 'staff' && actor.id !== id && !canSeeTeam(actor, s.teamId))) throw DomainError.notFound('staff', id);
    return toStaffView(s);
  }

  /** Creates the bootstrap admin from the environment when no staff exists yet (safe with several processes). */
  async ensureBootstrapAdmin(): Promise<void> {
    const admin = this.config.bootstrapAdmin;
    if (!admin) return;
    await this.dataSource.transaction(async (em) => {
      await this.repo.lockBootstrap(em);
      if ((await this.repo.count(em)) > 0) return;
      const staff = await this.repo.insert(em, {
        email: admin.email,
        name: 'Administrator',
        passwordHash: await this.hasher.hash(admin.password),
        role: 'admin',
        teamId: null,
        capacity: 0,
        skills: [],
        timezone: this.config.schoolTimezone,
        workingHours: DEFAULT_WORKING_HOURS,
        status: 'active',
      });
      await this.audit.record(em, { actor: SYSTEM, action: 'staff.bootstrapped', entity: 'staff', entityId: staff.id, after: toStaffView(staff) });
      if (admin.isDefault) {
        this.logger.warn(
          `created the development admin ${admin.email} with password "${admin.password}"; set BOOTSTRAP_ADMIN_EMAIL/PASSWORD or change it (PATCH /api/v1/staff/${staff.id})`,
        );
      } else {
        this.logger.log(`created bootstrap admin ${admin.email}`);
      }
    });
  }

  private validate(input: UpdateStaffInput): void {
    const errors: FieldError[] = [];
    if (input.timezone !== undefined && !isValidTimeZone(input.timezone))
      errors.push({ field: 'timezone', message: 'must be an IANA time zone such as Asia/Shanghai' });
    if (input.workingHours !== undefined) errors.push(...validateWeeklyHours(input.workingHours, 'workingHours'));
    if (errors.length) throw DomainError.validation(errors);
  }

  /** A team's supervisor receives its escalations: a supervisor who is not inactive (admins receive them anyway). */
  private async requireSupervisor(id: string, field: string, em?: EntityManager): Promise<void> {
    const s = await this.repo.findById(id, em);
    if (!s || s.role !== 'supervisor') throw DomainError.field(field, 'must be the id of a supervisor');
    if (s.status === 'inactive') throw DomainError.field(field, 'must be a supervisor who is not inactive');
  }

  /** docs/design.md §5, teams: the first supervisor in a team without one becomes its supervisor (one guarded UPDATE). */
  private async becomeSupervisorIfNone(em: EntityManager, actor: Actor, s: StaffView): Promise<void> {
    if (s.role !== 'supervisor' || !s.teamId || s.status === 'inactive') return;
    if (!(await this.repo.claimTeamSupervisor(em, s.teamId, s.id))) return;
    const after = (await this.repo.teamView(s.teamId, em))!;
    await this.audit.record(em, {
      actor,
      action: 'team.updated',
      entity: 'team',
      entityId: s.teamId,
      before: { ...toTeamView(after), supervisorId: null, supervisorName: null },
      after: toTeamView(after),
      reason: `${s.name} is the first supervisor in the team: they receive its escalations`,
    });
  }
}

function pick(s: StaffView) {
  return { status: s.status, capacity: s.capacity, teamId: s.teamId, skills: s.skills };
}
