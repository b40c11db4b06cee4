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
