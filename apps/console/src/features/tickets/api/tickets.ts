import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type TicketView = Schemas['TicketViewDto'];
export type TicketDetail = Schemas['TicketDetailDto'];
export type AddMessageBody = Schemas['AddMessageDto'];
export type CreateTicketBody = Schemas['CreateTicketDto'];

export interface TicketFilters {
  status?: 'new' | 'open' | 'pending' | 'resolved' | 'closed';
  category?: 'technical' | 'learning' | 'account' | 'billing' | 'complaint';
  assigneeId?: string;
  sla?: 'breached' | 'warning';
}
export const TICKET_FILTER_KEYS = ['status', 'category', 'assigneeId', 'sla'] as const;

/** The next deadline still running on a ticket: first response until answered, then resolution. */
export function nextDeadline(t: TicketView): number {
  const open = t.status !== 'resolved' && t.status !== 'closed';
  if (!open) return Number.POSITIVE_INFINITY;
  if (!t.firstRespondedAt && t.firstResponseDueAt) return new Date(t.firstResponseDueAt).getTime();
  if (t.resolutionDueAt) return new Date(t.resolutionDueAt).getTime();
  return Number.POSITIVE_INFINITY;
}

/** The caller's tickets (advisor: their own; supervisor: their teams'), soonest deadline first, every 30 s. */
export function useTickets(f: TicketFilters) {
  return useQuery({
    queryKey: ['tickets', f],
    queryFn: async ({ signal }) => {
      const page = await call(api.GET('/api/v1/tickets', { params: { query: { limit: 200, ...f } }, signal }));
      return { ...page, items: [...page.items].sort((a, b) => nextDeadline(a) - nextDeadline(b) || a.createdAt.localeCompare(b.createdAt)) };
    },
    refetchInterval: 30_000,
  });
}

export function useTicket(id: string) {
  return useQuery({
    queryKey: ['ticket', id],
    queryFn: ({ signal }) => call(api.GET('/api/v1/tickets/{id}', { params: { path: { id } }, signal })),
    refetchInterval: 30_000,
  });
}

function refresh(client: QueryClient) {
  for (const key of ['tickets', 'ticket', 'learner', 'timeline']) void client.invalidateQueries({ queryKey: [key] });
}

export function useAddMessage(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AddMessageBody) => call(api.POST('/api/v1/tickets/{id}/messages', { params: { path: { id } }, body })),
    onSuccess: () => refresh(client),
  });
}

export function useAssignTicket(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { assigneeId: string; reason: string }) => call(api.POST('/api/v1/tickets/{id}/assign', { params: { path: { id } }, body })),
    onSuccess: () => refresh(client),
  });
}

export function useResolveTicket(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { note?: string }) => call(api.POST('/api/v1/tickets/{id}/resolve', { params: { path: { id } }, body })),
    onSuccess: () => refresh(client),
  });
}

export function useCreateTicket() {
  const client = useQueryClient();
  return useMutation({ mutationFn: (body: CreateTicketBody) => call(api.POST('/api/v1/tickets', { body })), onSuccess: () => refresh(client) });
}

/** A knowledge-base article's full text, fetched when someone inserts it into a reply. */
export function fetchArticle(id: string) {
  return call(api.GET('/api/v1/kb/articles/{id}', { params: { path: { id } } }));
}

export function useStaffNames() {
  return useQuery({
    queryKey: ['staff', 'names'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/staff', { params: { query: { limit: 500 } }, signal })),
    staleTime: 5 * 60_000,
  });
}

export function useLearnerLookup(q: string) {
  return useQuery({
    queryKey: ['learners', 'lookup', q],
    enabled: q.trim().length >= 1,
    queryFn: ({ signal }) => call(api.GET('/api/v1/learners', { params: { query: { q, limit: 10 } }, signal })),
  });
}
