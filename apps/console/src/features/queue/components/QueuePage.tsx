import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { enumLabel, taskKindLabel } from '../../../components/labels';
import { RiskScore } from '../../../components/RiskScore';
import { RuleChips } from '../../../components/RuleChips';
import { ProgressBar } from '../../../components/ProgressBar';
import { RelativeTime } from '../../../components/RelativeTime';
import { ShortcutsDialog } from '../../../components/ShortcutsDialog';
import type { OutcomeDialogComponent, RescheduleDialogComponent, TaskRef } from '../../../components/task-dialogs';
import { useListKeys } from '../../../components/use-list-keys';
import { useI18n } from '../../../i18n/i18n';
import { useQueue, type QueueCase, type QueueTask } from '../api/queue';
import { DateNav } from './DateNav';

/** YYYY-MM-DD of an instant in a zone (en-CA formats dates that way). */
function dayIn(timeZone: string, at: Date | string = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
}

function refOf(task: QueueTask): TaskRef {
  return { id: task.id, kind: task.kind, dayIndex: task.dayIndex, dueAt: task.dueAt, learnerName: task.learner.name };
}

function pathOf(task: Pick<QueueTask, 'case' | 'learner'>): string {
  return task.case ? `/cases/${task.case.id}` : `/learners/${task.learner.id}`;
}

/** The advisor's working day: today's calls in the API's order, then open cases without a scheduled call. */
export function QueuePage({ OutcomeDialog, RescheduleDialog }: { OutcomeDialog: OutcomeDialogComponent; RescheduleDialog: RescheduleDialogComponent }) {
  const { t, fmt } = useI18n();
  const [params, setParams] = useSearchParams();
  const date = params.get('date') ?? undefined;
  const sort = params.get('sort') === 'risk' ? 'risk' : undefined;
  const queue = useQueue(date, sort);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [outcomeFor, setOutcomeFor] = useState<{ task: TaskRef; index: number } | null>(null);
  const [rescheduleFor, setRescheduleFor] = useState<TaskRef | null>(null);
  const [help, setHelp] = useState(false);
  const tasks = useMemo(() => queue.data?.tasks ?? [], [queue.data]);
  const open = useCallback((task: QueueTask | undefined) => task && setOutcomeFor({ task: refOf(task), index: tasks.indexOf(task) }), [tasks]);
  const { active, setActive } = useListKeys(tasks.length, {
    open: (i) => tasks[i] && navigate(pathOf(tasks[i])),
    key: {
      o: (i) => open(tasks[i]),
      r: (i) => tasks[i] && setRescheduleFor(refOf(tasks[i])),
    },
    help: () => setHelp(true),
  });

  const setDate = (next: string | undefined) => {
    const p = new URLSearchParams(params);
    if (next) p.set('date', next);
    else p.delete('date');
    setParams(p);
  };
  const setSort = (next: 'risk' | undefined) => {
    const p = new URLSearchParams(params);
    if (next) p.set('sort', next);
    else p.delete('sort');
    setParams(p);
  };
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['queue'] });

  const nextScheduledAfter = (index: number): QueueTask | undefined => tasks[index + 1];

  const data = queue.data;
  const isToday = !!data && data.date === dayIn(data.timezone);

  return (
    <section className="page" aria-labelledby="queue-title">
      <div className="page-head">
        <div>
          <h1 id="queue-title">{t('queue.title')}</h1>
          {data && <p className="muted">{t('queue.subtitle', { zone: fmt.zoneLabel })}</p>}
        </div>
        {data && <DateNav date={data.date} onChange={setDate} isToday={isToday} />}
      </div>
      {data && (
        <ul className="counts" aria-label={t('queue.counts')}>
          <li>
            <strong>{data.counts.tasks}</strong> {t('queue.count.tasks', { count: data.counts.tasks })}
          </li>
          <li className={data.counts.overdue ? 'count-warn' : undefined}>
            <strong>{data.counts.overdue}</strong> {t('queue.count.overdue', { count: data.counts.overdue })}
          </li>
          <li>
            <strong>{data.counts.dueToday}</strong> {t('queue.count.dueToday', { count: data.counts.dueToday })}
          </li>
          <li>
            <strong>{data.counts.doneToday}</strong> {t('queue.count.done', { count: data.counts.doneToday })}
          </li>
          <li>
            <strong>{data.counts.cases}</strong> {t('queue.count.cases', { count: data.counts.cases })}
          </li>
          <li className="counts-end">
            <button type="button" className="link-button" aria-pressed={sort === 'risk'} onClick={() => setSort(sort === 'risk' ? undefined : 'risk')}>
              {sort === 'risk' ? t('risk.sort.due') : t('risk.sort')}
            </button>
            {' · '}
            <button type="button" className="link-button" onClick={() => setHelp(true)}>
              {t('shortcuts.open')} <kbd>?</kbd>
            </button>
            {queue.isFetching && <span className="muted"> · {t('state.refreshing')}</span>}
          </li>
        </ul>
      )}
      {queue.isPending && <Loading />}
      {queue.isError && !data && <ErrorState error={queue.error} retry={() => queue.refetch()} />}
      {queue.isError && data && (
        <p className="notice notice-warn" role="status">
          {t('queue.staleWarning')}
        </p>
      )}
      {data && tasks.length === 0 && <Empty title={t('queue.empty.title')} body={t('queue.empty.body')} />}
      {data && tasks.length > 0 && (
        <table className="queue-table" aria-label="Queue">
          <caption className="visually-hidden">{t('queue.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('queue.col.due')}</th>
              <th scope="col">{t('queue.col.learner')}</th>
              <th scope="col">{t('queue.col.kind')}</th>
              <th scope="col">{t('queue.col.stage')}</th>
              <th scope="col">{t('queue.col.progress')}</th>
              <th scope="col">{t('queue.col.alerts')}</th>
              <th scope="col">{t('queue.col.risk')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('queue.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((task, i) => (
              <TaskRow
                key={task.id}
                task={task}
                index={i}
                queueDate={data.date}
                active={i === active}
                onActivate={() => setActive(i)}
                onOutcome={() => open(task)}
                onReschedule={() => setRescheduleFor(refOf(task))}
              />
            ))}
          </tbody>
        </table>
      )}
      {data && <CasesWithoutTask cases={data.cases} total={data.counts.cases} />}
      {outcomeFor && (
        <OutcomeDialog
          key={outcomeFor.task.id}
          task={outcomeFor.task}
          hasNext={!!nextScheduledAfter(outcomeFor.index)}
          onClose={() => setOutcomeFor(null)}
          onSaved={(then) => {
            const next = then === 'next' ? nextScheduledAfter(outcomeFor.index) : undefined;
            void refresh();
            if (next) {
              const index = tasks.indexOf(next);
              setActive(index);
              setOutcomeFor({ task: refOf(next), index });
            } else setOutcomeFor(null);
          }}
        />
      )}
      {rescheduleFor && (
        <RescheduleDialog
          task={rescheduleFor}
          onClose={() => setRescheduleFor(null)}
          onSaved={() => {
            setRescheduleFor(null);
            void refresh();
          }}
        />
      )}
      {help && (
        <ShortcutsDialog
          onClose={() => setHelp(false)}
          shortcuts={[
            { keys: ['j'], label: t('shortcuts.next') },
            { keys: ['k'], label: t('shortcuts.prev') },
            { keys: ['Enter'], label: t('shortcuts.open.case') },
            { keys: ['o'], label: t('shortcuts.outcome') },
            { keys: ['r'], label: t('shortcuts.reschedule') },
            { keys: ['?'], label: t('shortcuts.help') },
          ]}
        />
      )}
    </section>
  );
}

function TaskRow({
  task,
  index,
  queueDate,
  active,
  onActivate,
  onOutcome,
  onReschedule,
}: {
  task: QueueTask;
  index: number;
  queueDate: string;
  active: boolean;
  onActivate(): void;
  onOutcome(): void;
  onReschedule(): void;
}) {
  const { t, fmt, a11y } = useI18n();
  // Every call on the queue is still to make: a logged call leaves it when the queue refetches.
  const classes = ['queue-row', active ? 'is-active' : '', task.overdue ? 'is-overdue' : ''].filter(Boolean).join(' ');
  return (
    <tr
      className={classes}
      data-row-index={index}
      tabIndex={active ? 0 : -1}
      onClick={onActivate}
      onFocus={onActivate}
      aria-current={active ? 'true' : undefined}
    >
      <td className="cell-due">
        {/* A call carried over from another day (overdue, or seen from a later day) shows its date too. */}
        <span className="due-time">{fmt.day(task.dueAt) === queueDate ? fmt.time(task.dueAt) : fmt.dateTime(task.dueAt)}</span>
        <span className={task.overdue ? 'due-rel overdue' : 'due-rel'}>
          <RelativeTime at={task.dueAt} overdueLabel />
        </span>
      </td>
      <td className="cell-learner">
        <Link to={pathOf(task)} className="learner-name">
          {task.learner.name}
        </Link>
        {task.learner.phone ? (
          <a className="phone" href={`tel:${task.learner.phone.replace(/\s+/g, '')}`}>
            {task.learner.phone}
          </a>
        ) : (
          <span className="muted">{t('learner.noPhone')}</span>
        )}
      </td>
      <td>
        <span className="kind">{taskKindLabel(t, task.kind, task.dayIndex)}</span>
        {task.case && <span className={`tag tag-${task.case.priority}`}>{enumLabel(t, 'case.priority', task.case.priority)}</span>}
        {task.lastOutcome && (
          <span className="muted last-outcome">
            {t('queue.lastOutcome', { result: enumLabel(t, 'call.result', task.lastOutcome.result), when: fmt.relative(task.lastOutcome.at) })}
          </span>
        )}
      </td>
      <td>{enumLabel(t, 'stage', task.learner.stage)}</td>
      <td className="cell-progress">
        {task.learner.progress ? (
          <ProgressBar
            percent={task.learner.progress.percent}
            expectedPercent={task.learner.progress.expectedPercent}
            label={t('progress.labelFor', { name: task.learner.name })}
          />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td>{task.learner.openAlerts.length === 0 ? <span className="muted">{t('queue.noAlerts')}</span> : <RuleChips alerts={task.learner.openAlerts} />}</td>
      <td className="cell-risk">
        <RiskScore risk={task.learner.riskScore} compact />
      </td>
      <td className="cell-actions">
        <button
          type="button"
          className="primary small"
          aria-label={a11y(t('queue.action.outcome'), 'Log outcome')}
          onClick={onOutcome}
          title={t('queue.action.outcome.hint')}
        >
          {t('queue.action.outcome')}
        </button>
        <button type="button" className="small" aria-label={a11y(t('queue.action.reschedule'), 'Reschedule')} onClick={onReschedule}>
          {t('queue.action.reschedule')}
        </button>
      </td>
    </tr>
  );
}

function CasesWithoutTask({ cases, total }: { cases: QueueCase[]; total: number }) {
  const { t } = useI18n();
  return (
    <section className="subsection" aria-labelledby="cases-title">
      <h2 id="cases-title">
        {t('queue.cases.title')} <span className="muted">({total})</span>
      </h2>
      {cases.length === 0 ? (
        <Empty title={t('queue.cases.empty')} />
      ) : (
        <table className="cases-table" aria-labelledby="cases-title">
          <thead>
            <tr>
              <th scope="col">{t('queue.col.learner')}</th>
              <th scope="col">{t('case.priority')}</th>
              <th scope="col">{t('queue.col.stage')}</th>
              <th scope="col">{t('queue.col.alerts')}</th>
              <th scope="col">{t('case.dueAt')}</th>
              <th scope="col">{t('case.openedAt')}</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link to={`/cases/${c.id}`}>{c.learner.name}</Link>
                </td>
                <td>
                  <span className={`tag tag-${c.priority}`}>{enumLabel(t, 'case.priority', c.priority)}</span>
                </td>
                <td>{enumLabel(t, 'stage', c.learner.stage)}</td>
                <td>
                  <RuleChips alerts={c.learner.openAlerts} />
                </td>
                <td>{c.dueAt ? <RelativeTime at={c.dueAt} overdueLabel /> : '—'}</td>
                <td>
                  <RelativeTime at={c.openedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > cases.length && <p className="muted">{t('queue.cases.more', { shown: cases.length, total })}</p>}
    </section>
  );
}
