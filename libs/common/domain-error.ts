/**
 * Business code throws DomainError with a code; apps/api maps the code to an HTTP status in one filter
 * (CONTRIBUTING rule 2). Services never import anything from @nestjs/common's HTTP exceptions.
 */
export enum ErrorCode {
  Validation = 'validation',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PayloadTooLarge = 'payload_too_large',
  RateLimited = 'rate_limited',
  Unavailable = 'unavailable',
}

export interface FieldError {
  field: string;
  message: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldError[],
    /** For rate_limited: when to try again (sent as Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(details: FieldError[], message?: string): DomainError {
    return new DomainError(ErrorCode.Validation, message ?? details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
  }
  static field(field: string, message: string): DomainError {
    return DomainError.validation([{ field, message }]);
  }
  static notFound(what: string, id?: string | number): DomainError {
    return new DomainError(ErrorCode.NotFound, id === undefined ? `${what} not found` : `${what} ${id} not found`);
  }
  static forbidden(message = 'You are not allowed to do this'): DomainError {
    return new DomainError(ErrorCode.Forbidden, message);
  }
  static rateLimited(message: string, retryAfterSeconds: number): DomainError {
    return new DomainError(ErrorCode.RateLimited, message, undefined, retryAfterSeconds);
  }
  static conflict(message: string): DomainError {
    return new DomainError(ErrorCode.Conflict, message);
  }
}
