import { Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { QueueName } from '../../../../libs/queue/jobs.js';
import { RiskService } from '../../../../libs/risk/risk.service.js';
import { RuleRunsService } from '../../../../libs/rules/rule-runs.service.js';
import { UnknownJobError, type JobProcessor } from '../job-processor.js';

/**
 * rules.run refreshes every active enrolment's learned risk score as of the run, then executes the run (idempotent:
 * the run row is re-checked); rules.schedule requests one.
 */
@Injectable()
export class RulesProcessor implements JobProcessor {
  readonly queue = QueueName.Rules;

  constructor(
    private readonly runs: RuleRunsService,
    private readonly risk: RiskService,
  ) {}

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case 'rules.run': {
        // Relayed from the outbox (rule_run.requested) the run id sits in the event payload.
        const data = job.data as { runId?: string; payload?: { runId?: string } };
        const runId = data.runId ?? data.payload?.runId;
        if (!runId) throw new Error('rules.run without a runId');
        try {
          // Scores first, as of the run, so that once the run reads completed its alerts and the scores the queue and
          // learner views show agree (refreshed after it, a reader saw a completed run beside the scores of before).
          // Set-based and idempotent: a retry scores again and changes nothing more.
          const asOf = await this.runs.pendingAsOf(runId);
          if (asOf) await this.risk.refreshScores(asOf);
          const view = await this.runs.execute(runId);
          return view && { runId, status: view.status, opened: view.alertsOpened, refreshed: view.alertsRefreshed, cleared: view.alertsCleared };
        } catch (e) {
          const message = (e as Error).message;
          const attempts = job.opts.attempts ?? 1;
          if (job.attemptsMade + 1 >= attempts) await this.runs.markFailed(runId, message);
          else await this.runs.noteError(runId, `attempt ${job.attemptsMade + 1} failed: ${message}`);
          throw e;
        }
      }
      case 'rules.schedule':
        return this.runs.requestScheduled();
      default:
        throw new UnknownJobError(job);
    }
  }
}
