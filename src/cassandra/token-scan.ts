import type { Client, token, types } from 'cassandra-driver';
import pLimit from 'p-limit';

export interface TokenScanOptions<T> {
  table: string;
  columns: string[];
  /** The partition key column(s), as in `token(...)`. */
  partitionKey: string;
  /** Sub-ranges per ring range (more = more parallelism and smaller retries). Default 8. */
  splitsPerRange?: number;
  /** Sub-range queries in flight at once. Default 4. */
  concurrency?: number;
  /** Rows per page. Default 1,000. */
  fetchSize?: number;
  map: (row: types.Row) => T;
  /** Called after every page with the number of rows it held. */
  onPage?: (rows: number) => void;
}

interface Bounds {
  start: string;
  /** null: no upper bound (the range ends at the ring's minimum token, i.e. wraps to the end of the ring). */
  end: string | null;
}

/**
 * The ring as non-wrapping token ranges, each split evenly. CQL range predicates cannot wrap, and a range ending at
 * the minimum token means "to the end of the ring", so such a range is read with a lower bound only.
 */
export function scanBounds(client: Client, splitsPerRange: number): Bounds[] {
  const ranges = [...client.metadata.getTokenRanges()] as token.TokenRange[];
  const minToken = (
    client.metadata as unknown as { tokenizer: { minToken(): token.Token } }
  ).tokenizer.minToken();
  const bounds: Bounds[] = [];
  for (const range of ranges) {
    for (const piece of range.unwrap()) {
      for (const sub of piece.isEmpty() ? [] : piece.splitEvenly(splitsPerRange)) {
        if (sub.isEmpty()) continue;
        bounds.push({
          start: String(sub.start.getValue()),
          end: sub.end.equals(minToken) ? null : String(sub.end.getValue()),
        });
      }
    }
  }
  return bounds;
}

/**
 * Reads a whole table by token range: the ring split into sub-ranges read in parallel, each paged, so no query is
 * unbounded and the work is the same on one node or a cluster (each sub-range is served by its own replicas).
 * This is for batch jobs (the recommender, the drift report), never for a request path.
 */
export async function scanTable<T>(client: Client, opts: TokenScanOptions<T>): Promise<T[]> {
  const { Long } = (await import('cassandra-driver')).types;
  const cols = opts.columns.join(', ');
  const pk = opts.partitionKey;
  const limit = pLimit(opts.concurrency ?? 4);
  const out: T[] = [];
  const bounds = scanBounds(client, opts.splitsPerRange ?? 8);
  await Promise.all(
    bounds.map((b) =>
      limit(async () => {
        const query =
          b.end === null
            ? `SELECT ${cols} FROM ${opts.table} WHERE token(${pk}) > ?`
            : `SELECT ${cols} FROM ${opts.table} WHERE token(${pk}) > ? AND token(${pk}) <= ?`;
        const params =
          b.end === null ? [Long.fromString(b.start)] : [Long.fromString(b.start), Long.fromString(b.end)];
        let pageState: string | undefined;
        do {
          const rs = await client.execute(query, params, {
            prepare: true,
            isIdempotent: true,
            fetchSize: opts.fetchSize ?? 1000,
            pageState,
          });
          for (const row of rs.rows) out.push(opts.map(row));
          opts.onPage?.(rs.rowLength);
          pageState = rs.pageState ?? undefined;
        } while (pageState);
      }),
    ),
  );
  return out;
}
