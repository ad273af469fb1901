import { types, type Client } from 'cassandra-driver';
import type { Content, ContentType, TopPick } from '../domain/models';
import { numOrNull, READ, setToArray, str, uuid, uuidStr } from './rows';

const COLUMNS =
  'content_id, title, content_type, genre, release_year, rating_avg, rating_count, tags, external_id';

function toContent(r: types.Row): Content {
  return {
    id: uuidStr(r.content_id),
    title: str(r.title),
    contentType: (r.content_type ?? 'MOVIE') as ContentType,
    genre: str(r.genre),
    releaseYear: numOrNull(r.release_year),
    ratingAvg: r.rating_count ? numOrNull(r.rating_avg) : null,
    ratingCount: Number(r.rating_count ?? 0),
    tags: setToArray(r.tags),
    externalId: r.external_id ?? null,
  };
}

/** The catalog family: content, content_by_external_id, ratings_by_content, top_picks_by_scope. */
export class CatalogRepository {
  constructor(private readonly client: Client) {}

  /** One single-partition read; the content DataLoader issues these in parallel, never a multi-partition IN. */
  async getById(id: string): Promise<Content | null> {
    const rs = await this.client.execute(
      `SELECT ${COLUMNS} FROM content WHERE content_id = ?`,
      [uuid(id)],
      READ,
    );
    const row = rs.first();
    return row ? toContent(row) : null;
  }

  async idByExternalId(externalId: string): Promise<string | null> {
    const rs = await this.client.execute(
      'SELECT content_id FROM content_by_external_id WHERE external_id = ?',
      [externalId],
      READ,
    );
    const row = rs.first();
    return row ? uuidStr(row.content_id) : null;
  }

  /** Titles of a genre (SAI), in token order, seeking with `token(content_id) > ?`. */
  async byGenre(
    genre: string,
    limit: number,
    afterToken: string | null,
  ): Promise<{ items: Content[]; tokens: string[]; hasNextPage: boolean }> {
    const rs = afterToken
      ? await this.client.execute(
          `SELECT ${COLUMNS}, token(content_id) AS t FROM content WHERE genre = ? AND token(content_id) > ? LIMIT ?`,
          [genre, types.Long.fromString(afterToken), limit + 1],
          READ,
        )
      : await this.client.execute(
          `SELECT ${COLUMNS}, token(content_id) AS t FROM content WHERE genre = ? LIMIT ?`,
          [genre, limit + 1],
          READ,
        );
    const rows = rs.rows.slice(0, limit);
    return {
      items: rows.map(toContent),
      tokens: rows.map((r) => String(r.t)),
      hasNextPage: rs.rows.length > limit,
    };
  }

  /** The leaderboard of a scope ('ALL' or a genre): one ordered partition read. */
  async topPicks(scope: string, limit: number): Promise<TopPick[]> {
    const rs = await this.client.execute(
      'SELECT content_id, title, genre, content_type, rating_avg, rating_count FROM top_picks_by_scope WHERE scope = ? LIMIT ?',
      [scope, limit],
      READ,
    );
    return rs.rows.map((r, i) => ({
      scope,
      rank: i + 1,
      contentId: uuidStr(r.content_id),
      title: str(r.title),
      genre: str(r.genre),
      contentType: (r.content_type ?? null) as ContentType | null,
      ratingAvg: Number(r.rating_avg),
      ratingCount: Number(r.rating_count ?? 0),
    }));
  }

  /** Writes a title's catalog row (and its external-id lookup) as one logged batch. */
  async upsert(c: Content): Promise<void> {
    const queries = [
      {
        query: `INSERT INTO content (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [
          uuid(c.id),
          c.title,
          c.contentType,
          c.genre,
          c.releaseYear,
          c.ratingAvg,
          c.ratingCount,
          c.tags,
          c.externalId,
        ],
      },
    ];
    if (c.externalId) {
      queries.push({
        query: 'INSERT INTO content_by_external_id (external_id, content_id) VALUES (?, ?)',
        params: [c.externalId, uuid(c.id)],
      });
    }
    await this.client.batch(queries, { prepare: true, logged: true });
  }

  /** Sets a title's rating aggregate (the mean and count of the per-user ratings in ratings_by_content). */
  async setRatingAggregate(contentId: string, ratingAvg: number | null, ratingCount: number): Promise<void> {
    await this.client.execute(
      'UPDATE content SET rating_avg = ?, rating_count = ? WHERE content_id = ?',
      [ratingAvg, ratingCount, uuid(contentId)],
      { prepare: true, isIdempotent: true },
    );
  }

  /**
   * Rewrites one leaderboard partition whole: partition delete at t−1 plus the new rows at t in one batch, which
   * applies atomically and in isolation for the single partition (no reader sees a half-written board).
   */
  async replaceLeaderboard(
    scope: string,
    picks: Array<Omit<TopPick, 'scope' | 'rank'>>,
    at = new Date(),
  ): Promise<void> {
    const t = types.Long.fromNumber(at.getTime()).multiply(1000);
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query: 'DELETE FROM top_picks_by_scope USING TIMESTAMP ? WHERE scope = ?',
        params: [t.subtract(1), scope],
      },
      ...picks.map((p) => ({
        query:
          'INSERT INTO top_picks_by_scope (scope, rating_avg, content_id, title, genre, content_type, rating_count) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
        params: [scope, p.ratingAvg, uuid(p.contentId), p.title, p.genre, p.contentType, p.ratingCount, t],
      })),
    ];
    await this.client.batch(queries, { prepare: true, logged: false, isIdempotent: true });
  }
}
