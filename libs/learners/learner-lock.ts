import type { EntityManager } from 'typeorm';

/** The first key of the learner locks (pg_advisory_xact_lock(int4, int4)); the second is a hash of the learner id. */
export const LEARNER_LOCK_NS = 727_100_010;

/**
 * Serialises the writers that decide something about a learner (case intake: their open case; the first week: their
 * owner) until the caller's transaction ends, without locking the learner row itself: sync keeps updating the row
 * (last login) while a decision is being made, instead of waiting for the decision's whole transaction (at 50 mixed
 * requests/s, event batches waited up to a second behind intake and first-week planning).
 *
 * Transaction-level advisory locks, one per hash of an id, taken in ascending key order so two callers never wait
 * for each other in a circle (two learners sharing a hash only serialise more). Keep the lock order of
 * libs/assignment/assignment.contract.ts: these first, staff rows last.
 */
export async function lockLearnerDecisions(em: EntityManager, learnerIds: readonly string[]): Promise<void> {
  if (!learnerIds.length) return;
  await em.query(
    `select count(pg_advisory_xact_lock($1::int, k))
       from (select distinct hashtext(id::text) as k from unnest($2::uuid[]) id order by k) s`,
    [LEARNER_LOCK_NS, [...learnerIds]],
  );
}
