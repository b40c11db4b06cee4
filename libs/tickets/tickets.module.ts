import { Module } from '@nestjs/common';
import { AssignmentModule } from '../assignment/assignment.module.js';
import { LearnerEventsRepository } from '../learners/learner-events.repository.js';
import { LoadCounters } from '../assignment/load-counters.js';
import { CalendarsService } from './calendars.service.js';
import { DeskConfigRepository } from './desk-config.repository.js';
import { KbRepository } from './kb.repository.js';
import { KbService } from './kb.service.js';
import { SlaPoliciesService } from './sla-policies.service.js';
import { TicketRoutesService } from './ticket-routes.service.js';
import { TicketSlaService } from './ticket-sla.service.js';
import { TicketsRepository } from './tickets.repository.js';
import { TicketAssignmentService } from './ticket-assignment.service.js';
import { TicketReadsService } from './ticket-reads.service.js';
import { TicketSlaState } from './ticket-sla-state.js';
import { TicketsService } from './tickets.service.js';

/** An advisor's ticket load: their open tickets, against their capacity. */
export const TICKET_LOAD_SQL = `(select count(*) from tickets t where t.assignee_id = s.id and t.status in ('new','open','pending'))`;

const PROVIDERS = [
  // The learners context's event log, through which a complaint ticket counts as the learner's complaint.
  LearnerEventsRepository,
  DeskConfigRepository,
  TicketsRepository,
  KbRepository,
  CalendarsService,
  SlaPoliciesService,
  TicketRoutesService,
  KbService,
  TicketsService,
  TicketReadsService,
  TicketAssignmentService,
  TicketSlaState,
  TicketSlaService,
];

/** The support desk: tickets, calendars, SLA policies, routing, escalation and the knowledge base. */
@Module({ imports: [AssignmentModule], providers: PROVIDERS, exports: PROVIDERS })
export class TicketsModule {
  /** Tickets count against an advisor's capacity as their open tickets (assignment asks LoadCounters). */
  constructor(counters: LoadCounters) {
    counters.register('ticket', { load: TICKET_LOAD_SQL, capacity: 's.capacity' });
  }
}
