import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../config/index.js';

export interface AccessTokenClaims {
  sub: string;
  role: string;
  /** The staff member's token version when signed (absent in tokens from before versions: counts as 0). */
  tv?: number;
}

/** Signs staff access tokens with JWT_SECRET; verifies with it and any JWT_PREVIOUS_SECRETS (rotation). */
@Injectable()
export class TokenService {
  private readonly jwt = new JwtService({});

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  sign(claims: AccessTokenClaims): { accessToken: string; expiresIn: number } {
    const expiresIn = this.config.jwtExpiresInSeconds;
    const accessToken = this.jwt.sign(claims, { secret: this.config.jwtSecret, expiresIn, algorithm: 'HS256' });
    return { accessToken, expiresIn };
  }

  /** Returns the claims, or undefined for a token that is malformed, expired or signed with an unknown secret. */
  verify(token: string): AccessTokenClaims | undefined {
    for (const secret of [this.config.jwtSecret, ...this.config.jwtPreviousSecrets]) {
      try {
        return this.jwt.verify<AccessTokenClaims & object>(token, { secret, algorithms: ['HS256'] });
      } catch {
        /* try the next secret */
      }
    }
    return undefined;
  }
}
