import type { Actor } from '../access/actor.js';

/**
 * Which learners a caller may see (docs/design.md §5, roles), as a SQL predicate over the learner row aliased `l`:
 * admins, the system and integrations all; an advisor the learners they own, hold an open case for, or hold a
 * scheduled call for (covering a teammate's call needs the learner's card); a supervisor also those owned by, or
 * with an open case in, their teams, or enrolled in their teams' courses.
 * Pushes its parameters onto `params`. Shared by every context that must not leak a learner (tickets too).
 */
export function learnerVisibilitySql(actor: Actor, params: unknown[], l = 'l'): string {
  if (actor.kind !== 'staff' || actor.role === 'admin') return 'true';
  params.push(actor.id);
  const me = `$${params.length}`;
  const holdsCall = `exists (select 1 from tasks t where t.learner_id = ${l}.id and t.status = 'scheduled' and t.assignee_id = ${me})`;
  if (actor.role === 'advisor') {
    return `(${l}.owner_advisor_id = ${me} or exists (select 1 from cases c where c.learner_id = ${l}.id and c.status <> 'resolved' and c.advisor_id = ${me}) or ${holdsCall})`;
  }
  params.push(actor.teamIds);
  const teams = `$${params.length}::uuid[]`;
  return `(${l}.owner_advisor_id = ${me}
    or ${holdsCall}
    or ${l}.owner_advisor_id in (select s.id from staff s where s.team_id = any(${teams}))
    or exists (select 1 from cases c where c.learner_id = ${l}.id and c.status <> 'resolved'
               and (c.advisor_id = ${me} or c.team_id = any(${teams}) or c.advisor_id in (select s.id from staff s where s.team_id = any(${teams}))))
    or exists (select 1 from enrollments e join courses co on co.id = e.course_id where e.learner_id = ${l}.id and co.team_id = any(${teams})))`;
}
