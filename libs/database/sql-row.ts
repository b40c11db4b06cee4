/**
 * A row as a raw SQL query returns it: column names to values whose types the statement, not TypeScript, decides.
 * Repositories map these to typed views right away; this alias is the one place `any` is allowed for them.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the columns of a raw query are typed by its SQL
export type SqlRow = Record<string, any>;
