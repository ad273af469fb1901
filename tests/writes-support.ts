import type { TestApp } from './support/app';

/** A cell as plain text: UUIDs, timestamps and collections included, so a scan can find an id anywhere in a row. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v) || v instanceof Set) return [...v].map(cellText).join(' ');
  if (v instanceof Map) return [...v].map(([k, x]) => `${cellText(k)} ${cellText(x)}`).join(' ');
  if (v instanceof Date) return v.toISOString();
  if (
    typeof v === 'object' &&
    typeof (v as object).toString === 'function' &&
    (v as object).toString !== Object.prototype.toString
  )
    return String(v);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The tables of the app's keyspace, from the schema metadata. */
export async function keyspaceTables(app: TestApp): Promise<string[]> {
  const rs = await app.client.execute(
    'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
    [app.keyspace],
    { prepare: true },
  );
  return rs.rows.map((r) => r.table_name as string).sort();
}

/**
 * Every table of the keyspace holding a row that mentions one of `values` in any column (a whole-table read: fine for
 * a test keyspace, never for production). Used to prove that a rejected mutation wrote nothing and that an erased
 * user left nothing behind.
 */
export async function tablesMentioning(app: TestApp, ...values: string[]): Promise<Record<string, number>> {
  const needles = values.map((v) => v.toLowerCase());
  const hits: Record<string, number> = {};
  for (const table of await keyspaceTables(app)) {
    let pageState: string | undefined;
    do {
      const rs = await app.client.execute(`SELECT * FROM ${app.keyspace}.${table}`, [], {
        fetchSize: 5000,
        pageState,
      });
      for (const r of rs.rows) {
        const text = Object.values(r).map(cellText).join(' ').toLowerCase();
        if (needles.some((n) => text.includes(n))) hits[table] = (hits[table] ?? 0) + 1;
      }
      pageState = rs.pageState ?? undefined;
    } while (pageState);
  }
  return hits;
}

/**
 * GraphQL response data as the specifications walk it: deliberately untyped (a wrong path fails the assertion
 * itself), in one place instead of scattered casts.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
