import { Injectable } from '@nestjs/common';
import type { Actor } from '../access/actor.js';
import { seesAllTeams } from '../access/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, pageLimit, toPage, type Page } from '../common/pagination.js';
import { KbService } from './kb.service.js';
import { slaStatus } from './sla-clock.js';
import { canSee, toTicketView, type TicketDetailView, type TicketView } from './ticket-views.js';
import { TicketsRepository, type TicketListFilter } from './tickets.repository.js';

/** Reading tickets: the desk's lists, one ticket with its conversation and KB suggestions, and a learner's tickets. */
@Injectable()
export class TicketReadsService {
  constructor(
    private readonly repo: TicketsRepository,
    private readonly kb: KbService,
    private readonly clock: Clock,
  ) {}

  async list(
    actor: Actor,
    f: Omit<TicketListFilter, 'scope' | 'sla' | 'after' | 'limit'> & { sla?: 'breached' | 'warning'; limit?: number; cursor?: string },
  ): Promise<Page<TicketView>> {
    const limit = pageLimit(f.limit);
    const after = decodeCursor(f.cursor, 2);
    const scope =
      seesAllTeams(actor) || actor.kind !== 'staff'
        ? null
        : actor.role === 'advisor'
          ? { assigneeId: actor.id }
          : { teamIds: actor.teamIds, staffId: actor.id };
    const now = this.clock.now();
    const rows = await this.repo.list({
      ...f,
      sla: f.sla ? { state: f.sla, now } : undefined,
      scope,
      after: after ? { createdAt: String(after[0]), id: String(after[1]) } : undefined,
      limit,
    });
    return toPage(
      rows,
      limit,
      (t) => [new Date(t.created_at).toISOString(), t.id],
      (t) => toTicketView(t, now),
    );
  }

  async get(actor: Actor, id: string): Promise<TicketDetailView> {
    const row = await this.repo.findById(id);
    if (!row || !canSee(actor, row)) throw DomainError.notFound('ticket', id);
    const isStaff = actor.kind === 'staff' || actor.kind === 'system';
    const messages = (await this.repo.messages(id))
      .filter((m) => isStaff || !m.internal)
      .map((m) => ({
        id: m.id,
        authorType: m.author_type,
        authorId: m.author_id,
        body: m.body,
        internal: m.internal,
        kbArticleId: m.kb_article_id,
        createdAt: new Date(m.created_at).toISOString(),
      }));
    const suggestedArticles = await this.kb.suggest(`${row.subject}\n${row.body}`, row.category);
    return { ...toTicketView(row, this.clock.now()), messages, suggestedArticles };
  }

  /**
   * Open tickets of a learner that the caller may see, for the learner view (the caller has already checked
   * learner visibility; seeing a learner does not mean seeing another team's tickets about them).
   */
  async openTicketsFor(actor: Actor, learnerId: string): Promise<TicketView[]> {
    const now = this.clock.now();
    return (await this.repo.openForLearner(learnerId)).filter((t) => canSee(actor, t)).map((t) => toTicketView(t, now));
  }

  /**
   * Timeline entries for a learner (newest first), of the tickets the caller may see: each ticket's opening,
   * first response, resolution and any SLA breach, with the SLA outcome. `at` is ISO time; `type` is stable.
   */
  async timelineEntriesFor(
    actor: Actor,
    learnerId: string,
    limit = 200,
  ): Promise<Array<{ at: string; type: string; ticketId: string; summary: string; data: Record<string, unknown> }>> {
    const now = this.clock.now();
    const entries: Array<{ at: string; type: string; ticketId: string; summary: string; data: Record<string, unknown> }> = [];
    for (const t of (await this.repo.allForLearner(learnerId, limit)).filter((row) => canSee(actor, row))) {
      const sla = slaStatus(t, now);
      const data = { category: t.category, priority: t.priority, status: t.status, slaStatus: sla };
      const push = (at: Date | null, type: string, summary: string) =>
        at && entries.push({ at: new Date(at).toISOString(), type, ticketId: t.id, summary, data });
      push(t.created_at, 'ticket.opened', `Ticket opened (${t.category}, ${t.priority}): ${t.subject}`);
      push(t.first_responded_at, 'ticket.first_response', `First response ${sla.firstResponse === 'met' ? 'within' : 'outside'} SLA`);
      push(t.first_response_breached_at, 'ticket.sla_breached', 'First-response SLA breached');
      push(t.resolution_breached_at, 'ticket.sla_breached', 'Resolution SLA breached');
      push(t.resolved_at, 'ticket.resolved', `Ticket resolved ${sla.resolution === 'met' ? 'within' : 'outside'} SLA`);
      push(t.closed_at, 'ticket.closed', 'Ticket closed');
    }
    return entries.sort((a, b) => b.at.localeCompare(a.at));
  }
}
