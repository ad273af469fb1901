import { types, type Client } from 'cassandra-driver';
import type { ContinueWatchingEntry, WatchEvent } from '../domain/models';
import { historyShard } from '../domain/ids';
import { writeSiblings } from '../cassandra/sibling-writes';
import { IDEMPOTENT_WRITE, numOrNull, READ, str, uuid, uuidOrNull, uuidStr } from './rows';
import { Repository } from './repository';

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

/** A session as the reverse index (history_by_content) lists it. */
export interface IndexedSession {
  userId: string;
  watchedAt: Date;
}

/** A row of continue_watching as stored (a row whose progress is null is a title-only leftover, not an entry). */
export interface ContinueWatchingRow {
  title: string | null;
  progressPct: number | null;
  lastWatchedAt: Date | null;
}

/** A claimed watch event id and the session it belongs to. */
export interface ClaimedEvent {
  applied: boolean;
  userId: string;
  contentId: string;
  watchedAt: Date;
}

/** One row of a user's interaction log. */
export interface InteractionEntry {
  contentId: string;
  rating: number | null;
  dismissed: boolean;
}

/** Microseconds since the epoch, the unit of Cassandra write timestamps. */
export function micros(date: Date): types.Long {
  return types.Long.fromNumber(date.getTime()).multiply(1000);
}

/** The history family: watch_history, continue_watching, history_by_content, interactions_by_user. */
export class HistoryRepository extends Repository {
  constructor(
    client: Client,
    private readonly finishedPct: number,
  ) {
    super(client);
  }

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
   * interaction row the recommender scans. One logged batch (writeSiblings) with one client timestamp — the session's own time —
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
    await writeSiblings(this.client, queries, { timestamp: micros(e.watchedAt) });
  }

  // ---- writes and partition reads used by the mutations (src/services/*) ----

  /**
   * Claims a client-supplied event id for one session (`INSERT ... IF NOT EXISTS`): the first attempt wins, and a
   * retry — even one that carries a different watchedAt — gets the original session back instead of adding another.
   */
  async claimEvent(
    eventId: string,
    userId: string,
    contentId: string,
    watchedAt: Date,
  ): Promise<ClaimedEvent> {
    const rs = await this.client.execute(
      'INSERT INTO watch_events_by_id (event_id, user_id, content_id, watched_at) VALUES (?, ?, ?, ?) IF NOT EXISTS',
      [uuid(eventId), uuid(userId), uuid(contentId), watchedAt],
      // Idempotent for its caller, so the driver may retry a Paxos round that timed out: if the lost attempt did
      // apply, the retry reads back this very claim (same user, content and time) and WriteServices re-applies the
      // session — the same idempotent writes — instead of rejecting it.
      { prepare: true, isIdempotent: true },
    );
    if (rs.wasApplied()) return { applied: true, userId, contentId, watchedAt };
    const r = rs.first();
    return {
      applied: false,
      userId: uuidStr(r.user_id),
      contentId: uuidStr(r.content_id),
      watchedAt: r.watched_at as Date,
    };
  }

  /** The continue-watching row of one title (one row read), or null. */
  async continueWatchingRow(userId: string, contentId: string): Promise<ContinueWatchingRow | null> {
    const rs = await this.client.execute(
      'SELECT title, progress_pct, last_watched_at FROM continue_watching WHERE user_id = ? AND content_id = ?',
      [uuid(userId), uuid(contentId)],
      READ,
    );
    const r = rs.first();
    if (!r) return null;
    return {
      title: r.title ?? null,
      progressPct: numOrNull(r.progress_pct),
      lastWatchedAt: (r.last_watched_at as Date | null) ?? null,
    };
  }

  /**
   * Moves the progress of the session in progress (the one continue-watching points at): its history row, the
   * continue-watching entry (deleted once finished) and the interaction log. Three partitions of one logical change:
   * one logged batch with one client timestamp (the time of the update), idempotent under retry.
   *
   * The unfinished entry is written whole (title, progress, session time), not just its progress: a concurrent
   * finished session may have deleted the entry at its own, earlier timestamp, and this later write then recreates
   * it — with a progress-only write that would be a row without title or session (drift, and a shelf item with no
   * name). The caller re-checks the title against the catalog afterwards, as a session does.
   */
  async updateProgress(e: {
    userId: string;
    contentId: string;
    sessionAt: Date;
    progressPct: number;
    title: string;
    at: Date;
  }): Promise<boolean> {
    const user = uuid(e.userId);
    const content = uuid(e.contentId);
    const finished = e.progressPct >= this.finishedPct;
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query:
          'UPDATE watch_history SET progress_pct = ? WHERE user_id = ? AND watched_at = ? AND content_id = ?',
        params: [e.progressPct, user, e.sessionAt, content],
      },
      finished
        ? {
            query: 'DELETE FROM continue_watching WHERE user_id = ? AND content_id = ?',
            params: [user, content],
          }
        : {
            query:
              'UPDATE continue_watching SET title = ?, progress_pct = ?, last_watched_at = ? WHERE user_id = ? AND content_id = ?',
            params: [e.title, e.progressPct, e.sessionAt, user, content],
          },
      finished
        ? {
            query:
              'UPDATE interactions_by_user SET progress_pct = ?, completed = true, last_at = ? WHERE user_id = ? AND content_id = ?',
            params: [e.progressPct, e.at, user, content],
          }
        : {
            query:
              'UPDATE interactions_by_user SET progress_pct = ?, last_at = ? WHERE user_id = ? AND content_id = ?',
            params: [e.progressPct, e.at, user, content],
          },
    ];
    await writeSiblings(this.client, queries, { timestamp: micros(e.at) });
    return finished;
  }

  /**
   * Rewrites the title copied by one session (its history row and, while unfinished, its continue-watching row)
   * with a given write timestamp. Used when a rename raced the session. Two partitions, one logged batch.
   */
  async rewriteSessionTitle(e: {
    userId: string;
    contentId: string;
    watchedAt: Date;
    title: string;
    ts: number;
    continueWatching: boolean;
  }): Promise<number> {
    const user = uuid(e.userId);
    const content = uuid(e.contentId);
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query: 'UPDATE watch_history SET title = ? WHERE user_id = ? AND watched_at = ? AND content_id = ?',
        params: [e.title, user, e.watchedAt, content],
      },
    ];
    if (e.continueWatching) {
      queries.push({
        query: 'UPDATE continue_watching SET title = ? WHERE user_id = ? AND content_id = ?',
        params: [e.title, user, content],
      });
    }
    await writeSiblings(this.client, queries, { timestamp: types.Long.fromNumber(e.ts) });
    return queries.length;
  }

  /** One page of the reverse index of a title in one shard, after a clustering position (partition read, seek). */
  async indexedSessions(
    contentId: string,
    shard: number,
    after: IndexedSession | null,
    limit: number,
  ): Promise<IndexedSession[]> {
    const rs = after
      ? await this.client.execute(
          'SELECT user_id, watched_at FROM history_by_content WHERE content_id = ? AND shard = ? AND (user_id, watched_at) > (?, ?) LIMIT ?',
          [uuid(contentId), shard, uuid(after.userId), after.watchedAt, limit],
          READ,
        )
      : await this.client.execute(
          'SELECT user_id, watched_at FROM history_by_content WHERE content_id = ? AND shard = ? LIMIT ?',
          [uuid(contentId), shard, limit],
          READ,
        );
    return rs.rows.map((r) => ({ userId: uuidStr(r.user_id), watchedAt: r.watched_at as Date }));
  }

  /**
   * Writes a new title into one user's history rows of a title: they share the user's partition, so one unlogged
   * batch (atomic and isolated within the partition, no batch log needed), at the rename's timestamp.
   */
  async renameHistoryRows(
    userId: string,
    contentId: string,
    sessions: Date[],
    title: string,
    ts: number,
  ): Promise<void> {
    const user = uuid(userId);
    const content = uuid(contentId);
    await this.client.batch(
      sessions.map((at) => ({
        query: 'UPDATE watch_history SET title = ? WHERE user_id = ? AND watched_at = ? AND content_id = ?',
        params: [title, user, at, content],
      })),
      { prepare: true, logged: false, timestamp: types.Long.fromNumber(ts), isIdempotent: true },
    );
  }

  /** Writes a new title into a continue-watching row at the rename's timestamp. */
  async renameContinueWatching(userId: string, contentId: string, title: string, ts: number): Promise<void> {
    await this.client.execute(
      'UPDATE continue_watching SET title = ? WHERE user_id = ? AND content_id = ?',
      [title, uuid(userId), uuid(contentId)],
      {
        ...IDEMPOTENT_WRITE,
        timestamp: types.Long.fromNumber(ts),
      },
    );
  }

  /** Records a user's rating in the interaction log (what the recommender reads, and what erasure walks). */
  async recordRating(userId: string, contentId: string, rating: number, at: Date): Promise<void> {
    await this.client.execute(
      'UPDATE interactions_by_user SET rating = ?, last_at = ? WHERE user_id = ? AND content_id = ?',
      [rating, at, uuid(userId), uuid(contentId)],
      {
        ...IDEMPOTENT_WRITE,
        timestamp: micros(at),
      },
    );
  }

  /** Every session key of a user (paged partition read), for erasure. */
  async sessionsOf(
    userId: string,
  ): Promise<Array<{ watchedAt: Date; contentId: string; eventId: string | null }>> {
    const out: Array<{ watchedAt: Date; contentId: string; eventId: string | null }> = [];
    let pageState: string | undefined;
    do {
      const rs = await this.client.execute(
        'SELECT watched_at, content_id, event_id FROM watch_history WHERE user_id = ?',
        [uuid(userId)],
        {
          ...READ,
          fetchSize: 1000,
          pageState,
        },
      );
      for (const r of rs.rows)
        out.push({
          watchedAt: r.watched_at as Date,
          contentId: uuidStr(r.content_id),
          eventId: uuidOrNull(r.event_id),
        });
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return out;
  }

  /** Every row of a user's interaction log (paged partition read), for erasure. */
  async interactionsOf(userId: string): Promise<InteractionEntry[]> {
    const out: InteractionEntry[] = [];
    let pageState: string | undefined;
    do {
      const rs = await this.client.execute(
        'SELECT content_id, rating, dismissed FROM interactions_by_user WHERE user_id = ?',
        [uuid(userId)],
        {
          ...READ,
          fetchSize: 1000,
          pageState,
        },
      );
      for (const r of rs.rows)
        out.push({
          contentId: uuidStr(r.content_id),
          rating: numOrNull(r.rating),
          dismissed: r.dismissed === true,
        });
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return out;
  }
}
