import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { session } from './session';

export type Schemas = components['schemas'];

/** The one configured fetch of the console: typed by our OpenAPI document, with the staff token and 401 handling. */
export const api = createClient<paths>({ baseUrl: '' });

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
  onResponse({ request, response }) {
    // An expired or revoked token: back to sign-in, keeping the page (not for the login call itself).
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/auth/login')) session.expire('expired');
    return response;
  },
};
api.use(auth);

export interface FieldError {
  field: string;
  message: string;
}

/** Every failure the console shows: an HTTP answer (status ≥ 400) or, with status 0, no answer at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: FieldError[] = [],
    readonly requestId?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message for one field (`details[].field`, also matching nested paths like `items.0.name`). */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field || d.field.startsWith(`${field}.`))?.message;
  }
}

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Unwraps an openapi-fetch result: the data, or an ApiError carrying the uniform error body. */
export async function call<T>(request: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await request;
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, e instanceof Error ? e.message : String(e));
  }
  const { data, error, response } = result;
  if (response.ok) return data as T;
  const body = (error ?? {}) as { message?: unknown; details?: unknown };
  const retry = Number(response.headers.get('retry-after'));
  throw new ApiError(
    response.status,
    typeof body.message === 'string' ? body.message : response.statusText,
    Array.isArray(body.details) ? (body.details as FieldError[]) : [],
    response.headers.get('x-request-id') ?? undefined,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}
