import type { Weekday, WeeklyHours } from '../common/working-hours.js';

export const TICKET_CATEGORIES = ['technical', 'learning', 'account', 'billing', 'complaint'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];
export const TICKET_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Statuses that count as open work (an assignee's load, the learner view's open tickets). */
export const OPEN_STATUSES: TicketStatus[] = ['new', 'open', 'pending'];
export type SlaState = 'on_track' | 'warning' | 'breached' | 'met';
export type SlaTarget = 'first_response' | 'resolution';

export interface CalendarView {
  id: string;
  name: string;
  timezone: string;
  hours: WeeklyHours;
  holidays: string[];
  workdays: string[];
  makeUpHoursFrom: Weekday;
  createdAt: string;
  updatedAt: string;
}

export interface SlaPolicyView {
  id: string;
  name: string;
  position: number;
  match: { category?: TicketCategory; priority?: TicketPriority };
  calendarId: string;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  createdAt: string;
  updatedAt: string;
}

/** A tickets row as the repository returns it (snake_case columns, plus the learner's external id). */
export interface TicketRow {
  id: string;
  external_id: string | null;
  learner_id: string;
  learner_external_id: string;
  learner_name: string;
  category: TicketCategory;
  priority: TicketPriority;
  subject: string;
  body: string;
  status: TicketStatus;
  team_id: string | null;
  assignee_id: string | null;
  assigned_at: Date | null;
  created_by_type: string;
  created_by_id: string | null;
  sla_policy_id: string | null;
  calendar_id: string | null;
  first_response_due_at: Date | null;
  first_response_warn_at: Date | null;
  first_responded_at: Date | null;
  first_response_warned_at: Date | null;
  first_response_breached_at: Date | null;
  resolution_due_at: Date | null;
  resolution_warn_at: Date | null;
  resolution_warned_at: Date | null;
  resolution_breached_at: Date | null;
  paused_minutes: string | number;
  pending_since: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  escalated_at: Date | null;
  escalated_to_id: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface TicketMessageView {
  id: string;
  authorType: 'staff' | 'learner' | 'system';
  authorId: string | null;
  body: string;
  internal: boolean;
  kbArticleId: string | null;
  createdAt: string;
}

/** What opening, answering and changing a ticket take (TicketsService). */
export interface CreateTicketInput {
  learnerId?: string;
  learnerExternalId?: string;
  externalId?: string;
  category: TicketCategory;
  priority?: TicketPriority;
  subject: string;
  body: string;
}

export interface AddMessageInput {
  body?: string;
  internal?: boolean;
  /** Staff only: move the ticket to pending (waiting on the learner), back to open, or resolve it with this reply. */
  status?: 'open' | 'pending' | 'resolved';
  /** Staff only: the knowledge-base article this reply uses (its body is the reply when `body` is omitted). */
  kbArticleId?: string;
  /** Integrations: the message id in the source system, so a replayed reply changes nothing. */
  externalId?: string;
}

export interface UpdateTicketInput {
  category?: TicketCategory;
  priority?: TicketPriority;
  subject?: string;
  status?: 'open' | 'pending' | 'closed';
}
