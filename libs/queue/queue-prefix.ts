import { createHash } from 'node:crypto';
import type { DatabaseIdentity } from '../database/database-identity.js';

/** Injection token of the resolved BullMQ key prefix (a string), shared by producers and workers. */
export const QUEUE_PREFIX = Symbol('QUEUE_PREFIX');

/**
 * The default BullMQ key prefix: `careloop-` and 12 hex digits of a hash of the database identity. Two
 * installations with different databases (another cluster, or another database in the same cluster) get different
 * prefixes, so on a shared Redis neither ever takes the other's jobs; API and worker processes of one installation
 * (and its replicas) agree without configuration. QUEUE_PREFIX overrides it.
 */
export function derivedQueuePrefix(identity: Pick<DatabaseIdentity, 'cluster' | 'database'>): string {
  const digest = createHash('sha256').update(`${identity.cluster}/${identity.database}`).digest('hex');
  return `careloop-${digest.slice(0, 12)}`;
}
