import { useState } from 'react';
import { ErrorState, Loading, Empty } from '../../../components/ErrorState';
import { enumLabel, ruleLabel, taskKindLabel } from '../../../components/labels';
import { ProgressBar } from '../../../components/ProgressBar';
import { RelativeTime } from '../../../components/RelativeTime';
import { RiskScore } from '../../../components/RiskScore';
import type { OutcomeDialogComponent, TaskRef } from '../../../components/task-dialogs';
import { useI18n } from '../../../i18n/i18n';
import { localizeAssignmentReason } from '../../../i18n/server-messages';
import { useLearner, useTimeline, type CaseDetail, type LearnerDetail } from '../api/case';
import { describeEvidence } from './evidence';
import { ResolveDialog } from './ResolveDialog';
import { timelineText } from './timeline-text';

interface TaskLine {
  id: string;
  kind: string;
  dayIndex: number | null;
  dueAt: string | null;
  status: string;
  result: string | null;
  completedAt: string | null;
}
interface AlertLine {
  id: string;
  ruleKey: string;
  severity: string;
  status: string;
  evidence: Record<string, unknown>;
  openedAt: string | null;
  clearedAt?: string | null;
}

/** The learner card, the case (when there is one) with its alerts and tasks, and the learner's timeline. */
export function LearnerCaseView({
  learnerId,
  theCase,
  tasks,
  OutcomeDialog,
}: {
  learnerId: string;
  theCase: CaseDetail | null;
  tasks: TaskLine[];
  OutcomeDialog: OutcomeDialogComponent;
}) {
  const { t, a11y } = useI18n();
  const learner = useLearner(learnerId);
  const [resolving, setResolving] = useState(false);
  const [outcomeFor, setOutcomeFor] = useState<TaskRef | null>(null);
  if (learner.isPending) return <Loading />;
  if (learner.isError) return <ErrorState error={learner.error} retry={() => learner.refetch()} notFoundKey="case.notVisible" />;
  const l = learner.data;
  const alerts: AlertLine[] = theCase ? theCase.alerts.map((a) => ({ ...a })) : l.openAlerts.map((a) => ({ ...a, clearedAt: null }));
  const open = theCase && theCase.status !== 'resolved';
  return (
    <div className="case-layout">
      <div className="case-main">
        <div className="page-head">
          <div>
            <h1 id="case-title">{l.name}</h1>
            <p className="muted">
              {l.externalId}
              {theCase && (
                <>
                  {' · '}
                  <span className={`tag tag-${theCase.priority}`}>{enumLabel(t, 'case.priority', theCase.priority)}</span>{' '}
                  {enumLabel(t, 'case.status', theCase.status)}
                  {theCase.queue === 'escalation' && <span className="tag tag-urgent">{t('case.escalated')}</span>}
                </>
              )}
            </p>
          </div>
          {open && (
            <button type="button" className="primary" aria-label={a11y(t('case.resolve'), 'Resolve case')} onClick={() => setResolving(true)}>
              {t('case.resolve')}
            </button>
          )}
        </div>
        {theCase && <CaseFacts theCase={theCase} />}
        <section className="card" aria-labelledby="alerts-title">
          <h2 id="alerts-title">{t('case.alerts')}</h2>
          {alerts.length === 0 ? <Empty title={t('case.alerts.none')} /> : <AlertList alerts={alerts} />}
        </section>
        <section className="card" aria-labelledby="tasks-title">
          <h2 id="tasks-title">{t('case.tasks')}</h2>
          {tasks.length === 0 ? (
            <Empty title={t('case.tasks.none')} />
          ) : (
            <TaskList
              tasks={tasks}
              onOutcome={(task) => setOutcomeFor({ id: task.id, kind: task.kind, dayIndex: task.dayIndex, dueAt: task.dueAt, learnerName: l.name })}
            />
          )}
        </section>
        <Timeline learnerId={learnerId} />
      </div>
      <aside className="case-side" aria-label={t('learner.card')}>
        <RiskCard risk={theCase?.riskScore ?? l.riskScore} />
        <LearnerCard learner={l} />
      </aside>
      {resolving && theCase && (
        <ResolveDialog caseId={theCase.id} learnerName={l.name} onClose={() => setResolving(false)} onResolved={() => setResolving(false)} />
      )}
      {outcomeFor && <OutcomeDialog task={outcomeFor} onClose={() => setOutcomeFor(null)} onSaved={() => setOutcomeFor(null)} />}
    </div>
  );
}

function CaseFacts({ theCase }: { theCase: CaseDetail }) {
  const { t, fmt, locale } = useI18n();
  const rows: Array<[string, React.ReactNode]> = [
    [t('case.openedAt'), fmt.dateTime(theCase.openedAt, { zone: true })],
    [t('case.dueAt'), theCase.dueAt ? <RelativeTime at={theCase.dueAt} overdueLabel={!theCase.firstContactAt} /> : '—'],
    [t('case.firstContact'), theCase.firstContactAt ? fmt.dateTime(theCase.firstContactAt) : t('case.firstContact.none')],
    [t('case.assignment'), theCase.advisorId ? (theCase.assignmentReason ? localizeAssignmentReason(locale, theCase.assignmentReason) : '—') : t('case.pool')],
  ];
  if (theCase.status === 'resolved') {
    rows.push([
      t('case.outcome'),
      `${enumLabel(t, 'case.outcome', theCase.outcome)}${theCase.churnReason ? ` · ${enumLabel(t, 'churn', theCase.churnReason)}` : ''}`,
    ]);
    if (theCase.resolutionNote) rows.push([t('outcome.note'), theCase.resolutionNote]);
  }
  return (
    <dl className="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function AlertList({ alerts }: { alerts: AlertLine[] }) {
  const { t, fmt } = useI18n();
  return (
    <ul className="alert-list">
      {alerts.map((a) => (
        <li key={a.id} className={`alert-item sev-${a.severity} ${a.status === 'cleared' ? 'is-cleared' : ''}`}>
          <div className="alert-head">
            <strong>{ruleLabel(t, a.ruleKey)}</strong>
            <span className={`chip chip-${a.severity}`}>{enumLabel(t, 'severity', a.severity)}</span>
            {a.status === 'cleared' && <span className="tag">{t('alert.cleared')}</span>}
            {a.openedAt && (
              <span className="muted">
                {t('alert.opened')} <RelativeTime at={a.openedAt} />
              </span>
            )}
          </div>
          <p>{describeEvidence(t, fmt, a.evidence)}</p>
        </li>
      ))}
    </ul>
  );
}

function TaskList({ tasks, onOutcome }: { tasks: TaskLine[]; onOutcome(task: TaskLine): void }) {
  const { t, fmt, a11y } = useI18n();
  return (
    <table className="plain-table" aria-labelledby="tasks-title">
      <thead>
        <tr>
          <th scope="col">{t('queue.col.kind')}</th>
          <th scope="col">{t('queue.col.due')}</th>
          <th scope="col">{t('task.state')}</th>
          <th scope="col">
            <span className="visually-hidden">{t('queue.col.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <tr key={task.id}>
            <td>{taskKindLabel(t, task.kind, task.dayIndex)}</td>
            <td>{task.dueAt ? fmt.dateTime(task.dueAt) : '—'}</td>
            <td>{task.result ? enumLabel(t, 'call.result', task.result) : enumLabel(t, 'task.status', task.status)}</td>
            <td>
              {task.status === 'scheduled' && (
                <button type="button" className="small" aria-label={a11y(t('queue.action.outcome'), 'Log outcome')} onClick={() => onOutcome(task)}>
                  {t('queue.action.outcome')}
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The learned churn risk of the learner's enrolment (the case's when there is one) with its reasons in words. */
function RiskCard({ risk }: { risk: LearnerDetail['riskScore'] }) {
  const { t } = useI18n();
  return (
    <section className="card risk-card" aria-labelledby="risk-title" data-testid="risk-card">
      <h2 id="risk-title">{t('risk.card')}</h2>
      {risk ? <RiskScore risk={risk} /> : <p className="muted small-text">{t('risk.card.none')}</p>}
    </section>
  );
}

function LearnerCard({ learner }: { learner: LearnerDetail }) {
  const { t, fmt } = useI18n();
  return (
    <div className="card learner-card">
      <h2>{t('learner.card')}</h2>
      <dl className="facts facts-stacked">
        <div>
          <dt>{t('learner.phone')}</dt>
          <dd>{learner.phone ? <a href={`tel:${learner.phone.replace(/\s+/g, '')}`}>{learner.phone}</a> : t('learner.noPhone')}</dd>
        </div>
        <div>
          <dt>{t('learner.email')}</dt>
          <dd>{learner.email ? <a href={`mailto:${learner.email}`}>{learner.email}</a> : '—'}</dd>
        </div>
        <div>
          <dt>{t('learner.timezone')}</dt>
          <dd>{learner.timezone ?? t('learner.timezone.school')}</dd>
        </div>
        <div>
          <dt>{t('queue.col.stage')}</dt>
          <dd>{enumLabel(t, 'stage', learner.stage)}</dd>
        </div>
        <div>
          <dt>{t('learner.risk')}</dt>
          <dd>
            <span className={`chip chip-${learner.risk}`}>{enumLabel(t, 'risk', learner.risk)}</span>
          </dd>
        </div>
        <div>
          <dt>{t('learner.owner')}</dt>
          <dd>{learner.owner?.name ?? t('learner.owner.none')}</dd>
        </div>
        <div>
          <dt>{t('learner.lastLogin')}</dt>
          <dd>{learner.lastLoginAt ? <RelativeTime at={learner.lastLoginAt} /> : t('learner.lastLogin.never')}</dd>
        </div>
        {learner.holdout && (
          <div>
            <dt>{t('learner.holdout')}</dt>
            <dd>{t('learner.holdout.body')}</dd>
          </div>
        )}
      </dl>
      <h3>{t('learner.enrollments')}</h3>
      <ul className="enrollments">
        {learner.enrollments.map((e) => (
          <li key={e.id}>
            <div className="enrollment-head">
              <strong>{e.courseTitle}</strong>
              <span className="tag">{enumLabel(t, 'stage', e.stage)}</span>
            </div>
            <ProgressBar percent={e.progress.percent} expectedPercent={e.progress.expectedPercent} label={t('progress.labelFor', { name: e.courseTitle })} />
            <p className="muted small-text">
              {t('learner.enrollment.dates', { from: fmt.date(e.enrolledAt), to: e.expiresAt ? fmt.date(e.expiresAt) : '—' })} ·{' '}
              {t('learner.lessons', { done: e.progress.completedLessons, total: e.progress.totalLessons })}
            </p>
          </li>
        ))}
      </ul>
      {learner.weeklyStudyMinutes.length > 0 && <StudyWeeks weeks={learner.weeklyStudyMinutes} />}
      {learner.openTickets.length > 0 && (
        <>
          <h3>{t('learner.tickets')}</h3>
          <ul className="plain-list">
            {learner.openTickets.map((tk) => (
              <li key={tk.id}>
                {enumLabel(t, 'ticket.category', tk.category)} · {enumLabel(t, 'ticket.status', tk.status)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Eight weeks of study minutes as bars, with the numbers in a table for screen readers. */
function StudyWeeks({ weeks }: { weeks: Array<{ weekStart: string; minutes: number }> }) {
  const { t, fmt } = useI18n();
  const max = Math.max(1, ...weeks.map((w) => w.minutes));
  return (
    <figure className="study-weeks">
      <figcaption>{t('learner.studyWeeks')}</figcaption>
      <div className="bars" aria-hidden="true">
        {weeks.map((w) => (
          <span key={w.weekStart} className="bar" style={{ height: `${Math.round((w.minutes / max) * 100)}%` }} title={`${w.weekStart}: ${w.minutes}`} />
        ))}
      </div>
      <table className="visually-hidden">
        <caption>{t('learner.studyWeeks')}</caption>
        <tbody>
          {weeks.map((w) => (
            <tr key={w.weekStart}>
              <th scope="row">{fmt.date(`${w.weekStart}T00:00:00`)}</th>
              <td>{t('timeline.study', { minutes: w.minutes })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function Timeline({ learnerId }: { learnerId: string }) {
  const { t, fmt } = useI18n();
  const timeline = useTimeline(learnerId);
  const items = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('case.timeline')}</h2>
      {timeline.isPending && <Loading />}
      {timeline.isError && <ErrorState error={timeline.error} retry={() => timeline.refetch()} />}
      {timeline.data && items.length === 0 && <Empty title={t('case.timeline.none')} />}
      <ol className="timeline">
        {items.map((item) => {
          const text = timelineText(t, fmt, item);
          return (
            <li key={`${item.kind}:${item.id}`} className={`tl tl-${text.tone}`}>
              <time dateTime={item.at}>{fmt.dateTime(item.at)}</time>
              <div>
                <span className="tl-title">{text.title}</span>
                {text.detail && <span className="tl-detail">{text.detail}</span>}
              </div>
            </li>
          );
        })}
      </ol>
      {timeline.hasNextPage && (
        <button type="button" onClick={() => timeline.fetchNextPage()} disabled={timeline.isFetchingNextPage}>
          {timeline.isFetchingNextPage ? t('state.loading') : t('case.timeline.more')}
        </button>
      )}
    </section>
  );
}
