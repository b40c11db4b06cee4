import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * Learner activity that careloop itself observes rather than syncs: a complaint ticket counts as a complaint event
 * of the learner, in the same tables as synced events (the event id log, the events, the daily rollup the
 * complaints rule reads). Owned by the learners context; the support desk records through it.
 */
@Injectable()
export class LearnerEventsRepository {
  /**
   * Records the learner's complaint exactly once per ticket, with the same rules as synced events (libs/learners
   * ingest): the event id `ticket:<id>:complaint` is claimed once globally, and only a newly claimed id is
   * stored and bumps the daily complaint rollup of the learner's enrolments running that (school-tz) day.
   */
  async recordComplaint(em: EntityManager, c: { ticketId: string; learnerId: string; occurredAt: Date; timezone: string }): Promise<boolean> {
    const eventId = `ticket:${c.ticketId}:complaint`;
    const fresh = await em.query(`insert into activity_event_ids (event_id, occurred_at) values ($1, $2) on conflict do nothing returning event_id`, [
      eventId,
      c.occurredAt,
    ]);
    if (!fresh.length) return false;
    await em.query(`insert into activity_events (event_id, learner_id, type, occurred_at, data) values ($1, $2, 'complaint', $3, $4)`, [
      eventId,
      c.learnerId,
      c.occurredAt,
      JSON.stringify({ source: 'ticket', ticketId: c.ticketId }),
    ]);
    await em.query(
      `insert into enrollment_daily as d (enrollment_id, day, complaints)
       select e.id, ($2::timestamptz at time zone $3)::date, 1 from enrollments e
        where e.learner_id = $1
          and (e.enrolled_at at time zone $3)::date <= ($2::timestamptz at time zone $3)::date
          and (e.expires_at is null or ($2::timestamptz at time zone $3)::date <= (e.expires_at at time zone $3)::date)
        order by e.id
       on conflict (enrollment_id, day) do update set complaints = d.complaints + 1`,
      [c.learnerId, c.occurredAt, c.timezone],
    );
    return true;
  }
}
