import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type OutcomeBody = Schemas['OutcomeDto'];
export type RescheduleBody = Schemas['RescheduleDto'];

/** Every view that shows tasks: the queue, a case, a learner and their timeline. */
function refreshTaskViews(client: QueryClient) {
  for (const key of ['queue', 'case', 'learner', 'timeline', 'cases']) void client.invalidateQueries({ queryKey: [key] });
}

export function useLogOutcome(taskId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: OutcomeBody) => call(api.POST('/api/v1/tasks/{id}/outcome', { params: { path: { id: taskId } }, body })),
    onSuccess: () => refreshTaskViews(client),
  });
}

export function useReschedule(taskId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RescheduleBody) => call(api.POST('/api/v1/tasks/{id}/reschedule', { params: { path: { id: taskId } }, body })),
    onSuccess: () => refreshTaskViews(client),
  });
}
