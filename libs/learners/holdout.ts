import { createHash } from 'node:crypto';

/**
 * Holdout membership (docs/design.md §6): a stable hash of the learner's external id mapped to a bucket in [0, 10000);
 * the learner is held out when the bucket falls below holdoutPercent × 100. The same learner always lands
 * in the same bucket, so raising the percentage only ever adds learners to the holdout.
 */
export function holdoutBucket(learnerExternalId: string): number {
  const digest = createHash('sha256').update(`careloop-holdout:${learnerExternalId}`).digest();
  return digest.readUInt32BE(0) % 10_000;
}

export function isHoldout(learnerExternalId: string, holdoutPercent: number): boolean {
  if (!(holdoutPercent > 0)) return false;
  if (holdoutPercent >= 100) return true;
  return holdoutBucket(learnerExternalId) < Math.round(holdoutPercent * 100);
}
