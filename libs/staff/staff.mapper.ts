import type { StaffEntity } from './entities/staff.entity.js';
import type { TeamEntity } from './entities/team.entity.js';

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

export function toTeamView(t: TeamEntity) {
  return { id: t.id, name: t.name, supervisorId: t.supervisorId, createdAt: t.createdAt.toISOString() };
}
export type TeamView = ReturnType<typeof toTeamView>;
