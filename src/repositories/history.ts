import { types, type Client } from 'cassandra-driver';
import type { ContinueWatchingEntry, WatchEvent } from '../domain/models';
import { historyShard } from '../domain/ids';
import { READ, str, uuid, uuidOrNull, uuidStr } from './rows';

export interface HistoryPosition {
  watchedAt: Date;
  contentId: string;
}

export interface RecordWatchInput {
  userId: string;
  contentId: string;
  /** The title as the catalog has it now; copied into every row that shows it. */
  title: string;
  watchedAt: Date;
  progressPct: number;
  rating: number | null;
  eventId: string;
}

/** Microseconds since the epoch, the unit of Cassandra write timestamps. */
export function micros(date: Date): types.Long {
  return types.Long.fromNumber(date.getTime()).multiply(1000);
}

/** The history family: watch_history, continue_watching, history_by_content, interactions_by_user. */
export class HistoryRepository {
  constructor(
    private readonly client: Client,
    private readonly finishedPct: number,
  ) {}

  /**
   * One page of a user's history, newest first: one partition read that seeks past the last row the client saw
   * with a multi-column slice on the clustering key, and reads one extra row to know whether a next page exists.
   */
  async recentlyWatched(
    userId: string,
    limit: number,
    after: HistoryPosition | null,
  ): Promise<{ items: WatchEvent[]; hasNextPage: boolean }> {
    const cols = 'watched_at, content_id, event_id, title, progress_pct, rating';
    const rs = after
      ? await this.client.execute(
          `SELECT ${cols} FROM watch_history WHERE user_id = ? AND (watched_at, content_id) < (?, ?) LIMIT ?`,
          [uuid(userId), after.watchedAt, uuid(after.contentId), limit + 1],
          READ,
        )
      : await this.client.execute(
          `SELECT ${cols} FROM watch_history WHERE user_id = ? LIMIT ?`,
          [uuid(userId), limit + 1],
          READ,
        );
    const items = rs.rows.slice(0, limit).map((r): WatchEvent => ({
      userId,
      contentId: uuidStr(r.content_id),
      eventId: uuidOrNull(r.event_id),
      title: str(r.title),
      watchedAt: r.watched_at as Date,
      progressPct: Number(r.progress_pct ?? 0),
      rating: r.rating ?? null,
    }));
    return { items, hasNextPage: rs.rows.length > limit };
  }

  /**
   * Titles in progress, most recent first. The partition holds only unfinished titles (finishing deletes the row),
   * so it is small: read it whole in one partition read and order it here.
   */
  async continueWatching(userId: string, limit: number): Promise<ContinueWatchingEntry[]> {
    const rs = await this.client.execute(
      'SELECT content_id, title, progress_pct, last_watched_at FROM continue_watching WHERE user_id = ?',
      [uuid(userId)],
      { ...READ, fetchSize: 1000 },
    );
    return rs.rows
      .filter((r) => r.progress_pct != null && r.last_watched_at != null && r.progress_pct < this.finishedPct)
      .map((r): ContinueWatchingEntry => ({
        userId,
        contentId: uuidStr(r.content_id),
        title: str(r.title),
        progressPct: Number(r.progress_pct),
        lastWatchedAt: r.last_watched_at as Date,
      }))
      .sort(
        (a, b) =>
          b.lastWatchedAt.getTime() - a.lastWatchedAt.getTime() || a.contentId.localeCompare(b.contentId),
      )
      .slice(0, limit);
  }

  /**
   * Records one viewing session and keeps every copy in step: the history row (with the title copied), the
   * reverse index used by renames, continue-watching (upserted while unfinished, deleted once finished) and the
   * interaction row the recommender scans. One logged batch with one client timestamp — the session's own time —
   * so a retried or late-arriving older session can never overwrite a newer one, and a retry writes nothing new.
   */
  async recordWatch(e: RecordWatchInput): Promise<void> {
    const user = uuid(e.userId);
    const content = uuid(e.contentId);
    const finished = e.progressPct >= this.finishedPct;
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query:
          'INSERT INTO watch_history (user_id, watched_at, content_id, event_id, title, progress_pct, rating) VALUES (?, ?, ?, ?, ?, ?, ?)',
        params: [user, e.watchedAt, content, uuid(e.eventId), e.title, e.progressPct, e.rating],
      },
      {
        query: 'INSERT INTO history_by_content (content_id, shard, user_id, watched_at) VALUES (?, ?, ?, ?)',
        params: [content, historyShard(e.userId), user, e.watchedAt],
      },
      finished
        ? {
            query: 'DELETE FROM continue_watching WHERE user_id = ? AND content_id = ?',
            params: [user, content],
          }
        : {
            query:
              'INSERT INTO continue_watching (user_id, content_id, title, progress_pct, last_watched_at) VALUES (?, ?, ?, ?, ?)',
            params: [user, content, e.title, e.progressPct, e.watchedAt],
          },
      finished
        ? {
            query:
              'UPDATE interactions_by_user SET progress_pct = ?, completed = true, last_at = ? WHERE user_id = ? AND content_id = ?',
            params: [e.progressPct, e.watchedAt, user, content],
          }
        : {
            query:
              'UPDATE interactions_by_user SET progress_pct = ?, last_at = ? WHERE user_id = ? AND content_id = ?',
            params: [e.progressPct, e.watchedAt, user, content],
          },
    ];
    if (e.rating !== null) {
      queries.push(
        {
          query: 'UPDATE interactions_by_user SET rating = ? WHERE user_id = ? AND content_id = ?',
          params: [e.rating, user, content],
        },
        {
          query: 'INSERT INTO ratings_by_content (content_id, user_id, rating, rated_at) VALUES (?, ?, ?, ?)',
          params: [content, user, e.rating, e.watchedAt],
        },
      );
    }
    await this.client.batch(queries, {
      prepare: true,
      logged: true,
      timestamp: micros(e.watchedAt),
      isIdempotent: true,
    });
  }
}
