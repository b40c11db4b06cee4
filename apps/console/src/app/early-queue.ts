import type { QueryClient } from '@tanstack/react-query';
import { session } from '../api/session';
import { queueQuery, type QueueView } from '../features/queue/api/queue';

interface EarlyQueue {
  date: string | null;
  token: string;
  response: Promise<Response>;
}

declare global {
  interface Window {
    __careloopEarlyQueue?: EarlyQueue;
  }
}

/**
 * index.html asks for the queue before this script has even loaded (an advisor opens the console to their queue
 * every morning). Here its answer seeds the queue query, so the page renders as soon as both are ready. Anything
 * but a 200 for the same token and date is dropped and the query asks again through the API client, where
 * errors and 401s are handled as everywhere else.
 */
export function adoptEarlyQueue(client: QueryClient): void {
  const early = window.__careloopEarlyQueue;
  delete window.__careloopEarlyQueue;
  const date = new URLSearchParams(window.location.search).get('date');
  const current = session.current();
  if (!current) return;
  const options = queueQuery(date ?? undefined);
  if (!early || early.token !== current.accessToken || early.date !== (date || null)) {
    if (/^\/console\/(queue)?$/.test(window.location.pathname)) void client.prefetchQuery(options);
    return;
  }
  void client.prefetchQuery({
    ...options,
    queryFn: async (ctx) => {
      const res = await early.response.catch(() => undefined);
      if (res?.ok) return (await res.json()) as QueueView;
      return options.queryFn!(ctx);
    },
  });
}
