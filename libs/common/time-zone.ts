import { IANAZone } from 'luxon';

/**
 * Whether `zone` is an IANA time zone. Luxon's IANAZone.isValidZone builds an Intl formatter per call (a fifth of a
 * millisecond, paid per request on the queue and per item in a sync batch), so the answers are remembered; there are
 * few zones, and the memory is bounded.
 */
const known = new Map<string, boolean>();
export function isValidTimeZone(zone: string | null | undefined): zone is string {
  if (!zone) return false;
  let ok = known.get(zone);
  if (ok === undefined) {
    ok = IANAZone.isValidZone(zone);
    if (known.size < 1000) known.set(zone, ok);
  }
  return ok;
}

/** `zone` when it is a valid IANA time zone, else `fallback` (the school's). */
export function zoneOr(zone: string | null | undefined, fallback: string): string {
  return isValidTimeZone(zone) ? zone : fallback;
}
