import type { DataSource } from 'typeorm';

/**
 * Runs `text` as a named (prepared) statement on the driver's pool: PostgreSQL plans it once per connection instead
 * of on every call. For hot, fixed statements only (the name must be unique per text: bump its version when the SQL
 * changes). Outside a transaction: each call is its own autocommit statement.
 */
export async function preparedQuery<R>(dataSource: DataSource, name: string, text: string, values: unknown[]): Promise<R[]> {
  const pool = (dataSource.driver as unknown as { master: { query(q: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }> } }).master;
  return (await pool.query({ name, text, values })).rows;
}
