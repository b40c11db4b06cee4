import autocannon from 'autocannon';

export interface QueueLoadPlan {
  base: string;
  path: string;
  tokens: string[];
  connections: number;
  rate: number;
  seconds: number;
}

export interface QueueLoadResult {
  p50: number;
  p99: number;
  requests: number;
}

/** Fixed-rate GETs of one path, rotating the advisors' tokens; any non-2xx, error or time-out fails the run. */
export async function runQueueLoad(plan: QueueLoadPlan): Promise<QueueLoadResult> {
  let i = 0;
  const result = await autocannon({
    url: plan.base,
    connections: plan.connections,
    overallRate: plan.rate,
    duration: plan.seconds,
    requests: [
      {
        method: 'GET',
        path: plan.path,
        setupRequest: (req: Record<string, any>) => ({ ...req, headers: { ...(req.headers ?? {}), authorization: plan.tokens[i++ % plan.tokens.length] } }),
      },
    ],
  });
  if (result.non2xx || result.errors || result.timeouts)
    throw new Error(`${plan.path}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return { p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
}
