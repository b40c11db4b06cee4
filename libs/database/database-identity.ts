import type { DataSource } from 'typeorm';

/** What makes a database this one: the cluster it lives in and its name. */
export interface DatabaseIdentity {
  /**
   * PostgreSQL's `system_identifier` (pg_control_system()), fixed when the cluster was created and shared by its
   * physical replicas. Where a managed service hides it, the server's address and port stand in (`source` says so).
   */
  cluster: string;
  database: string;
  source: 'system_identifier' | 'server_address';
}

export async function readDatabaseIdentity(ds: DataSource): Promise<DatabaseIdentity> {
  const [{ database }]: Array<{ database: string }> = await ds.query(`select current_database() as database`);
  try {
    const [{ id }]: Array<{ id: string }> = await ds.query(`select system_identifier::text as id from pg_control_system()`);
    return { cluster: id, database, source: 'system_identifier' };
  } catch {
    const [{ addr }]: Array<{ addr: string }> = await ds.query(
      `select coalesce(host(inet_server_addr()), 'socket') || ':' || coalesce(inet_server_port()::text, '') as addr`,
    );
    return { cluster: addr, database, source: 'server_address' };
  }
}

/** Injection token of this process's DatabaseIdentity (read once at boot, see libs/queue/queue.module.ts). */
export const DATABASE_IDENTITY = Symbol('DATABASE_IDENTITY');

export function describeIdentity(identity: DatabaseIdentity): string {
  return `${identity.cluster}/${identity.database}`;
}
