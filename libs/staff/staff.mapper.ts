import type { StaffEntity } from './entities/staff.entity.js';

export function toStaffView(s: StaffEntity) {
  return {
    id: s.id,
    email: s.email,
    name: s.name,
    role: s.role,
    teamId: s.teamId,
    capacity: s.capacity,
    skills: s.skills,
    timezone: s.timezone,
    workingHours: s.workingHours,
    status: s.status,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}
export type StaffView = ReturnType<typeof toStaffView>;

/** A team as the repository reads it, with its supervisor's name. */
export interface TeamRow {
  id: string;
  name: string;
  supervisor_id: string | null;
  supervisor_name: string | null;
  created_at: Date;
}

export function toTeamView(t: TeamRow) {
  return { id: t.id, name: t.name, supervisorId: t.supervisor_id, supervisorName: t.supervisor_name, createdAt: new Date(t.created_at).toISOString() };
}
export type TeamView = ReturnType<typeof toTeamView>;
