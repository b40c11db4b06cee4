import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMe } from '../../../api/me';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { enumLabel, ruleLabel } from '../../../components/labels';
import { RelativeTime } from '../../../components/RelativeTime';
import { useI18n } from '../../../i18n/i18n';
import { useAdvisors, useBoard, useTeams, type CaseView, type TeamBoard } from '../api/board';
import { ReassignDialog } from './ReassignDialog';

/**
 * The supervisor's landing page: per advisor, open cases against capacity and today's calls done / due / overdue,
 * away status; the team's unassigned pool (oldest first), escalated cases and cohort alerts. Refreshed every minute.
 * Admins choose the team; the choice is in the URL.
 */
export function BoardPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const me = useMe();
  const teams = useTeams();
  const chosen = params.get('team') ?? undefined;
  const mine = useMemo(() => (teams.data ?? []).filter((tm) => me.data?.role === 'admin' || me.data?.teamIds.includes(tm.id)), [teams.data, me.data]);
  const teamId = chosen ?? mine[0]?.id;
  useEffect(() => {
    if (!chosen && teamId) setParams({ team: teamId }, { replace: true });
  }, [chosen, teamId, setParams]);
  const board = useBoard(teamId);
  return (
    <section className="page" aria-labelledby="board-title">
      <div className="page-head">
        <div>
          <h1 id="board-title">{board.data ? t('board.titleOf', { team: board.data.team.name }) : t('board.title')}</h1>
          {board.data && (
            <p className="muted">
              {board.data.team.supervisorName ? t('board.supervisor', { name: board.data.team.supervisorName }) : t('board.noSupervisor')} ·{' '}
              {t('board.today', { date: board.data.date })}
              {board.isFetching && ` · ${t('state.refreshing')}`}
            </p>
          )}
        </div>
        {mine.length > 1 && (
          <label className="team-pick">
            {t('bulk.filter.team')}{' '}
            <select value={teamId ?? ''} onChange={(e) => setParams({ team: e.target.value })}>
              {mine.map((tm) => (
                <option key={tm.id} value={tm.id}>
                  {tm.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {(teams.isPending || me.isPending || (teamId && board.isPending)) && <Loading />}
      {teams.data && me.data && !teamId && <Empty title={t('board.noTeam')} />}
      {board.isError && <ErrorState error={board.error} retry={() => board.refetch()} notFoundKey="board.notYours" />}
      {board.data && <BoardBody board={board.data} />}
    </section>
  );
}

function BoardBody({ board }: { board: TeamBoard }) {
  const { t, a11y } = useI18n();
  const advisors = useAdvisors(board.team.id);
  const [moving, setMoving] = useState<string | null>(null);
  const labels = useMemo(() => new Map([...board.unassigned.cases, ...board.escalated.cases].map((c) => [c.id, c.learnerName])), [board]);
  const names = useMemo(() => {
    const m = new Map(board.advisors.map((a) => [a.id, a.name]));
    if (board.team.supervisorId && board.team.supervisorName) m.set(board.team.supervisorId, board.team.supervisorName);
    return m;
  }, [board]);
  return (
    <>
      <section className="card" aria-labelledby="advisors-title">
        <h2 id="advisors-title">{t('board.advisors')}</h2>
        {board.advisors.length === 0 ? (
          <Empty title={t('board.advisors.none')} />
        ) : (
          <table className="plain-table" aria-label="Advisors">
            <thead>
              <tr>
                <th scope="col">{t('bulk.col.advisor')}</th>
                <th scope="col">{t('board.load')}</th>
                <th scope="col">{t('board.tasks.done')}</th>
                <th scope="col">{t('board.tasks.due')}</th>
                <th scope="col">{t('board.tasks.overdue')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('queue.col.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {board.advisors.map((a) => {
                const share = a.capacity > 0 ? a.openCases / a.capacity : 1;
                return (
                  <tr key={a.id}>
                    <td>
                      <strong>{a.name}</strong> {a.status !== 'active' && <span className="tag tag-warn">{enumLabel(t, 'staff.status', a.status)}</span>}
                    </td>
                    <td className="cell-progress">
                      <div className={share >= 0.9 ? 'progress progress-behind' : 'progress'}>
                        <div
                          className="progress-track"
                          role="progressbar"
                          aria-label={t('board.loadOf', { name: a.name })}
                          aria-valuemin={0}
                          aria-valuemax={a.capacity}
                          aria-valuenow={a.openCases}
                          aria-valuetext={t('board.loadText', { open: a.openCases, capacity: a.capacity })}
                        >
                          <span className="progress-fill" style={{ width: `${Math.min(100, share * 100)}%` }} />
                        </div>
                        <span className="progress-text">{t('board.loadText', { open: a.openCases, capacity: a.capacity })}</span>
                      </div>
                    </td>
                    <td>{a.tasksDone}</td>
                    <td>{a.tasksDue}</td>
                    <td className={a.tasksOverdue ? 'count-warn' : undefined}>
                      <strong>{a.tasksOverdue}</strong>
                    </td>
                    <td className="cell-actions">
                      <Link to={`/board/cases?teamId=${board.team.id}&advisorId=${a.id}`}>{t('board.theirCases')}</Link>{' '}
                      <Link to={`/board/tasks?teamId=${board.team.id}&assigneeId=${a.id}`}>{t('board.theirCalls')}</Link>{' '}
                      {(a.openCases > 0 || a.tasksDue + a.tasksOverdue > 0) && (
                        <button
                          type="button"
                          className={a.status === 'away' ? 'small primary' : 'small'}
                          onClick={() => setMoving(a.id)}
                          aria-label={a11y(t('board.moveAll'), 'Move all open work')}
                        >
                          {t('board.moveAll')}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <div className="board-grid">
        <section className="card" aria-label={a11y(t('board.pool'), 'Unassigned') ?? t('board.pool')}>
          <h2 id="pool-title">
            {t('board.pool')} <span className="muted">({board.unassigned.total})</span>
          </h2>
          <CaseList cases={board.unassigned.cases} empty={t('board.pool.empty')} names={names} />
          {board.unassigned.total > 0 && <Link to={`/board/cases?teamId=${board.team.id}&unassigned=true`}>{t('board.pool.assign')}</Link>}
        </section>
        <section className="card" aria-labelledby="esc-title">
          <h2 id="esc-title">
            {t('board.escalated')} <span className="muted">({board.escalated.total})</span>
          </h2>
          <CaseList cases={board.escalated.cases} empty={t('board.escalated.empty')} names={names} showAdvisor />
        </section>
        <section className="card" aria-labelledby="cohort-title">
          <h2 id="cohort-title">{t('board.cohort')}</h2>
          {board.cohortAlerts.length === 0 ? (
            <Empty title={t('board.cohort.empty')} />
          ) : (
            <ul className="plain-list">
              {board.cohortAlerts.map((c) => (
                <li key={c.id}>
                  <strong>{c.courseTitle}</strong>:{' '}
                  {t('board.cohort.line', {
                    rule: ruleLabel(t, c.ruleKey),
                    affected: c.affected,
                    population: c.population,
                    share: Math.round(c.share * 1000) / 10,
                    threshold: Math.round(c.threshold * 1000) / 10,
                  })}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      {moving && <ReassignDialog target={{ fromAdvisorId: moving }} labels={labels} advisors={advisors.data?.items ?? []} onClose={() => setMoving(null)} />}
    </>
  );
}

function CaseList({ cases, empty, names, showAdvisor }: { cases: CaseView[]; empty: string; names: Map<string, string>; showAdvisor?: boolean }) {
  const { t } = useI18n();
  if (cases.length === 0) return <Empty title={empty} />;
  return (
    <ul className="case-list">
      {cases.map((c) => (
        <li key={c.id}>
          <Link to={`/cases/${c.id}`}>{c.learnerName}</Link> <span className={`tag tag-${c.priority}`}>{enumLabel(t, 'case.priority', c.priority)}</span>
          <span className="muted small-text">
            {' '}
            {c.ruleKeys.map((r) => ruleLabel(t, r)).join(', ')} · {t('board.opened')} <RelativeTime at={c.openedAt} />
            {showAdvisor && ` · ${c.advisorId ? (names.get(c.advisorId) ?? '—') : t('bulk.pool')}`}
          </span>
        </li>
      ))}
    </ul>
  );
}
