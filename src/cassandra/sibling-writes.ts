import { errors as driverErrors, types, type Client } from 'cassandra-driver';

export interface SiblingStatement {
  query: string;
  params: unknown[];
}

/** What a caller learns about how its sibling writes were applied (for logs and specifications). */
export type SiblingWritePath = 'logged-batch' | 'per-statement';

/** A logged batch whose batch log could not be written: the coordinator applied none of its statements. */
export function isBatchLogTimeout(err: unknown): boolean {
  return (
    err instanceof driverErrors.ResponseError &&
    err.code === types.responseErrorCodes.writeTimeout &&
    String((err as { writeType?: unknown }).writeType) === 'BATCH_LOG'
  );
}

/**
 * Writes the copies of one logical change — the sibling rows of several partitions — with one client timestamp.
 *
 * Normally one logged batch: the batch log makes the copies land together even if the coordinator dies midway.
 *
 * The batch log has one blind spot. A coordinator writes it to two other nodes of its rack at consistency TWO, and it
 * picks them among the nodes the failure detector still believes alive. For the seconds (10–30 under load) between a
 * node dying and gossip convicting it, every coordinator of a 3-node data center picks the dead node, so every logged
 * batch fails with a BATCH_LOG write timeout — although two replicas of every row are up and LOCAL_QUORUM writes
 * succeed. Such a batch was not applied at all (the coordinator sends no mutation before the log is written).
 *
 * So on that error the same statements are written directly, in parallel, each idempotent and carrying the same
 * client timestamp. The result is the same rows with the same write times as the batch would have produced: a write
 * repeated later (a client retry) changes nothing, and a newer write of the same cells still wins. What the fallback
 * gives up is only the batch log's guarantee against a crash of this process between the statements — a window in
 * which the client has no acknowledgement and retries, which re-applies every statement.
 *
 * Every statement must be idempotent given the fixed timestamp (no counters, no list appends, no conditions).
 */
export async function writeSiblings(
  client: Client,
  statements: SiblingStatement[],
  opts: { timestamp: types.Long },
): Promise<SiblingWritePath> {
  const base = { prepare: true, timestamp: opts.timestamp, isIdempotent: true } as const;
  if (statements.length === 1) {
    await client.execute(statements[0].query, statements[0].params, base);
    return 'per-statement';
  }
  try {
    await client.batch(statements, { ...base, logged: true });
    return 'logged-batch';
  } catch (err) {
    if (!isBatchLogTimeout(err)) throw err;
  }
  await Promise.all(statements.map((s) => client.execute(s.query, s.params, base)));
  return 'per-statement';
}
