import { types } from 'cassandra-driver';
import { str, uuid, uuidStr } from './rows';
import { Repository } from './repository';

/**
 * Whole-table scans of the tables that copy a title, for the drift report and the title repair. A scan walks the
 * token ring slice by slice (`token(pk) > ? AND token(pk) <= ?`, paged), so each request stays a bounded range read
 * that a coordinator serves from one replica set, and the scan can report progress per slice. Never used by the API.
 */

export const COPY_TABLES = [
  'watch_history',
  'continue_watching',
  'recommendations',
  'top_picks_by_scope',
] as const;
export type CopyTable = (typeof COPY_TABLES)[number];

/** One copy of a title: where it is and what it says. */
export interface TitleCopy {
  table: CopyTable;
  /** The full primary key, for printing and for the repair. */
  key: Record<string, string>;
  contentId: string;
  title: string;
}

/** A slice of the Murmur3 token ring: (start, end]. */
export interface TokenSlice {
  start: string;
  end: string;
}

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

/** The whole ring cut into `n` equal slices. */
export function ringSlices(n: number): TokenSlice[] {
  const width = (MAX - MIN) / BigInt(n);
  const out: TokenSlice[] = [];
  for (let i = 0; i < n; i++) {
    const start = MIN + width * BigInt(i);
    const end = i === n - 1 ? MAX : start + width;
    out.push({ start: start.toString(), end: end.toString() });
  }
  return out;
}

const SCANS: Record<CopyTable, { pk: string; cql: string; toCopy(r: types.Row): TitleCopy | null }> = {
  watch_history: {
    pk: 'user_id',
    cql: 'SELECT user_id, watched_at, content_id, title FROM watch_history',
    toCopy: (r) => ({
      table: 'watch_history',
      key: {
        user_id: uuidStr(r.user_id),
        watched_at: (r.watched_at as Date).toISOString(),
        content_id: uuidStr(r.content_id),
      },
      contentId: uuidStr(r.content_id),
      title: str(r.title),
    }),
  },
  continue_watching: {
    pk: 'user_id',
    cql: 'SELECT user_id, content_id, title, progress_pct FROM continue_watching',
    // A row without progress is a title-only leftover (a rename raced a finish): no entry is shown for it.
    toCopy: (r) =>
      r.progress_pct == null
        ? null
        : {
            table: 'continue_watching',
            key: { user_id: uuidStr(r.user_id), content_id: uuidStr(r.content_id) },
            contentId: uuidStr(r.content_id),
            title: str(r.title),
          },
  },
  recommendations: {
    pk: 'user_id',
    cql: 'SELECT user_id, rank, content_id, title FROM recommendations',
    toCopy: (r) => ({
      table: 'recommendations',
      key: { user_id: uuidStr(r.user_id), rank: String(r.rank) },
      contentId: uuidStr(r.content_id),
      title: str(r.title),
    }),
  },
  top_picks_by_scope: {
    pk: 'scope',
    cql: 'SELECT scope, rating_avg, content_id, title FROM top_picks_by_scope',
    toCopy: (r) => ({
      table: 'top_picks_by_scope',
      key: { scope: str(r.scope), rating_avg: String(r.rating_avg), content_id: uuidStr(r.content_id) },
      contentId: uuidStr(r.content_id),
      title: str(r.title),
    }),
  },
};

/** Unfinished rename jobs found by a scan: the newest job of each title, when it is still running. */
export interface UnfinishedRename {
  contentId: string;
  jobId: string;
}

export class CopiesRepository extends Repository {
  /** Every copy of a title in one token slice of one table (paged range read). */
  async scan(table: CopyTable, slice: TokenSlice, pageSize = 1000): Promise<TitleCopy[]> {
    const s = SCANS[table];
    const out: TitleCopy[] = [];
    let pageState: string | undefined;
    do {
      const rs = await this.client.execute(
        `${s.cql} WHERE token(${s.pk}) > ? AND token(${s.pk}) <= ?`,
        [types.Long.fromString(slice.start), types.Long.fromString(slice.end)],
        { prepare: true, isIdempotent: true, fetchSize: pageSize, pageState },
      );
      for (const r of rs.rows) {
        const copy = s.toCopy(r);
        if (copy) out.push(copy);
      }
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return out;
  }

  /** Running rename jobs in one token slice (the newest job of each title comes first in its partition). */
  async unfinishedRenames(slice: TokenSlice): Promise<UnfinishedRename[]> {
    const out: UnfinishedRename[] = [];
    const seen = new Set<string>();
    let pageState: string | undefined;
    do {
      const rs = await this.client.execute(
        'SELECT content_id, job_id, status FROM content_copy_jobs WHERE token(content_id) > ? AND token(content_id) <= ?',
        [types.Long.fromString(slice.start), types.Long.fromString(slice.end)],
        { prepare: true, isIdempotent: true, fetchSize: 1000, pageState },
      );
      for (const r of rs.rows) {
        const id = uuidStr(r.content_id);
        if (seen.has(id)) continue;
        seen.add(id);
        if (r.status === 'running') out.push({ contentId: id, jobId: String(r.job_id) });
      }
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return out;
  }

  /**
   * Writes the catalog's title into one copy (watch_history / continue_watching / recommendations). The timestamp
   * is taken by the caller before it read the catalog's title, so a rename that the caller did not see (it lands
   * later) always carries a later timestamp and wins. A recommendation is only rewritten if its rank still holds the
   * same title (a rank is a position, not an identity).
   */
  async rewrite(copy: TitleCopy, title: string, ts: number): Promise<boolean> {
    const opts = { prepare: true, isIdempotent: true, timestamp: types.Long.fromNumber(ts) };
    const k = copy.key;
    switch (copy.table) {
      case 'watch_history':
        await this.client.execute(
          'UPDATE watch_history SET title = ? WHERE user_id = ? AND watched_at = ? AND content_id = ?',
          [title, uuid(k.user_id), new Date(k.watched_at), uuid(k.content_id)],
          opts,
        );
        return true;
      case 'continue_watching':
        await this.client.execute(
          'UPDATE continue_watching SET title = ? WHERE user_id = ? AND content_id = ?',
          [title, uuid(k.user_id), uuid(k.content_id)],
          opts,
        );
        return true;
      case 'recommendations': {
        const rs = await this.client.execute(
          'SELECT content_id FROM recommendations WHERE user_id = ? AND rank = ?',
          [uuid(k.user_id), Number(k.rank)],
          {
            prepare: true,
            isIdempotent: true,
          },
        );
        if (uuidStr(rs.first()?.content_id) !== copy.contentId) return false;
        await this.client.execute(
          'UPDATE recommendations SET title = ? WHERE user_id = ? AND rank = ?',
          [title, uuid(k.user_id), Number(k.rank)],
          opts,
        );
        return true;
      }
      case 'top_picks_by_scope':
        // Leaderboard rows are only ever written by a rating publish (see RatingService.republish).
        throw new Error('leaderboard copies are repaired by republishing the rating aggregate');
    }
  }

  /** The title of one leaderboard row (full primary key), or null when there is no such row. */
  async leaderboardTitle(scope: string, ratingAvg: number, contentId: string): Promise<string | null> {
    const rs = await this.client.execute(
      'SELECT title FROM top_picks_by_scope WHERE scope = ? AND rating_avg = ? AND content_id = ?',
      [scope, ratingAvg, uuid(contentId)],
      { prepare: true, isIdempotent: true },
    );
    const r = rs.first();
    return r ? str(r.title) : null;
  }

  /** Deletes one leaderboard row that sits at a position its title no longer has. */
  async deleteLeaderboardRow(scope: string, ratingAvg: number, contentId: string, ts: number): Promise<void> {
    await this.client.execute(
      'DELETE FROM top_picks_by_scope WHERE scope = ? AND rating_avg = ? AND content_id = ?',
      [scope, ratingAvg, uuid(contentId)],
      {
        prepare: true,
        isIdempotent: true,
        timestamp: types.Long.fromNumber(ts),
      },
    );
  }
}
