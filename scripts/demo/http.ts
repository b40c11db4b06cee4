/**
 * A tiny JSON client for the public REST API (global fetch), as an integrator would write it: it sends a
 * bearer token, parses the uniform error body and retries 429/503 and network errors a few times.
 */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    const b = body as { message?: string; details?: Array<{ field: string; message: string }> } | undefined;
    const details = b?.details?.length
      ? ` (${b.details
          .slice(0, 3)
          .map((d) => `${d.field} ${d.message}`)
          .join('; ')})`
      : '';
    super(`${method} ${path} answered ${status}: ${b?.message ?? JSON.stringify(body)}${details}`);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Statuses returned instead of thrown (e.g. 404 when probing). */
  accept?: number[];
}

export class CareloopHttp {
  readonly apiBase: string;

  constructor(readonly baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.apiBase = `${this.baseUrl}/api/v1`;
  }

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<{ status: number; body: T }> {
    const url = path.startsWith('/health') || path.startsWith('/metrics') ? `${this.baseUrl}${path}` : `${this.apiBase}${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      } catch (e) {
        if (attempt >= 4)
          throw new Error(
            `${method} ${url} failed: ${(e as Error).message}${(e as { cause?: Error }).cause ? ` (${(e as { cause: Error }).cause.message})` : ''}`,
            { cause: e },
          );
        await sleep(500 * attempt);
        continue;
      }
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      // 429/503 always; other 5xx only where a replay is harmless (reads, upserts, sync appends by eventId).
      const idempotent = method === 'GET' || method === 'PUT' || path.startsWith('/sync/');
      if ((res.status === 429 || res.status === 503 || (res.status >= 500 && idempotent)) && attempt < 6) {
        await sleep(1000 * attempt);
        continue;
      }
      if (res.ok || opts.accept?.includes(res.status)) return { status: res.status, body: body as T };
      throw new ApiError(method, path, res.status, body);
    }
  }

  async get<T = any>(path: string, token: string): Promise<T> {
    return (await this.request<T>('GET', path, { token })).body;
  }

  async send<T = any>(method: 'POST' | 'PUT' | 'PATCH', path: string, token: string, body: unknown): Promise<T> {
    return (await this.request<T>(method, path, { token, body })).body;
  }

  /** Every item of a cursor-paginated list. */
  async all<T = any>(path: string, token: string, limit = 500): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const page = await this.get<{ items: T[]; nextCursor: string | null }>(
        `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        token,
      );
      out.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return out;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
