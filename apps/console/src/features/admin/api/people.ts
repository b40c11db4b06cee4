import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type StaffView = Schemas['StaffViewDto'];
export type UpdateStaffBody = Schemas['UpdateStaffDto'];
export type TeamView = Schemas['TeamViewDto'];

export function useStaffList() {
  return useQuery({ queryKey: ['staff', 'all'], queryFn: ({ signal }) => call(api.GET('/api/v1/staff', { params: { query: { limit: 500 } }, signal })) });
}

export function useStaffMember(id: string) {
  return useQuery({ queryKey: ['staff', 'one', id], queryFn: ({ signal }) => call(api.GET('/api/v1/staff/{id}', { params: { path: { id } }, signal })) });
}

export function useUpdateStaff(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateStaffBody) => call(api.PATCH('/api/v1/staff/{id}', { params: { path: { id } }, body })),
    onSuccess: (view) => {
      client.setQueryData(['staff', 'one', id], view);
      void client.invalidateQueries({ queryKey: ['staff'] });
      void client.invalidateQueries({ queryKey: ['board'] });
    },
  });
}

export function useUpdateTeam() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, supervisorId, reason }: { id: string; supervisorId: string | null; reason: string }) =>
      call(api.PATCH('/api/v1/teams/{id}', { params: { path: { id } }, body: { supervisorId, reason } as Schemas['UpdateTeamDto'] })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['teams'] }),
  });
}
