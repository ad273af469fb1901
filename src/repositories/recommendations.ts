import { types } from 'cassandra-driver';
import type { Reason, ReasonKind, Recommendation } from '../domain/models';
import { micros } from './history';
import { IDEMPOTENT_WRITE, READ, str, uuid, uuidStr } from './rows';
import { Repository } from './repository';

export interface NewRecommendation {
  contentId: string;
  title: string;
  score: number;
  reason: Reason;
}

/** One row of a user's list as stored: its rank, title and the write time of the row (µs). */
export interface ListEntry {
  rank: number;
  contentId: string;
  title: string;
  writtenAt: number;
}

export interface SimilarUser {
  otherUserId: string;
  score: number;
  /** Content ids both users watched. */
  shared: string[];
}

/** The recommendations family: recommendations and recommendations_by_content (+ similar_users and its reverse index). */
export class RecommendationsRepository extends Repository {
  /** One page of a user's list in rank order: one partition read seeking past the last rank seen. */
  async forYou(
    userId: string,
    limit: number,
    afterRank: number | null,
  ): Promise<{ items: Recommendation[]; hasNextPage: boolean }> {
    const cols = 'rank, content_id, title, score, reason_kind, reason_text, because_of, generated_at';
    const rs =
      afterRank !== null
        ? await this.client.execute(
            `SELECT ${cols} FROM recommendations WHERE user_id = ? AND rank > ? LIMIT ?`,
            [uuid(userId), afterRank, limit + 1],
            READ,
          )
        : await this.client.execute(
            `SELECT ${cols} FROM recommendations WHERE user_id = ? LIMIT ?`,
            [uuid(userId), limit + 1],
            READ,
          );
    const items = rs.rows.slice(0, limit).map((r): Recommendation => ({
      userId,
      rank: Number(r.rank),
      contentId: uuidStr(r.content_id),
      title: str(r.title),
      score: Number(r.score ?? 0),
      reason: {
        kind: (r.reason_kind ?? 'TRENDING') as ReasonKind,
        text: str(r.reason_text),
        becauseOf: ((r.because_of ?? []) as unknown[]).map(uuidStr),
      },
      generatedAt: (r.generated_at as Date | null) ?? null,
    }));
    return { items, hasNextPage: rs.rows.length > limit };
  }

  /**
   * Replaces a user's whole list. The list partition is rewritten by a partition delete (at t−1) and the new rows
   * (at t) in the same batch: mutations of one partition in one batch apply atomically and in isolation, so a reader
   * sees the old list or the new one, never a mix, and no stale rank of a longer old list survives.
   */
  async replaceList(userId: string, recs: NewRecommendation[], generatedAt = new Date()): Promise<void> {
    const user = uuid(userId);
    const t = micros(generatedAt);
    const previous = await this.client.execute(
      'SELECT content_id FROM recommendations WHERE user_id = ?',
      [user],
      {
        ...READ,
        fetchSize: 1000,
      },
    );
    const kept = new Set(recs.map((r) => r.contentId));
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query: 'DELETE FROM recommendations USING TIMESTAMP ? WHERE user_id = ?',
        params: [t.subtract(1), user],
      },
    ];
    recs.forEach((r, i) => {
      queries.push(
        {
          query:
            'INSERT INTO recommendations (user_id, rank, content_id, title, score, reason_kind, reason_text, because_of, generated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
          params: [
            user,
            i + 1,
            uuid(r.contentId),
            r.title,
            r.score,
            r.reason.kind,
            r.reason.text,
            r.reason.becauseOf.map(uuid),
            generatedAt,
            t,
          ],
        },
        {
          query:
            'INSERT INTO recommendations_by_content (content_id, user_id, rank) VALUES (?, ?, ?) USING TIMESTAMP ?',
          params: [uuid(r.contentId), user, i + 1, t],
        },
      );
    });
    for (const row of previous.rows) {
      const id = uuidStr(row.content_id);
      if (!kept.has(id)) {
        queries.push({
          query:
            'DELETE FROM recommendations_by_content USING TIMESTAMP ? WHERE content_id = ? AND user_id = ?',
          params: [t, uuid(id), user],
        });
      }
    }
    await this.client.batch(queries, { prepare: true, logged: true, isIdempotent: true });
  }

  // ---- writes and partition reads used by the mutations (src/services/*) ----

  /** A user's whole list (one partition read; bounded by the list length). */
  async entries(userId: string): Promise<ListEntry[]> {
    const rs = await this.client.execute(
      'SELECT rank, content_id, title, writetime(content_id) AS written FROM recommendations WHERE user_id = ?',
      [uuid(userId)],
      { ...READ, fetchSize: 1000 },
    );
    return rs.rows.map((r) => ({
      rank: Number(r.rank),
      contentId: uuidStr(r.content_id),
      title: str(r.title),
      writtenAt: Number(r.written ?? 0),
    }));
  }

  /**
   * Dismisses a title: deletes its rows from the user's list partition (so forYou drops it at once; other ranks keep
   * their positions, so open cursors stay valid), its reverse-index row, and records `dismissed` in the interaction
   * log the recommender reads (so it is never recommended again). Three partitions of one logical change: one
   * logged batch with one client timestamp, later than the list rows it deletes.
   */
  async dismiss(userId: string, contentId: string, ranks: number[], at: number): Promise<void> {
    const user = uuid(userId);
    const content = uuid(contentId);
    const queries: Array<{ query: string; params: unknown[] }> = [
      ...ranks.map((rank) => ({
        query: 'DELETE FROM recommendations WHERE user_id = ? AND rank = ?',
        params: [user, rank] as unknown[],
      })),
      {
        query: 'DELETE FROM recommendations_by_content WHERE content_id = ? AND user_id = ?',
        params: [content, user],
      },
      {
        query:
          'UPDATE interactions_by_user SET dismissed = true, last_at = ? WHERE user_id = ? AND content_id = ?',
        params: [new Date(Math.floor(at / 1000)), user, content],
      },
    ];
    await this.client.batch(queries, {
      prepare: true,
      logged: true,
      timestamp: types.Long.fromNumber(at),
      isIdempotent: true,
    });
  }

  /** One page of the users whose list holds a title (reverse index, one partition read, seek by user id). */
  async listsHolding(
    contentId: string,
    afterUser: string | null,
    limit: number,
  ): Promise<Array<{ userId: string; rank: number }>> {
    const rs = afterUser
      ? await this.client.execute(
          'SELECT user_id, rank FROM recommendations_by_content WHERE content_id = ? AND user_id > ? LIMIT ?',
          [uuid(contentId), uuid(afterUser), limit],
          READ,
        )
      : await this.client.execute(
          'SELECT user_id, rank FROM recommendations_by_content WHERE content_id = ? LIMIT ?',
          [uuid(contentId), limit],
          READ,
        );
    return rs.rows.map((r) => ({ userId: uuidStr(r.user_id), rank: Number(r.rank) }));
  }

  /**
   * Writes a new title into the list row at (user, rank) if that row still recommends the title: the reverse index
   * may be behind a list rewrite, and a rank is not an identity. Read, then the update at the rename's timestamp.
   */
  async renameIfStill(
    userId: string,
    rank: number,
    contentId: string,
    title: string,
    ts: number,
  ): Promise<boolean> {
    const rs = await this.client.execute(
      'SELECT content_id FROM recommendations WHERE user_id = ? AND rank = ?',
      [uuid(userId), rank],
      READ,
    );
    const row = rs.first();
    if (!row || uuidStr(row.content_id) !== contentId) return false;
    await this.client.execute(
      'UPDATE recommendations SET title = ? WHERE user_id = ? AND rank = ?',
      [title, uuid(userId), rank],
      {
        ...IDEMPOTENT_WRITE,
        timestamp: types.Long.fromNumber(ts),
      },
    );
    return true;
  }

  /**
   * Replaces a user's similar-user list and keeps its reverse index (similar_users_by_other) in step: list partition
   * delete at t−1 plus the new rows at t, reverse rows added for the new list and deleted for users that left it.
   * Several partitions, one logged batch.
   */
  async replaceSimilarUsers(userId: string, list: SimilarUser[], at = new Date()): Promise<void> {
    const user = uuid(userId);
    const t = micros(at);
    const previous = await this.similarUsers(userId);
    const kept = new Set(list.map((s) => s.otherUserId));
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query: 'DELETE FROM similar_users USING TIMESTAMP ? WHERE user_id = ?',
        params: [t.subtract(1), user],
      },
    ];
    list.forEach((s, i) => {
      queries.push(
        {
          query:
            'INSERT INTO similar_users (user_id, rank, other_user_id, score, shared) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?',
          params: [user, i + 1, uuid(s.otherUserId), s.score, s.shared.map(uuid), t],
        },
        {
          query:
            'INSERT INTO similar_users_by_other (other_user_id, user_id, rank) VALUES (?, ?, ?) USING TIMESTAMP ?',
          params: [uuid(s.otherUserId), user, i + 1, t],
        },
      );
    });
    for (const p of previous) {
      if (!kept.has(p.otherUserId)) {
        queries.push({
          query:
            'DELETE FROM similar_users_by_other USING TIMESTAMP ? WHERE other_user_id = ? AND user_id = ?',
          params: [t, uuid(p.otherUserId), user],
        });
      }
    }
    await this.client.batch(queries, { prepare: true, logged: true, isIdempotent: true });
  }

  /** A user's similar-user list in rank order (one partition read). */
  async similarUsers(userId: string): Promise<Array<{ rank: number; otherUserId: string }>> {
    const rs = await this.client.execute(
      'SELECT rank, other_user_id FROM similar_users WHERE user_id = ?',
      [uuid(userId)],
      { ...READ, fetchSize: 1000 },
    );
    return rs.rows.map((r) => ({ rank: Number(r.rank), otherUserId: uuidStr(r.other_user_id) }));
  }

  /** The lists of other users that mention a user (reverse index, one partition read). */
  async listsMentioning(userId: string): Promise<Array<{ ownerId: string; rank: number }>> {
    const rs = await this.client.execute(
      'SELECT user_id, rank FROM similar_users_by_other WHERE other_user_id = ?',
      [uuid(userId)],
      { ...READ, fetchSize: 5000 },
    );
    return rs.rows.map((r) => ({ ownerId: uuidStr(r.user_id), rank: Number(r.rank) }));
  }

  /** The first `limit` entries of a user's similar-user list with their scores and shared titles (User.similarUsers). */
  async similarUsersTop(userId: string, limit: number): Promise<SimilarUser[]> {
    const rs = await this.client.execute(
      'SELECT other_user_id, score, shared FROM similar_users WHERE user_id = ? LIMIT ?',
      [uuid(userId), limit],
      READ,
    );
    return rs.rows.map((r) => ({
      otherUserId: uuidStr(r.other_user_id),
      score: Number(r.score ?? 0),
      shared: ((r.shared ?? []) as unknown[]).map(uuidStr),
    }));
  }
}
