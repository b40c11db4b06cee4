import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { NEAR_EXPIRY_DAYS } from '../learners/lifecycle.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { LearnerEventsRepository } from '../learners/learner-events.repository.js';
import { TasksRepository } from './tasks.repository.js';

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
    private readonly learners: LearnerEventsRepository,
    private readonly tasks: TasksRepository,
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
        const rows = await this.learners.claimDueReminders(em, now, this.config.reminderInactiveDays, BATCH);
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
    const created = await this.tasks.scheduleRenewalCalls(now, NEAR_EXPIRY_DAYS);
    if (created) this.logger.log(`scheduled ${created} renewal call(s)`);
    return { created };
  }
}
