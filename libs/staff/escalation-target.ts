import type { EntityManager } from 'typeorm';

/**
 * Who receives a team's escalations (docs/design.md §5, teams): its supervisor, if that person is still a supervisor (or
 * admin) and not inactive; otherwise — no supervisor, or a case or ticket without a team — the admins, in the
 * person of the first active admin by creation, so every escalation has an owner who sees it in their queue.
 */
export const NO_SUPERVISOR_REASON = 'team has no supervisor: escalated to the admins';

/** SQL condition on a staff row aliased `alias` for "can receive this team's escalations as its supervisor". */
export const supervisorCanReceive = (alias: string) => `${alias}.role in ('supervisor', 'admin') and ${alias}.status <> 'inactive'`;

/** SQL: the admin who receives escalations of teams without a supervisor (null only if no admin is active). */
export const FALLBACK_ADMIN_SQL = `(select fa.id from staff fa where fa.role = 'admin' and fa.status = 'active' order by fa.created_at, fa.id limit 1)`;

export interface EscalationTarget {
  staffId: string | null;
  /** true when the team has no supervisor and the escalation went to the admins. */
  toAdmins: boolean;
}

/** The escalation target of each team (and of "no team"), read once for a batch. */
export async function escalationTargets(em: EntityManager, teamIds: Array<string | null>): Promise<(teamId: string | null) => EscalationTarget> {
  const ids = [...new Set(teamIds.filter((t): t is string => !!t))];
  const rows: Array<{ id: string; supervisor_id: string }> = ids.length
    ? await em.query(
        `select t.id, s.id as supervisor_id from teams t join staff s on s.id = t.supervisor_id and ${supervisorCanReceive('s')} where t.id = any($1::uuid[])`,
        [ids],
      )
    : [];
  const supervisors = new Map(rows.map((r) => [r.id, r.supervisor_id]));
  let admin: string | null | undefined;
  if (ids.length > supervisors.size || teamIds.some((t) => !t)) {
    const [a] = await em.query(`select ${FALLBACK_ADMIN_SQL} as id`);
    admin = a?.id ?? null;
  }
  return (teamId) => {
    const sup = teamId ? supervisors.get(teamId) : undefined;
    return sup ? { staffId: sup, toAdmins: false } : { staffId: admin ?? null, toAdmins: true };
  };
}
