import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { NEAR_EXPIRY_DAYS } from '../learners/lifecycle.js';
import { OutboxService } from '../outbox/outbox.service.js';

const BATCH = 5000;

/**
 * Periodic, set-based sweeps of the interventions context: learner reminders (docs/design.md §4.8) and renewal calls
 * for enrolments entering near_expiry. Both are idempotent: running twice creates nothing new.
 */
@Injectable()
export class RemindersService {
  private readonly logger = new Logger(RemindersService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * One `learner.reminder` per absence: a learner with an active enrolment and no login for
   * REMINDER_INACTIVE_DAYS. The absence is identified by when it began (last login, or the earliest active
   * enrolment for a learner who never logged in), stored as learners.reminder_basis_at; a new login starts a
   * new absence. Holdout learners get no intervention.
   */
  async sendReminders(): Promise<{ sent: number }> {
    let sent = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (em) => {
        const now = this.clock.now();
        const rows: Array<{
          id: string;
          external_id: string;
          name: string;
          phone: string | null;
          email: string | null;
          owner_advisor_id: string | null;
          basis: Date;
          last_login_at: Date | null;
        }> = await em.query(
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
          [now, this.config.reminderInactiveDays, BATCH],
        );
        await this.outbox.publish(
          em,
          rows.map((r) => ({
            aggregateType: 'learner',
            aggregateId: r.id,
            eventType: 'learner.reminder',
            payload: {
              learnerId: r.id,
              learnerExternalId: r.external_id,
              name: r.name,
              phone: r.phone,
              email: r.email,
              ownerAdvisorId: r.owner_advisor_id,
              lastLoginAt: r.last_login_at ? new Date(r.last_login_at).toISOString() : null,
              inactiveSince: new Date(r.basis).toISOString(),
              inactiveDays: Math.floor((now.getTime() - new Date(r.basis).getTime()) / 86_400_000),
            },
          })),
        );
        return rows.length;
      });
      sent += n;
      if (n < BATCH) break;
    }
    if (sent) this.logger.log(`sent ${sent} learner reminder(s)`);
    return { sent };
  }

  /**
   * A renewal call for each active, treated enrolment within 30 days of expiry, once per expiry date
   * (dedupe key), for the learner's owner when they are active (else unassigned, for the supervisor).
   */
  async scheduleRenewalCalls(): Promise<{ created: number }> {
    const now = this.clock.now();
    const rows: unknown[] = await this.dataSource.query(
      `insert into tasks (kind, assignee_id, learner_id, enrollment_id, due_at, window_end_at, planned_minutes, status, dedupe_key)
       select 'renewal_call', case when s.status = 'active' then s.id end, e.learner_id, e.id, $1, e.expires_at, 15, 'scheduled',
              'renewal:' || e.id || ':' || to_char(e.expires_at at time zone 'UTC', 'YYYYMMDD')
         from enrollments e join learners l on l.id = e.learner_id left join staff s on s.id = l.owner_advisor_id
        where e.status = 'active' and not e.holdout and not l.holdout
          and e.expires_at > $1 and e.expires_at <= $1::timestamptz + make_interval(days => $2::int)
       on conflict (dedupe_key) where dedupe_key is not null do nothing
       returning id`,
      [now, NEAR_EXPIRY_DAYS],
    );
    if (rows.length) this.logger.log(`scheduled ${rows.length} renewal call(s)`);
    return { created: rows.length };
  }
}
