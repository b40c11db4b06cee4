import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { StaffRepository } from '../staff/staff.repository.js';
import { toStaffView, type StaffView } from '../staff/staff.mapper.js';
import type { StaffActor } from './actor.js';
import { PasswordHasher } from './password-hasher.js';
import { TokenService } from './token.service.js';

export interface LoginResult {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  staff: StaffView;
}


@Injectable()
export class AuthService {
  private readonly hasher = new PasswordHasher();
  /** A real hash to verify against when the email is unknown, so both paths cost the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly staff: StaffRepository,
    private readonly tokens: TokenService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Checks the password. After LOGIN_MAX_FAILURES failures for an email (or 4x that from one address)
   * within LOGIN_WINDOW_SECONDS, further attempts get 429 until the window passes.
   */
  async login(email: string, password: string, ip: string | undefined): Promise<LoginResult> {
    const window = this.config.loginWindowSeconds;
    const [{ by_email, by_ip }] = await this.dataSource.query(
      `select count(*) filter (where lower(email) = lower($1))::int as by_email,
              count(*) filter (where ip = $2)::int as by_ip
         from login_failures where failed_at > now() - make_interval(secs => $3)`,
      [email, ip ?? null, window],
    );
    if (by_email >= this.config.loginMaxFailures || by_ip >= this.config.loginMaxFailures * 4) {
      throw new DomainError(ErrorCode.RateLimited, `Too many failed logins; try again in ${Math.ceil(window / 60)} minutes`);
    }
    const staff = await this.staff.findByEmailWithPassword(email);
    const ok = await this.hasher.verify(staff?.passwordHash ?? (await (this.dummyHash ??= this.hasher.hash('careloop-dummy-password'))), password);
    if (!staff || !ok || staff.status === 'inactive') {
      await this.dataSource.query(`insert into login_failures (email, ip) values ($1, $2)`, [email, ip ?? null]);
      throw new DomainError(ErrorCode.Unauthenticated, 'Email or password is wrong');
    }
    await this.dataSource.query(`delete from login_failures where lower(email) = lower($1) or failed_at < now() - make_interval(secs => $2)`, [email, window]);
    const { accessToken, expiresIn } = this.tokens.sign({ sub: staff.id, role: staff.role, tv: staff.tokenVersion });
    return { accessToken, tokenType: 'Bearer', expiresIn, staff: toStaffView(staff) };
  }

  /** Resolves a bearer JWT to the current staff member (role and teams read fresh; a stale token version is refused). */
  async staffActorFromToken(token: string): Promise<StaffActor | undefined> {
    const claims = this.tokens.verify(token);
    if (!claims) return undefined;
    const staff = await this.staff.findById(claims.sub);
    if (!staff || staff.status === 'inactive') return undefined;
    // A password, role or status change since the token was signed ends it.
    if ((claims.tv ?? 0) !== staff.tokenVersion) return undefined;
    return {
      kind: 'staff',
      id: staff.id,
      role: staff.role,
      teamId: staff.teamId,
      teamIds: await this.staff.visibleTeamIds(staff.id, staff.teamId),
    };
  }

  async me(actor: StaffActor): Promise<StaffView & { teamIds: string[] }> {
    const staff = await this.staff.findById(actor.id);
    if (!staff) throw DomainError.notFound('staff', actor.id);
    return { ...toStaffView(staff), teamIds: actor.teamIds };
  }
}
