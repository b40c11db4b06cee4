import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ApiScope, StaffRole } from '../../../../libs/access/roles.js';
import type { Actor } from '../../../../libs/access/actor.js';

export const PUBLIC_KEY = 'careloop:public';
export const ROLES_KEY = 'careloop:roles';
export const SCOPES_KEY = 'careloop:scopes';
export const STAFF_ONLY_KEY = 'careloop:staff-only';

/** No authentication (login, health, docs). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Staff roles allowed on this route (any staff when absent). */
export const Roles = (...roles: StaffRole[]) => SetMetadata(ROLES_KEY, roles);
/** API-key scopes allowed on this route. Without it no API key may call the route (deny by default); `read` works on GET only. */
export const Scopes = (...scopes: ApiScope[]) => SetMetadata(SCOPES_KEY, scopes);
/** Staff only: API keys are refused whatever the route's scopes (staff, audit, API clients). */
export const StaffOnly = () => SetMetadata(STAFF_ONLY_KEY, true);

/** The authenticated caller, set by AuthGuard. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
