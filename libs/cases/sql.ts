import type { EntityManager } from 'typeorm';

/** Rows of an UPDATE … RETURNING (TypeORM's postgres driver answers [rows, affected] for UPDATE/DELETE). */
export async function updateReturning<R>(em: EntityManager, sql: string, params: unknown[]): Promise<R[]> {
  const res = (await em.query(sql, params)) as [R[], number];
  return res[0];
}
