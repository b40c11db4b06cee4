import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMe } from '../../../api/me';
import { enumLabel, taskKindLabel } from '../../../components/labels';
import { RelativeTime } from '../../../components/RelativeTime';
import { useListKeys } from '../../../components/use-list-keys';
import { useSelection } from '../../../components/use-selection';
import { useI18n } from '../../../i18n/i18n';
import { allMatchingTaskIds, TASK_FILTER_KEYS, useAdvisors, useScheduledTasks, useTeams, type TaskFilters, type TaskItem } from '../api/board';
import { BulkBar, BulkList, BulkShortcuts, BulkTabs, useSelectMatching, useUrlFilters } from './bulk-parts';
import { ReassignDialog } from './ReassignDialog';

const KINDS = ['first_week_checkin', 'care_call', 'follow_up', 'obstacle_call', 'advisor_contact', 'renewal_call', 'survey', 'escalation'] as const;
const RESETS = { teamId: ['assigneeId'] } as const satisfies Partial<Record<(typeof TASK_FILTER_KEYS)[number], Array<(typeof TASK_FILTER_KEYS)[number]>>>;

/**
 * Bulk work on calls: the scheduled tasks of the supervisor's teams (first-week check-ins, care calls, follow-ups),
 * filtered by team, person, kind and due (in the URL), selected like cases and moved to one person with a reason.
 */
export function BulkTasksPage() {
  const { t } = useI18n();
  const [urlFilters, setUrlFilters] = useUrlFilters(TASK_FILTER_KEYS, RESETS);
  const filters = urlFilters as TaskFilters;
  const me = useMe();
  const teams = useTeams();
  const advisors = useAdvisors(filters.teamId);
  const tasks = useScheduledTasks(filters);
  const navigate = useNavigate();
  const rows = useMemo(() => tasks.data?.pages.flatMap((p) => p.items) ?? [], [tasks.data]);
  const { selected, toggle, selectAll, clear } = useSelection(rows);
  const matching = useSelectMatching(() => allMatchingTaskIds(filters), selectAll);
  const [dialog, setDialog] = useState(false);
  const [help, setHelp] = useState(false);
  const { active, setActive } = useListKeys(rows.length, {
    open: (i) => rows[i] && navigate(`/learners/${rows[i].learnerId}`),
    key: { x: (i) => toggle(i) },
    help: () => setHelp(true),
  });
  const names = useMemo(() => new Map((advisors.data?.items ?? []).map((a) => [a.id, a.name])), [advisors.data]);
  const labels = useMemo(() => new Map(rows.map((x) => [x.id, `${x.learnerName} · ${taskKindLabel(t, x.kind, x.dayIndex)}`])), [rows, t]);
  const notMine = me.data && me.data.role === 'supervisor' && filters.teamId && !me.data.teamIds.includes(filters.teamId);
  const setFilter = (key: keyof TaskFilters, value: string) => {
    setUrlFilters({ [key]: value });
    clear();
    matching.reset();
  };
  const m = matching.state;

  return (
    <section className="page" aria-labelledby="bulk-tasks-title">
      <div className="page-head">
        <div>
          <h1 id="bulk-tasks-title">{t('bulk.tasks.title')}</h1>
          <p className="muted">{t('bulk.tasks.subtitle')}</p>
        </div>
        <Link to="/board">{t('bulk.backToBoard')}</Link>
      </div>
      <BulkTabs teamId={filters.teamId} />
      <form className="filters" aria-label={t('bulk.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t('bulk.filter.team')}
          <select value={filters.teamId ?? ''} onChange={(e) => setFilter('teamId', e.target.value)}>
            <option value="">{t('bulk.filter.allTeams')}</option>
            {(teams.data ?? []).map((tm) => (
              <option key={tm.id} value={tm.id}>
                {tm.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('bulk.tasks.filter.assignee')}
          <select value={filters.assigneeId ?? ''} onChange={(e) => setFilter('assigneeId', e.target.value)}>
            <option value="">{t('bulk.filter.anyone')}</option>
            {(advisors.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('bulk.tasks.filter.kind')}
          <select value={filters.kind ?? ''} onChange={(e) => setFilter('kind', e.target.value)}>
            <option value="">{t('bulk.filter.any')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {enumLabel(t, 'task.kind', k)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('bulk.tasks.filter.due')}
          <select value={filters.due ?? ''} onChange={(e) => setFilter('due', e.target.value)}>
            <option value="">{t('bulk.filter.any')}</option>
            <option value="overdue">{t('bulk.filter.due.overdue')}</option>
            <option value="today">{t('bulk.tasks.filter.due.today')}</option>
          </select>
        </label>
      </form>

      {notMine && (
        <p className="notice notice-warn" role="alert">
          {t('bulk.notYourTeam')}
        </p>
      )}
      <BulkBar
        count={selected.size}
        matching={m.pending}
        matchingText={
          m.count === undefined
            ? undefined
            : m.capped
              ? t('bulk.tasks.selectMatching.capped', { count: m.count })
              : t('bulk.tasks.selectMatching.done', { count: m.count })
        }
        canSelectMatching={rows.length > 0}
        onSelectMatching={matching.run}
        onClear={clear}
        onReassign={() => setDialog(true)}
        onHelp={() => setHelp(true)}
      />

      <BulkList
        query={tasks}
        count={rows.length}
        empty={t('bulk.tasks.empty')}
        label="Calls"
        head={[t('queue.col.learner'), t('bulk.tasks.col.assignee'), t('bulk.tasks.col.kind'), t('bulk.tasks.col.due')]}
      >
        {rows.map((x, i) => (
          <TaskRowView
            key={x.id}
            task={x}
            index={i}
            active={i === active}
            checked={selected.has(x.id)}
            assignee={x.assigneeId ? (names.get(x.assigneeId) ?? '—') : t('bulk.tasks.nobody')}
            onActivate={() => setActive(i)}
            onToggle={(range) => toggle(i, { range })}
          />
        ))}
      </BulkList>
      {dialog && (
        <ReassignDialog target={{ taskIds: [...selected] }} labels={labels} advisors={advisors.data?.items ?? []} onClose={() => (setDialog(false), clear())} />
      )}
      {help && <BulkShortcuts open={t('shortcuts.open.learner')} onClose={() => setHelp(false)} />}
    </section>
  );
}

function TaskRowView({
  task,
  index,
  active,
  checked,
  assignee,
  onActivate,
  onToggle,
}: {
  task: TaskItem;
  index: number;
  active: boolean;
  checked: boolean;
  assignee: string;
  onActivate(): void;
  onToggle(range: boolean): void;
}) {
  const { t } = useI18n();
  return (
    <tr
      className={['queue-row', active ? 'is-active' : '', checked ? 'is-selected' : ''].join(' ')}
      data-row-index={index}
      tabIndex={active ? 0 : -1}
      onFocus={onActivate}
      onClick={onActivate}
    >
      <td>
        <input
          type="checkbox"
          checked={checked}
          aria-label={t('bulk.selectRow', { name: task.learnerName })}
          onChange={() => undefined}
          onClick={(e) => {
            e.stopPropagation();
            onActivate();
            onToggle(e.shiftKey);
          }}
        />
      </td>
      <td>
        <Link to={`/learners/${task.learnerId}`} className="learner-name">
          {task.learnerName}
        </Link>
        <span className="muted">{task.learnerExternalId}</span>
      </td>
      <td>{assignee}</td>
      <td>{taskKindLabel(t, task.kind, task.dayIndex)}</td>
      <td>
        <RelativeTime at={task.dueAt} overdueLabel />
      </td>
    </tr>
  );
}
