import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isAdmin, type Actor } from '../access/actor.js';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import { DomainError } from '../common/domain-error.js';
import { DeskConfigRepository } from './desk-config.repository.js';
import type { TicketCategory } from './ticket.types.js';

export interface TicketRouteView {
  category: TicketCategory;
  teamId: string;
  updatedAt: string;
}

/** Category → responsible team. Unrouted categories land in no team's queue (admins see them). */
@Injectable()
export class TicketRoutesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: DeskConfigRepository,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<TicketRouteView[]> {
    return (await this.repo.listRoutes()).map((r) => ({ category: r.category, teamId: r.team_id, updatedAt: r.updated_at.toISOString() }));
  }

  /** Sets (teamId) or clears (teamId null) the route of each listed category; others stay as they are. */
  async put(actor: Actor, routes: Array<{ category: TicketCategory; teamId: string | null }>): Promise<TicketRouteView[]> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can change ticket routing');
    const seen = new Set<string>();
    routes.forEach((r, i) => {
      if (seen.has(r.category)) throw DomainError.field(`routes.${i}.category`, 'is listed twice');
      seen.add(r.category);
    });
    await this.dataSource.transaction(async (em) => {
      const wanted = routes.map((r) => r.teamId).filter((t): t is string => !!t);
      const existing = await this.repo.existingTeams(em, wanted);
      const missing = routes.findIndex((r) => r.teamId && !existing.has(r.teamId));
      if (missing >= 0) throw DomainError.field(`routes.${missing}.teamId`, `team ${routes[missing].teamId} does not exist`);
      const before = new Map((await this.repo.lockRoutes(em)).map((r) => [r.category, r.team_id]));
      await this.repo.upsertRoutes(em, routes);
      const entries: AuditRecord[] = routes
        .filter((r) => (before.get(r.category) ?? null) !== r.teamId)
        .map((r) => ({
          actor,
          action: r.teamId ? 'ticket_route.set' : 'ticket_route.cleared',
          entity: 'team' as const,
          entityId: (r.teamId ?? before.get(r.category)) as string,
          before: { category: r.category, teamId: before.get(r.category) ?? null },
          after: { category: r.category, teamId: r.teamId },
        }));
      await this.audit.record(em, entries);
    });
    return this.list();
  }
}
