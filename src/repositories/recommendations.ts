import { type Client } from 'cassandra-driver';
import type { Reason, ReasonKind, Recommendation } from '../domain/models';
import { micros } from './history';
import { READ, str, uuid, uuidStr } from './rows';

export interface NewRecommendation {
  contentId: string;
  title: string;
  score: number;
  reason: Reason;
}

/** The recommendations family: recommendations and recommendations_by_content. */
export class RecommendationsRepository {
  constructor(private readonly client: Client) {}

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
}
