import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type ApiClientView = Schemas['ApiClientViewDto'];
export type ApiClientCreated = Schemas['ApiClientCreatedDto'];
export type SlaPolicyView = Schemas['SlaPolicyViewDto'];

export function useApiClients() {
  return useQuery({ queryKey: ['api-clients'], queryFn: ({ signal }) => call(api.GET('/api/v1/api-clients', { signal })) });
}

export function useCreateApiClient() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['CreateApiClientDto']) => call(api.POST('/api/v1/api-clients', { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['api-clients'] }),
  });
}

export function useRevokeApiClient() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(api.DELETE('/api/v1/api-clients/{id}', { params: { path: { id } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['api-clients'] }),
  });
}

export function useSlaPolicies() {
  return useQuery({ queryKey: ['sla-policies'], queryFn: ({ signal }) => call(api.GET('/api/v1/sla-policies', { signal })) });
}

export type WebhookView = Schemas['WebhookViewDto'];
export type DeliveryView = Schemas['DeliveryViewDto'];

export function useWebhooks() {
  return useQuery({ queryKey: ['webhooks'], queryFn: ({ signal }) => call(api.GET('/api/v1/webhooks', { signal })), refetchInterval: 30_000 });
}

/** A webhook's delivery log, newest first, refreshed every 10 s while it is open. */
export function useDeliveries(webhookId: string | undefined) {
  return useQuery({
    queryKey: ['webhooks', webhookId, 'deliveries'],
    enabled: !!webhookId,
    queryFn: ({ signal }) => call(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: webhookId! }, query: { limit: 100 } }, signal })),
    refetchInterval: 10_000,
  });
}

/** Sends a failed or skipped delivery again (the API leaves a pending one on its way, and refuses a delivered one). */
export function useRedeliver(webhookId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      call(api.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', { params: { path: { id: webhookId, deliveryId } }, body: {} })),
    onSettled: () => void client.invalidateQueries({ queryKey: ['webhooks', webhookId, 'deliveries'] }),
  });
}

export type WebhookEvent = Schemas['CreateWebhookDto']['events'][number];
/** Every event a webhook can subscribe to: a record over the API's enum, so a missing or unknown one fails to compile. */
const EVENTS: Record<WebhookEvent, true> = {
  'alert.opened': true,
  'alert.cleared': true,
  'case.opened': true,
  'case.assigned': true,
  'case.escalated': true,
  'case.resolved': true,
  'task.due': true,
  'learner.reminder': true,
  'ticket.created': true,
  'ticket.sla_warning': true,
  'ticket.escalated': true,
  'enrollment.created': true,
  'enrollment.status_changed': true,
};
export const WEBHOOK_EVENTS = Object.keys(EVENTS) as WebhookEvent[];

export function useCreateWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['CreateWebhookDto']) => call(api.POST('/api/v1/webhooks', { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['webhooks'] }),
  });
}

export function useUpdateWebhook() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: Schemas['UpdateWebhookDto'] & { id: string }) => call(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id } }, body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['webhooks'] }),
  });
}
