import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * What careloop itself records about learners, rather than syncs: a complaint ticket counts as a complaint event of
 * the learner, in the same tables as synced events (the event id log, the events, the daily rollup the complaints
 * rule reads), and the reminders sent (one per absence). Owned by the learners context; the support desk and the
 * reminders job record through it.
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

  /**
   * Claims the learners due a reminder: an active, treated enrolment and no login (or enrolment) for `days`, not
   * reminded for this absence yet; marks them reminded for it (once per absence) and returns them, `limit` at most.
   */
  claimDueReminders(
    em: EntityManager,
    now: Date,
    days: number,
    limit: number,
  ): Promise<
    Array<{
      id: string;
      external_id: string;
      name: string;
      phone: string | null;
      email: string | null;
      owner_advisor_id: string | null;
      basis: Date;
      last_login_at: Date | null;
    }>
  > {
    return em.query(
      `with due as (
          select l.id, coalesce(l.last_login_at, min(e.enrolled_at)) as basis
            from learners l join enrollments e on e.learner_id = l.id and e.status = 'active' and not e.holdout
           where not l.holdout
           group by l.id
          having coalesce(l.last_login_at, min(e.enrolled_at)) <= $1::timestamptz - make_interval(days => $2::int)
             and coalesce(l.last_login_at, min(e.enrolled_at)) is distinct from l.reminder_basis_at
           order by l.id
           limit $3),
        u as (
          update learners l set reminder_basis_at = due.basis, reminder_sent_at = $1
            from due where l.id = due.id and l.reminder_basis_at is distinct from due.basis
          returning l.id, l.external_id, l.name, l.phone, l.email, l.owner_advisor_id, due.basis, l.last_login_at)
        select * from u`,
      [now, days, limit],
    );
  }
}
