import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { APP_CONFIG, type AppConfig } from '../config/index.js';

export interface AccessTokenClaims {
  sub: string;
  role: string;
  /** The staff member's token version when signed (absent in tokens from before versions: counts as 0). */
  tv?: number;
}

/**
 * Signs staff access tokens with JWT_SECRET; verifies with it and any JWT_PREVIOUS_SECRETS (rotation).
 * The secrets are made key objects once: given a string, jsonwebtoken first tries it as a PEM public key on every
 * call and fails (an exception per request, a tenth of the API's CPU under load).
 */
@Injectable()
export class TokenService {
  private readonly signer: JwtService;
  private readonly verifiers: JwtService[];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const service = (secret: string) => new JwtService({ secret: createSecretKey(Buffer.from(secret)) });
    this.signer = service(config.jwtSecret);
    this.verifiers = [this.signer, ...config.jwtPreviousSecrets.map(service)];
  }

  sign(claims: AccessTokenClaims): { accessToken: string; expiresIn: number } {
    const expiresIn = this.config.jwtExpiresInSeconds;
    const accessToken = this.signer.sign(claims, { expiresIn, algorithm: 'HS256' });
    return { accessToken, expiresIn };
  }

  /** Returns the claims, or undefined for a token that is malformed, expired or signed with an unknown secret. */
  verify(token: string): AccessTokenClaims | undefined {
    for (const jwt of this.verifiers) {
      try {
        return jwt.verify<AccessTokenClaims & object>(token, { algorithms: ['HS256'] });
      } catch {
        /* try the next secret */
      }
    }
    return undefined;
  }
}
