import { HttpException } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError, ErrorCode, type FieldError } from '../../../../libs/common/domain-error.js';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: FieldError[];
}

const STATUS_OF: Record<ErrorCode, number> = {
  [ErrorCode.Validation]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.Conflict]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Unavailable]: 503,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** PostgreSQL error codes that mean "the database is not reachable right now" → 503, never 500. */
const UNAVAILABLE_PG = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '53300']);
const UNAVAILABLE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

export function body(statusCode: number, message: string, details?: FieldError[]): ErrorBody {
  return { statusCode, error: REASON[statusCode] ?? 'Error', message, ...(details?.length ? { details } : {}) };
}

/** Maps anything thrown to the uniform error body of docs/design.md §5. `unexpected` marks real bugs (logged). */
export function toErrorBody(e: unknown): { body: ErrorBody; unexpected: boolean } {
  if (e instanceof DomainError) return { body: body(STATUS_OF[e.code], e.message, e.details), unexpected: false };
  if (e instanceof HttpException) {
    const status = e.getStatus();
    const res = e.getResponse() as string | { message?: string | string[]; details?: FieldError[] };
    const message = typeof res === 'string' ? res : Array.isArray(res.message) ? res.message.join('; ') : (res.message ?? e.message);
    // Fastify's body parser errors reach us wrapped by Nest: name the body as the bad field.
    if (status === 400 && /JSON/i.test(message)) {
      return { body: body(400, `Malformed JSON body: ${message}`, [{ field: 'body', message: 'is not valid JSON' }]), unexpected: false };
    }
    if (status === 413) return { body: body(413, `Request body is too large: ${message}`), unexpected: false };
    return { body: body(status, message, typeof res === 'object' ? res.details : undefined), unexpected: status >= 500 };
  }
  const err = e as { code?: string; statusCode?: number; message?: string; driverError?: { code?: string } };
  // Fastify's own errors (content type parser, body limit) carry a statusCode.
  if (typeof err?.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { body: body(413, 'Request body is too large'), unexpected: false };
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || e instanceof SyntaxError) {
      return { body: body(400, `Malformed JSON body: ${err.message ?? ''}`.trim(), [{ field: 'body', message: 'is not valid JSON' }]), unexpected: false };
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { body: body(415, 'Send the body as application/json'), unexpected: false };
    return { body: body(err.statusCode, err.message ?? 'Bad request'), unexpected: false };
  }
  const pgCode = e instanceof QueryFailedError ? (e.driverError as { code?: string })?.code : err?.code;
  if (pgCode && UNAVAILABLE_PG.has(pgCode)) return { body: body(503, 'The database is unavailable; retry shortly'), unexpected: false };
  if (pgCode === '22P02' || pgCode === '22007' || pgCode === '22008' || pgCode === '22003') {
    return { body: body(400, `A value has the wrong format: ${err.message ?? ''}`), unexpected: false };
  }
  if (pgCode === '23505') return { body: body(409, 'This conflicts with an existing record'), unexpected: false };
  if (
    (err?.code && UNAVAILABLE_NET.has(err.code)) ||
    /Connection terminated|timeout exceeded when trying to connect|Connection refused/i.test(err?.message ?? '')
  ) {
    return { body: body(503, 'A backing service is unavailable; retry shortly'), unexpected: false };
  }
  return { body: body(500, 'Internal server error'), unexpected: true };
}
