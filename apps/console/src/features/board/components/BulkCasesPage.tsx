import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMe } from '../../../api/me';
import { enumLabel, ruleLabel } from '../../../components/labels';
import { RelativeTime } from '../../../components/RelativeTime';
import { RiskScore } from '../../../components/RiskScore';
import { RuleChips } from '../../../components/RuleChips';
import { useListKeys } from '../../../components/use-list-keys';
import { useSelection } from '../../../components/use-selection';
import { useI18n } from '../../../i18n/i18n';
import { allMatchingIds, FILTER_KEYS, useAdvisors, useOpenCases, useTeams, type CaseFilters, type CaseView } from '../api/board';
import { BulkBar, BulkList, BulkShortcuts, BulkTabs, useSelectMatching, useUrlFilters } from './bulk-parts';
import { ReassignDialog } from './ReassignDialog';

const PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const;
const STAGES = ['new', 'active', 'near_expiry', 'paused'] as const;
const RULES = ['inactive_7d', 'low_completion', 'late_assignments', 'complaints', 'study_time_drop'] as const;
/** A new team empties the advisor filter (the advisor may not be in it). */
const RESETS = { teamId: ['advisorId'] } as const satisfies Partial<Record<(typeof FILTER_KEYS)[number], Array<(typeof FILTER_KEYS)[number]>>>;

/**
 * Bulk work for supervisors: the open cases of their teams, filtered (advisor, priority, rule, stage, due; kept in the
 * URL), selected with checkboxes, shift-click ranges, `x` or "select all matching", and reassigned with a reason.
 */
export function BulkCasesPage() {
  const { t } = useI18n();
  const [urlFilters, setUrlFilters] = useUrlFilters(FILTER_KEYS, RESETS);
  const filters = urlFilters as CaseFilters;
  const me = useMe();
  const teams = useTeams();
  const advisors = useAdvisors(filters.teamId);
  const cases = useOpenCases(filters);
  const navigate = useNavigate();
  const rows = useMemo(() => cases.data?.pages.flatMap((p) => p.items) ?? [], [cases.data]);
  const { selected, toggle, selectAll, clear } = useSelection(rows);
  const matching = useSelectMatching(() => allMatchingIds(filters), selectAll);
  const [dialog, setDialog] = useState(false);
  const [help, setHelp] = useState(false);
  const { active, setActive } = useListKeys(rows.length, {
    open: (i) => rows[i] && navigate(`/cases/${rows[i].id}`),
    key: { x: (i) => toggle(i) },
    help: () => setHelp(true),
  });
  const names = useMemo(() => new Map((advisors.data?.items ?? []).map((a) => [a.id, a.name])), [advisors.data]);
  const labels = useMemo(() => new Map(rows.map((c) => [c.id, c.learnerName])), [rows]);
  const notMine = me.data && me.data.role === 'supervisor' && filters.teamId && !me.data.teamIds.includes(filters.teamId);

  const setFilters = (updates: Partial<Record<keyof CaseFilters, string>>) => {
    setUrlFilters(updates);
    clear();
    matching.reset();
  };
  const setFilter = (key: keyof CaseFilters, value: string) => setFilters({ [key]: value });
  const m = matching.state;

  return (
    <section className="page" aria-labelledby="bulk-title">
      <div className="page-head">
        <div>
          <h1 id="bulk-title">{t('bulk.title')}</h1>
          <p className="muted">{t('bulk.subtitle')}</p>
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
          {t('bulk.filter.advisor')}
          <select
            value={filters.unassigned === 'true' ? 'pool' : (filters.advisorId ?? '')}
            onChange={(e) => setFilters(e.target.value === 'pool' ? { advisorId: '', unassigned: 'true' } : { unassigned: '', advisorId: e.target.value })}
          >
            <option value="">{t('bulk.filter.anyone')}</option>
            <option value="pool">{t('bulk.pool')}</option>
            {(advisors.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('case.priority')}
          <select value={filters.priority ?? ''} onChange={(e) => setFilter('priority', e.target.value)}>
            <option value="">{t('bulk.filter.any')}</option>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {enumLabel(t, 'case.priority', p)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('bulk.filter.rule')}
          <select value={filters.ruleKey ?? ''} onChange={(e) => setFilter('ruleKey', e.target.value)}>
            <option value="">{t('bulk.filter.any')}</option>
            {RULES.map((r) => (
              <option key={r} value={r}>
                {ruleLabel(t, r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('queue.col.stage')}
          <select value={filters.stage ?? ''} onChange={(e) => setFilter('stage', e.target.value)}>
            <option value="">{t('bulk.filter.any')}</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {enumLabel(t, 'stage', s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('bulk.filter.due')}
          <select value={filters.due ?? ''} onChange={(e) => setFilter('due', e.target.value)}>
            <option value="">{t('bulk.filter.any')}</option>
            <option value="overdue">{t('bulk.filter.due.overdue')}</option>
            <option value="today">{t('bulk.filter.due.today')}</option>
          </select>
        </label>
        <label>
          {t('bulk.filter.sort')}
          <select value={filters.sort ?? ''} onChange={(e) => setFilter('sort', e.target.value)}>
            <option value="">{t('bulk.filter.sort.priority')}</option>
            <option value="risk">{t('bulk.filter.sort.risk')}</option>
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
          m.count === undefined ? undefined : m.capped ? t('bulk.selectMatching.capped', { count: m.count }) : t('bulk.selectMatching.done', { count: m.count })
        }
        canSelectMatching={rows.length > 0}
        onSelectMatching={matching.run}
        onClear={clear}
        onReassign={() => setDialog(true)}
        onHelp={() => setHelp(true)}
      />

      <BulkList
        query={cases}
        count={rows.length}
        empty={t('bulk.empty')}
        label="Cases"
        head={[
          t('queue.col.learner'),
          t('bulk.col.advisor'),
          t('case.priority'),
          t('queue.col.alerts'),
          t('queue.col.risk'),
          t('case.dueAt'),
          t('case.openedAt'),
        ]}
      >
        {rows.map((c, i) => (
          <CaseRowView
            key={c.id}
            c={c}
            index={i}
            active={i === active}
            checked={selected.has(c.id)}
            advisorName={c.advisorId ? (names.get(c.advisorId) ?? '—') : t('bulk.pool')}
            onActivate={() => setActive(i)}
            onToggle={(range) => toggle(i, { range })}
          />
        ))}
      </BulkList>
      {dialog && (
        <ReassignDialog target={{ caseIds: [...selected] }} labels={labels} advisors={advisors.data?.items ?? []} onClose={() => (setDialog(false), clear())} />
      )}
      {help && <BulkShortcuts open={t('shortcuts.open.case')} onClose={() => setHelp(false)} />}
    </section>
  );
}

function CaseRowView({
  c,
  index,
  active,
  checked,
  advisorName,
  onActivate,
  onToggle,
}: {
  c: CaseView;
  index: number;
  active: boolean;
  checked: boolean;
  advisorName: string;
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
          aria-label={t('bulk.selectRow', { name: c.learnerName })}
          onChange={() => undefined}
          onClick={(e) => {
            e.stopPropagation();
            onActivate();
            onToggle(e.shiftKey);
          }}
        />
      </td>
      <td>
        <Link to={`/cases/${c.id}`} className="learner-name">
          {c.learnerName}
        </Link>
        <span className="muted">{c.learnerExternalId}</span>
      </td>
      <td>{advisorName}</td>
      <td>
        <span className={`tag tag-${c.priority}`}>{enumLabel(t, 'case.priority', c.priority)}</span>
        {c.queue === 'escalation' && <span className="tag tag-urgent">{t('case.escalated')}</span>}
      </td>
      <td>
        <RuleChips alerts={c.ruleKeys.map((ruleKey) => ({ ruleKey }))} />
      </td>
      <td className="cell-risk">
        <RiskScore risk={c.riskScore} compact />
      </td>
      <td>{c.dueAt ? <RelativeTime at={c.dueAt} overdueLabel={!c.firstContactAt} /> : '—'}</td>
      <td>
        <RelativeTime at={c.openedAt} />
      </td>
    </tr>
  );
}
