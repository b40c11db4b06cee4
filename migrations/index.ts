import { Foundation1764100000000 } from './1764100000000-Foundation.js';
import { CoreDomain1764100001000 } from './1764100001000-CoreDomain.js';
import { LearnerData1764100003000 } from './1764100003000-LearnerData.js';
import { RulesEngine1764100004000 } from './1764100004000-RulesEngine.js';
import { CasesAssignment1764100005000 } from './1764100005000-CasesAssignment.js';
import { Interventions1764100006000 } from './1764100006000-Interventions.js';
import { TaskDueNotices1764100006001 } from './1764100006001-TaskDueNotices.js';
import { SupportDesk1764100007000 } from './1764100007000-SupportDesk.js';
import { KbLearning1764100007001 } from './1764100007001-KbLearning.js';
import { Analytics1764100008000 } from './1764100008000-Analytics.js';
import { CaseIntakeQueue1764100009000 } from './1764100009000-CaseIntakeQueue.js';
import { MissingAssignments1764100009500 } from './1764100009500-MissingAssignments.js';
import { OutboxNotify1764100009600 } from './1764100009600-OutboxNotify.js';
import { AuditNoTruncate1764100020000 } from './1764100020000-AuditNoTruncate.js';
import { StaffTokenVersion1764100020100 } from './1764100020100-StaffTokenVersion.js';
import { LoginThrottleByAddress1764100020200 } from './1764100020200-LoginThrottleByAddress.js';
import { LearnedRisk1764100030000 } from './1764100030000-LearnedRisk.js';
import { RiskScoreContributions1764100040000 } from './1764100040000-RiskScoreContributions.js';
import { ClosedTasksByAssignee1764100050000 } from './1764100050000-ClosedTasksByAssignee.js';
import { LearnerSearchIndexes1764100060000 } from './1764100060000-LearnerSearchIndexes.js';

/**
 * Every migration, in timestamp order. Listed explicitly (not globbed) so the same list works from TypeScript
 * sources under Jest and from compiled JavaScript in dist/. TypeORM runs them by timestamp. Add new ones at the end.
 */
export const MIGRATIONS = [
  Foundation1764100000000,
  CoreDomain1764100001000,
  LearnerData1764100003000,
  RulesEngine1764100004000,
  CasesAssignment1764100005000,
  Interventions1764100006000,
  TaskDueNotices1764100006001,
  SupportDesk1764100007000,
  KbLearning1764100007001,
  Analytics1764100008000,
  CaseIntakeQueue1764100009000,
  MissingAssignments1764100009500,
  OutboxNotify1764100009600,
  AuditNoTruncate1764100020000,
  StaffTokenVersion1764100020100,
  LoginThrottleByAddress1764100020200,
  LearnedRisk1764100030000,
  RiskScoreContributions1764100040000,
  ClosedTasksByAssignee1764100050000,
  LearnerSearchIndexes1764100060000,
];
