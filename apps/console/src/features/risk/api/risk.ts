import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, type Schemas } from '../../../api/client';

export type RiskReport = Schemas['RiskReportDto'];
export type RiskModel = Schemas['RiskModelDto'];

const IN_FLIGHT = new Set(['queued', 'training']);

/** The risk model report; polled every 2 s while an attempt is queued or training. */
export function useRiskModel() {
  return useQuery({
    queryKey: ['risk-model'],
    queryFn: ({ signal }) => call(api.GET('/api/v1/risk-model', { signal })),
    refetchInterval: (q) => (q.state.data && IN_FLIGHT.has(q.state.data.status) ? 2000 : false),
  });
}

export function isInFlight(r: RiskReport | undefined): boolean {
  return !!r && IN_FLIGHT.has(r.status);
}

/** Admins: train a new model now (one attempt at a time: a second request returns the first). */
export function useTrainRisk() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST('/api/v1/risk-model/train')),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['risk-model'] }),
  });
}
