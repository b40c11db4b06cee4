import type { ApiScope, StaffRole } from './roles.js';

/** Who is calling. Services take an Actor and check per-record visibility themselves (CONTRIBUTING rule 9). */
export interface StaffActor {
  kind: 'staff';
  id: string;
  role: StaffRole;
  teamId: string | null;
  /** Teams whose records this staff member may see: their own team, plus the teams they supervise. */
  teamIds: string[];
}

export interface ApiClientActor {
  kind: 'api_client';
  id: string;
  scopes: ApiScope[];
}

export interface SystemActor {
  kind: 'system';
  id: string;
}

export type Actor = StaffActor | ApiClientActor | SystemActor;

export const SYSTEM: SystemActor = { kind: 'system', id: 'careloop' };

export function isAdmin(a: Actor): boolean {
  return a.kind === 'system' || (a.kind === 'staff' && a.role === 'admin');
}

/** Admins, the system and read-scoped API clients see every team; staff see their teams. */
export function seesAllTeams(a: Actor): boolean {
  return a.kind !== 'staff' || a.role === 'admin';
}

export function canSeeTeam(a: Actor, teamId: string | null): boolean {
  if (seesAllTeams(a)) return true;
  return a.kind === 'staff' && teamId !== null && a.teamIds.includes(teamId);
}

export function isSupervisorOf(a: Actor, teamId: string | null): boolean {
  if (isAdmin(a)) return true;
  return a.kind === 'staff' && a.role === 'supervisor' && teamId !== null && a.teamIds.includes(teamId);
}

export function auditActor(a: Actor): { actorType: 'staff' | 'api_client' | 'system'; actorId: string } {
  return { actorType: a.kind, actorId: a.id };
}
