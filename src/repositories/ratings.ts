import { types } from 'cassandra-driver';
import { numOrNull, setToArray, uuid } from './rows';
import { Repository } from './repository';

/**
 * ratings_by_content: each user's current rating of a title (regular rows) and the title's exact aggregate (static
 * columns of the same partition, see cql/007). Every change is one conditional batch on that single partition, so the
 * user's row and the aggregate change together or not at all, serialized per title by Paxos.
 */

/** The aggregate of one title as stored in the static columns. `version` null: never written by a mutation yet. */
export interface RatingAggregate {
  version: number | null;
  sum: number;
  count: number;
  /** Timestamp (µs) of the version; 0 when unversioned. */
  ts: number;
  boardAvgs: number[];
  boardGenres: string[];
}

export interface UserRating {
  rating: number | null;
  opId: string | null;
}

export interface RatingChange {
  contentId: string;
  /** The version read; the batch applies only if it is still current (`IF agg_version = ?`, null for unversioned). */
  expectVersion: number | null;
  next: Omit<RatingAggregate, 'version'> & { version: number };
  user: {
    userId: string;
    /** The rating read; the batch applies only if the row still holds it (`IF rating = ?`, null for no row). */
    previous: number | null;
    /** The new rating, or null to remove the user's rating. */
    rating: number | null;
    opId: string;
    at: Date;
  } | null;
}

/** Reads that decide a conditional write are SERIAL: they complete any in-flight Paxos round first. */
const SERIAL_READ = { prepare: true, isIdempotent: true, consistency: types.consistencies.serial } as const;
/** Conditional writes are not marked idempotent: the driver must not retry them blindly after a timeout. */
const CAS = { prepare: true, isIdempotent: false } as const;

const long = (n: number) => types.Long.fromNumber(n);

export class RatingsRepository extends Repository {
  /** The aggregate (static columns): one SERIAL single-partition read. */
  async aggregate(contentId: string): Promise<RatingAggregate> {
    const rs = await this.client.execute(
      'SELECT agg_version, agg_sum, agg_count, agg_ts, board_avgs, board_genres FROM ratings_by_content WHERE content_id = ? LIMIT 1',
      [uuid(contentId)],
      SERIAL_READ,
    );
    const r = rs.first();
    return {
      version: r ? numOrNull(r.agg_version) : null,
      sum: Number(r?.agg_sum ?? 0),
      count: Number(r?.agg_count ?? 0),
      ts: Number(r?.agg_ts ?? 0),
      boardAvgs: ((r?.board_avgs ?? []) as number[]).map(Number),
      boardGenres: setToArray(r?.board_genres),
    };
  }

  /** A user's current rating of a title (SERIAL). */
  async userRating(contentId: string, userId: string): Promise<UserRating> {
    const rs = await this.client.execute(
      'SELECT rating, op_id FROM ratings_by_content WHERE content_id = ? AND user_id = ?',
      [uuid(contentId), uuid(userId)],
      SERIAL_READ,
    );
    const r = rs.first();
    return { rating: r ? numOrNull(r.rating) : null, opId: r?.op_id ? String(r.op_id) : null };
  }

  /**
   * Sum and count of every rating row of a title, paging through the partition (bounded by the title's raters).
   * Used once per title, to give an aggregate to a partition written before aggregates existed (seeds, imports).
   */
  async recount(contentId: string): Promise<{ sum: number; count: number }> {
    let sum = 0;
    let count = 0;
    let pageState: string | undefined;
    do {
      const rs = await this.client.execute(
        'SELECT rating FROM ratings_by_content WHERE content_id = ?',
        [uuid(contentId)],
        {
          ...SERIAL_READ,
          fetchSize: 5000,
          pageState,
        },
      );
      for (const r of rs.rows) {
        if (r.rating != null) {
          sum += Number(r.rating);
          count += 1;
        }
      }
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return { sum, count };
  }

  /**
   * The compare-and-set: one conditional batch on the title's partition that moves the aggregate to `next` and the
   * user's row from `previous` to `rating`, applied only if neither changed since they were read. Returns whether it
   * applied; a losing writer re-reads and tries again.
   */
  async compareAndSet(change: RatingChange): Promise<boolean> {
    const content = uuid(change.contentId);
    const n = change.next;
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query:
          change.expectVersion === null
            ? 'UPDATE ratings_by_content SET agg_version = ?, agg_sum = ?, agg_count = ?, agg_ts = ?, board_avgs = ?, board_genres = ? WHERE content_id = ? IF agg_version = null'
            : 'UPDATE ratings_by_content SET agg_version = ?, agg_sum = ?, agg_count = ?, agg_ts = ?, board_avgs = ?, board_genres = ? WHERE content_id = ? IF agg_version = ?',
        params: [
          long(n.version),
          long(n.sum),
          n.count,
          long(n.ts),
          n.boardAvgs,
          n.boardGenres,
          content,
          ...(change.expectVersion === null ? [] : [long(change.expectVersion)]),
        ],
      },
    ];
    const u = change.user;
    if (u) {
      const user = uuid(u.userId);
      if (u.rating === null) {
        queries.push({
          query: 'DELETE FROM ratings_by_content WHERE content_id = ? AND user_id = ? IF rating = ?',
          params: [content, user, u.previous],
        });
      } else {
        queries.push({
          query:
            'UPDATE ratings_by_content SET rating = ?, rated_at = ?, op_id = ? WHERE content_id = ? AND user_id = ? IF rating = ?',
          params: [u.rating, u.at, uuid(u.opId), content, user, u.previous],
        });
      }
    }
    const rs =
      queries.length === 1
        ? await this.client.execute(queries[0].query, queries[0].params, CAS)
        : await this.client.batch(queries, { ...CAS, logged: true });
    return rs.wasApplied();
  }
}
