import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { DomainError, type FieldError } from '../../../../libs/common/domain-error.js';

/** Flattens class-validator's tree into `{field: "items.3.name", message}` entries. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    // An unknown field with an empty name still gets a name a person can read.
    const name = e.property === '' ? '(empty name)' : e.property;
    const field = prefix ? `${prefix}.${name}` : name;
    if (e.constraints) {
      for (const [kind, message] of Object.entries(e.constraints)) {
        out.push({ field, message: kind === 'whitelistValidation' ? 'is not a known field' : message.replace(/^\S+\s/, '') });
      }
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/** Global pipe: unknown fields rejected, every bad field listed, values transformed to DTO types. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => DomainError.validation(flattenValidationErrors(errors)),
  });
}
