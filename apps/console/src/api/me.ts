import { useQuery } from '@tanstack/react-query';
import { api, call } from './client';

/** The signed-in person with the teams they work in or supervise (GET /me). */
export function useMe() {
  return useQuery({ queryKey: ['me'], queryFn: ({ signal }) => call(api.GET('/api/v1/me', { signal })), staleTime: 5 * 60_000 });
}
