import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiScope } from '../access/roles.js';

/** The api_clients table's hot path: one lookup per API-key request. */
@Injectable()
export class ApiClientsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The unrevoked client with this key hash; `stale` when its last_used_at is older than a minute. */
  async findActiveByHash(keyHash: string): Promise<{ id: string; scopes: ApiScope[]; keyHash: string; stale: boolean } | undefined> {
    const [row] = await this.dataSource.query(
      `select id, scopes, key_hash, (last_used_at is null or last_used_at < now() - interval '1 minute') as stale
         from api_clients where key_hash = $1 and revoked_at is null`,
      [keyHash],
    );
    return row && { id: row.id, scopes: row.scopes, keyHash: row.key_hash, stale: row.stale };
  }

  async touch(id: string): Promise<void> {
    await this.dataSource.query(`update api_clients set last_used_at = now() where id = $1`, [id]);
  }
}
