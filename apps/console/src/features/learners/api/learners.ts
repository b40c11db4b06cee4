import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, call } from '../../../api/client';

export function useLearnerSearch(q: string) {
  return useQuery({
    queryKey: ['learners', 'search', q],
    queryFn: ({ signal }) => call(api.GET('/api/v1/learners', { params: { query: { limit: 50, ...(q ? { q } : {}) } }, signal })),
    placeholderData: keepPreviousData,
  });
}
