import { ValidateIf } from 'class-validator';

/**
 * An optional request field: it may be left out, but a value given, null included, must pass the field's checks.
 * (class-validator's IsOptional also waves null through, which then reaches a NOT NULL column as a 500.) Fields where
 * null means something ("null clears it") use IsOptional and say so in their documentation.
 */
export const Optional = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);
