import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isAdmin, type Actor } from '../access/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError } from '../common/domain-error.js';
import { DeskConfigRepository, toSlaPolicyView } from './desk-config.repository.js';
import type { SlaPolicyView, TicketCategory, TicketPriority } from './ticket.types.js';

export interface SlaPolicyInput {
  name: string;
  position: number;
  match?: { category?: TicketCategory; priority?: TicketPriority };
  calendarId: string;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** Ordered SLA policies: the first by position whose match fits a ticket sets its targets. */
@Injectable()
export class SlaPoliciesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: DeskConfigRepository,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, input: SlaPolicyInput): Promise<SlaPolicyView> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can manage SLA policies');
    return this.dataSource.transaction(async (em) => {
      await this.repo.lockPolicies(em);
      const data = await this.check(em, input, null);
      const view = toSlaPolicyView(await this.repo.insertPolicy(em, data));
      await this.audit.record(em, { actor, action: 'sla_policy.created', entity: 'sla_policy', entityId: view.id, after: view });
      return view;
    });
  }

  async update(actor: Actor, id: string, patch: Partial<SlaPolicyInput>): Promise<SlaPolicyView> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can manage SLA policies');
    return this.dataSource.transaction(async (em) => {
      await this.repo.lockPolicies(em);
      const current = await this.repo.findPolicy(id, em);
      if (!current) throw DomainError.notFound('sla_policy', id);
      const before = toSlaPolicyView(current);
      const data = await this.check(em, { ...before, ...patch, match: patch.match ?? before.match }, id);
      const view = toSlaPolicyView(await this.repo.updatePolicy(em, id, data));
      await this.audit.record(em, { actor, action: 'sla_policy.updated', entity: 'sla_policy', entityId: id, before, after: view });
      return view;
    });
  }

  async list(): Promise<SlaPolicyView[]> {
    return (await this.repo.listPolicies()).map(toSlaPolicyView);
  }

  private async check(em: Parameters<DeskConfigRepository['insertPolicy']>[0], input: SlaPolicyInput, exceptId: string | null) {
    if (!(await this.repo.findCalendar(input.calendarId, em))) throw DomainError.field('calendarId', `calendar ${input.calendarId} does not exist`);
    if (input.resolutionMinutes < input.firstResponseMinutes) {
      // Either of the two may be the one that is wrong: both are named.
      throw DomainError.validation([
        { field: 'resolutionMinutes', message: 'must not be shorter than firstResponseMinutes' },
        { field: 'firstResponseMinutes', message: 'must not be longer than resolutionMinutes' },
      ]);
    }
    const conflict = await this.repo.policyConflict(em, input.name, input.position, exceptId);
    if (conflict === 'name') throw DomainError.conflict(`An SLA policy named "${input.name}" already exists`);
    if (conflict === 'position') throw DomainError.conflict(`Another SLA policy already has position ${input.position}`);
    return {
      name: input.name.trim(),
      position: input.position,
      match_category: input.match?.category ?? null,
      match_priority: input.match?.priority ?? null,
      calendar_id: input.calendarId,
      first_response_minutes: input.firstResponseMinutes,
      resolution_minutes: input.resolutionMinutes,
    };
  }
}
