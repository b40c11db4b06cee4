import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, ErrorCode } from '../../../../libs/common/domain-error.js';
import type { Actor } from '../../../../libs/access/actor.js';
import { API_KEY_PREFIX, ApiClientsService } from '../../../../libs/auth/api-clients.service.js';
import { AuthService } from '../../../../libs/auth/auth.service.js';
import { PUBLIC_KEY, ROLES_KEY, SCOPES_KEY, STAFF_ONLY_KEY } from './decorators.js';
import type { ApiScope, StaffRole } from '../../../../libs/access/roles.js';

/**
 * The one global guard. Every route needs a bearer credential unless marked @Public():
 * a staff JWT (checked against @Roles; any staff when absent) or an API key (checked against @Scopes; a route
 * without @Scopes refuses every key).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly apiClients: ApiClientsService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; method: string; actor?: Actor }>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new DomainError(ErrorCode.Unauthenticated, 'Authentication required: send Authorization: Bearer <token or API key>');
    const credential = match[1];
    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(ROLES_KEY, targets);
    const scopes = this.reflector.getAllAndOverride<ApiScope[] | undefined>(SCOPES_KEY, targets);
    const staffOnly = this.reflector.getAllAndOverride<boolean>(STAFF_ONLY_KEY, targets) ?? false;

    if (credential.startsWith(API_KEY_PREFIX)) {
      const client = await this.apiClients.authenticate(credential);
      if (!client) throw new DomainError(ErrorCode.Unauthenticated, 'API key is invalid or revoked');
      req.actor = client;
      // Deny by default: a key reaches a route only when the route names a scope the key holds. `read` never
      // grants more than reading, whatever a route says.
      if (!scopes || staffOnly) throw DomainError.forbidden('This endpoint is for staff only');
      const readOnly = req.method === 'GET' || req.method === 'HEAD';
      if (scopes.some((s) => client.scopes.includes(s) && (s !== 'read' || readOnly))) return true;
      throw DomainError.forbidden(`This API key needs the scope ${scopes.join(' or ')}`);
    }

    const staff = await this.auth.staffActorFromToken(credential);
    if (!staff) throw new DomainError(ErrorCode.Unauthenticated, 'Access token is invalid or expired');
    req.actor = staff;
    if (roles && !roles.includes(staff.role)) throw DomainError.forbidden(`This needs the role ${roles.join(' or ')}`);
    return true;
  }
}
