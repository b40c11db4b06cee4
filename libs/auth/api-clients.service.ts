import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { DomainError } from '../common/domain-error.js';
import { isAdmin, type Actor, type ApiClientActor } from '../access/actor.js';
import { API_SCOPES, type ApiScope } from '../access/roles.js';
import { ApiClientsRepository } from './api-clients.repository.js';
import { ApiClientEntity } from './entities/api-client.entity.js';

export const API_KEY_PREFIX = 'cl_';

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function toView(c: ApiClientEntity) {
  return {
    id: c.id,
    name: c.name,
    scopes: c.scopes,
    keyPrefix: c.keyPrefix,
    createdAt: c.createdAt.toISOString(),
    lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
    revokedAt: c.revokedAt?.toISOString() ?? null,
  };
}
export type ApiClientView = ReturnType<typeof toView>;

/** Integration API keys: only a sha256 of a key is stored; the key is returned once, at creation. */
@Injectable()
export class ApiClientsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clients: ApiClientsRepository,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, input: { name: string; scopes: ApiScope[] }): Promise<ApiClientView & { key: string }> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can create API clients');
    const bad = input.scopes.filter((s) => !API_SCOPES.includes(s));
    if (bad.length || !input.scopes.length) throw DomainError.field('scopes', `must be a non-empty list of ${API_SCOPES.join(', ')}`);
    const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ApiClientEntity);
      const client = await repo.save(
        repo.create({
          name: input.name,
          scopes: [...new Set(input.scopes)],
          keyHash: hashKey(key),
          keyPrefix: key.slice(0, 8),
          createdBy: actor.kind === 'staff' ? actor.id : null,
        }),
      );
      const view = toView(client);
      await this.audit.record(em, { actor, action: 'api_client.created', entity: 'api_client', entityId: client.id, after: view });
      return { ...view, key };
    });
  }

  async list(actor: Actor): Promise<ApiClientView[]> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can list API clients');
    const rows = await this.dataSource.getRepository(ApiClientEntity).find({ order: { createdAt: 'ASC' } });
    return rows.map(toView);
  }

  async revoke(actor: Actor, id: string): Promise<ApiClientView> {
    if (!isAdmin(actor)) throw DomainError.forbidden('Only admins can revoke API clients');
    return this.dataSource.transaction(async (em) => {
      const repo = em.getRepository(ApiClientEntity);
      const client = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!client) throw DomainError.notFound('api client', id);
      if (!client.revokedAt) {
        const before = toView(client);
        client.revokedAt = new Date();
        await repo.update({ id }, { revokedAt: client.revokedAt });
        await this.audit.record(em, { actor, action: 'api_client.revoked', entity: 'api_client', entityId: id, before, after: toView(client) });
      }
      return toView(client);
    });
  }

  /** Looks a presented key up by its hash, then compares in constant time; revoked keys never match. */
  async authenticate(key: string): Promise<ApiClientActor | undefined> {
    if (!key.startsWith(API_KEY_PREFIX)) return undefined;
    const presented = Buffer.from(hashKey(key), 'hex');
    const row = await this.clients.findActiveByHash(presented.toString('hex'));
    if (!row) return undefined;
    const stored = Buffer.from(row.keyHash, 'hex');
    if (stored.length !== presented.length || !timingSafeEqual(stored, presented)) return undefined;
    // last_used_at at minute resolution, so a busy key does not write on every request.
    if (row.stale) await this.clients.touch(row.id);
    return { kind: 'api_client', id: row.id, scopes: row.scopes };
  }
}
