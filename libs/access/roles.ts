/** The three staff roles (docs/design.md §1): what each may do is checked by the guard and by each service. */
export type StaffRole = 'admin' | 'supervisor' | 'advisor';
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'advisor'];

/** What an API key may do: write sync data, or read (analytics and lists). */
export type ApiScope = 'sync:write' | 'read';
export const API_SCOPES: readonly ApiScope[] = ['sync:write', 'read'];
