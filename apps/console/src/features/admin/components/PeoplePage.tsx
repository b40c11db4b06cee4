import { useState } from 'react';
import { Link } from 'react-router';
import { Empty, ErrorState, Loading } from '../../../components/ErrorState';
import { enumLabel } from '../../../components/labels';
import { useI18n } from '../../../i18n/i18n';
import { useTeams } from '../../board/api/board';
import { useStaffList, useUpdateTeam, type StaffView, type TeamView } from '../api/people';

/** Admin: everyone who works in careloop, by team, and each team's supervisor (who receives its escalations). */
export function PeoplePage() {
  const { t } = useI18n();
  const staff = useStaffList();
  const teams = useTeams();
  const teamName = new Map((teams.data ?? []).map((tm) => [tm.id, tm.name]));
  return (
    <section className="page" aria-labelledby="people-title">
      <div className="page-head">
        <div>
          <h1 id="people-title">{t('people.title')}</h1>
          <p className="muted">{t('people.subtitle')}</p>
        </div>
      </div>
      {(staff.isPending || teams.isPending) && <Loading />}
      {staff.isError && <ErrorState error={staff.error} retry={() => staff.refetch()} />}
      {staff.data && staff.data.items.length === 0 && <Empty title={t('people.none')} />}
      {staff.data && staff.data.items.length > 0 && (
        <table className="plain-table" aria-label="People">
          <thead>
            <tr>
              <th scope="col">{t('people.name')}</th>
              <th scope="col">{t('people.role')}</th>
              <th scope="col">{t('people.team')}</th>
              <th scope="col">{t('people.status')}</th>
              <th scope="col">{t('people.capacity')}</th>
            </tr>
          </thead>
          <tbody>
            {staff.data.items.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/admin/people/${s.id}`}>{s.name}</Link>
                  <span className="muted"> {s.email}</span>
                </td>
                <td>{t(`role.${s.role}` as 'role.advisor')}</td>
                <td>{s.teamId ? (teamName.get(s.teamId) ?? '—') : '—'}</td>
                <td>{enumLabel(t, 'staff.status', s.status)}</td>
                <td>{s.capacity}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {teams.data && staff.data && <Teams teams={teams.data} staff={staff.data.items} />}
    </section>
  );
}

function Teams({ teams, staff }: { teams: TeamView[]; staff: StaffView[] }) {
  const { t } = useI18n();
  return (
    <section className="card" aria-labelledby="teams-title">
      <h2 id="teams-title">{t('people.teams')}</h2>
      <table className="plain-table" aria-label="Teams">
        <thead>
          <tr>
            <th scope="col">{t('people.team')}</th>
            <th scope="col">{t('people.supervisor')}</th>
          </tr>
        </thead>
        <tbody>
          {teams.map((tm) => (
            <TeamRow key={tm.id} team={tm} candidates={staff.filter((s) => s.role === 'supervisor' && s.status !== 'inactive')} />
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TeamRow({ team, candidates }: { team: TeamView; candidates: StaffView[] }) {
  const { t, a11y } = useI18n();
  const update = useUpdateTeam();
  const [choice, setChoice] = useState(team.supervisorId ?? '');
  const changed = choice !== (team.supervisorId ?? '');
  return (
    <tr>
      <td>{team.name}</td>
      <td className="team-supervisor">
        <select
          value={choice}
          onChange={(e) => setChoice(e.target.value)}
          aria-label={a11y(t('people.supervisorOf', { team: team.name }), `Supervisor of ${team.name}`)}
        >
          <option value="">{t('people.noSupervisor')}</option>
          {candidates.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>{' '}
        <button
          type="button"
          className="small"
          disabled={!changed || update.isPending}
          onClick={() => update.mutate({ id: team.id, supervisorId: choice || null, reason: t('people.supervisorReason') })}
        >
          {t('action.save')}
        </button>
        {update.isError && (
          <span className="field-error" role="alert">
            {t('error.server.body')}
          </span>
        )}
      </td>
    </tr>
  );
}
