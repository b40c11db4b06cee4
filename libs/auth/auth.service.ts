import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { StaffRepository } from '../staff/staff.repository.js';
import { toStaffView, type StaffView } from '../staff/staff.mapper.js';
import { SYSTEM, type StaffActor } from '../access/actor.js';
import { PasswordHasher } from '../staff/password-hasher.js';
import { LoginFailuresRepository } from './login-failures.repository.js';
import { TokenService } from './token.service.js';

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  staff: StaffView;
}

/** The first wait after LOGIN_MAX_FAILURES failures; it doubles with each further failure, up to LOGIN_WINDOW_SECONDS. */
export const LOGIN_BACKOFF_BASE_SECONDS = 30;

@Injectable()
export class AuthService {
  private readonly hasher = new PasswordHasher();
  /** A real hash to verify against when the email is unknown, so both paths cost the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly failures: LoginFailuresRepository,
    private readonly staff: StaffRepository,
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Checks the password. Failures are throttled per (email, address) — and per address across emails, at 4×
   * the count — with backoff: after LOGIN_MAX_FAILURES failures within LOGIN_WINDOW_SECONDS, the next attempt
   * from there waits LOGIN_BACKOFF_BASE_SECONDS, doubling with each further failure up to the window (429 with
   * Retry-After meanwhile). A stranger's failures never lock the owner out from their own address. Every
   * checked attempt, failed or successful, is audited with the address (never the password).
   */
  async login(email: string, password: string, ip: string | undefined): Promise<LoginResult> {
    const address = ip ?? null;
    const window = this.config.loginWindowSeconds;
    const max = this.config.loginMaxFailures;
    const t = await this.failures.recent(email, address, window);
    const waitUntil = (n: number, limit: number, last: Date | null) =>
      n < limit || !last ? 0 : new Date(last).getTime() + 1000 * Math.min(window, LOGIN_BACKOFF_BASE_SECONDS * 2 ** (n - limit));
    const until = Math.max(waitUntil(t.pairN, max, t.pairLast), waitUntil(t.ipN, max * 4, t.ipLast));
    const retryAfter = Math.ceil((until - t.now.getTime()) / 1000);
    if (retryAfter > 0) {
      throw DomainError.rateLimited(`Too many failed logins from this address; try again in ${retryAfter} seconds`, retryAfter);
    }
    const staff = await this.staff.findByEmailWithPassword(email);
    const ok = await this.hasher.verify(staff?.passwordHash ?? (await (this.dummyHash ??= this.hasher.hash('careloop-dummy-password'))), password);
    if (!staff || !ok || staff.status === 'inactive') {
      const reason = !staff ? 'unknown_email' : !ok ? 'wrong_password' : 'inactive';
      await this.dataSource.transaction(async (em) => {
        await this.failures.record(em, email, address);
        // An unknown email is not recorded: people type passwords into the email field.
        await this.audit.record(em, {
          actor: SYSTEM,
          action: 'auth.login_failed',
          entity: 'staff',
          entityId: staff?.id ?? 'unknown',
          after: { address, reason },
        });
      });
      throw new DomainError(ErrorCode.Unauthenticated, 'Email or password is wrong');
    }
    await this.dataSource.transaction(async (em) => {
      await this.failures.clear(em, email, address, window);
      await this.audit.record(em, {
        actor: { kind: 'staff', id: staff.id, role: staff.role, teamId: staff.teamId, teamIds: [] },
        action: 'auth.login_succeeded',
        entity: 'staff',
        entityId: staff.id,
        after: { address },
      });
    });
    const { accessToken, expiresIn } = this.tokens.sign({ sub: staff.id, role: staff.role, tv: staff.tokenVersion });
    return { accessToken, tokenType: 'Bearer', expiresIn, staff: toStaffView(staff) };
  }

  /** Resolves a bearer JWT to the current staff member (role and teams read fresh; a stale token version is refused). */
  async staffActorFromToken(token: string): Promise<StaffActor | undefined> {
    const claims = this.tokens.verify(token);
    if (!claims) return undefined;
    const staff = await this.staff.findForAuth(claims.sub);
    if (!staff || staff.status === 'inactive') return undefined;
    // A password, role or status change since the token was signed ends it.
    if ((claims.tv ?? 0) !== staff.tokenVersion) return undefined;
    return { kind: 'staff', id: staff.id, role: staff.role, teamId: staff.teamId, teamIds: staff.teamIds };
  }

  async me(actor: StaffActor): Promise<StaffView & { teamIds: string[] }> {
    const staff = await this.staff.findById(actor.id);
    if (!staff) throw DomainError.notFound('staff', actor.id);
    return { ...toStaffView(staff), teamIds: actor.teamIds };
  }
}
