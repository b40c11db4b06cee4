import type { Actor } from '../access/actor.js';

/**
 * The SQL twin of `canSee` (tickets.service.ts) over a ticket row aliased `t`: admins, the system and
 * integrations see every ticket; an advisor the tickets assigned to them; a supervisor also their teams'
 * tickets and those escalated to them. Pushes its parameters onto `params`.
 */
export function ticketVisibilitySql(actor: Actor, params: unknown[], t = 't'): string {
  if (actor.kind !== 'staff' || actor.role === 'admin') return 'true';
  params.push(actor.id);
  const me = `$${params.length}`;
  if (actor.role === 'advisor') return `${t}.assignee_id = ${me}`;
  params.push(actor.teamIds);
  return `(${t}.assignee_id = ${me} or ${t}.escalated_to_id = ${me} or ${t}.team_id = any($${params.length}::uuid[]))`;
}
