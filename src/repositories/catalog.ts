import { types } from 'cassandra-driver';
import type { Content, ContentType, TopPick } from '../domain/models';
import { ALL_SCOPE } from '../domain/leaderboards';
import { writeSiblings } from '../cassandra/sibling-writes';
import { micros } from './history';
import { numOrNull, READ, setToArray, str, uuid, uuidStr } from './rows';
import { Repository } from './repository';

const COLUMNS =
  'content_id, title, content_type, genre, release_year, rating_avg, rating_count, tags, external_id';

export interface TitleVersion {
  title: string;
  /** writetime(title), µs since the epoch. */
  titleTs: number;
  genre: string;
  contentType: ContentType | null;
}

export interface RatingPublication {
  contentId: string;
  title: string;
  genre: string;
  contentType: ContentType | null;
  sum: number;
  count: number;
  /** The aggregate version's timestamp (µs). */
  ts: number;
  boardAvgs: number[];
  boardGenres: string[];
}

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
export class CatalogRepository extends Repository {
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
   * The title as the catalog has it now together with its version: the write timestamp of the `title` cell (µs).
   * Copy writers compare versions before and after writing to detect a rename that raced them.
   */
  async titleVersion(id: string): Promise<TitleVersion | null> {
    const rs = await this.client.execute(
      'SELECT title, writetime(title) AS title_ts, genre, content_type FROM content WHERE content_id = ?',
      [uuid(id)],
      READ,
    );
    const r = rs.first();
    if (!r || r.title == null) return null;
    return {
      title: str(r.title),
      titleTs: Number(r.title_ts),
      genre: str(r.genre),
      contentType: (r.content_type ?? null) as ContentType | null,
    };
  }

  /**
   * Writes the catalog fields of a title (never its rating aggregate, which only the rating service publishes) and
   * keeps the external-id lookup in step: new lookup row, old one removed when the id changed. Several partitions of
   * one logical change → one logged batch with one timestamp. The title is written only when `withTitle` is set:
   * a changed title goes through the rename job, which writes it together with its job row.
   */
  async writeCatalogFields(
    c: Omit<Content, 'ratingAvg' | 'ratingCount'>,
    opts: { withTitle: boolean; previousExternalId: string | null; at: Date },
  ): Promise<void> {
    const id = uuid(c.id);
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query: opts.withTitle
          ? 'UPDATE content SET title = ?, content_type = ?, genre = ?, release_year = ?, tags = ?, external_id = ? WHERE content_id = ?'
          : 'UPDATE content SET content_type = ?, genre = ?, release_year = ?, tags = ?, external_id = ? WHERE content_id = ?',
        params: [
          ...(opts.withTitle ? [c.title] : []),
          c.contentType,
          c.genre,
          c.releaseYear,
          c.tags,
          c.externalId,
          id,
        ],
      },
    ];
    if (c.externalId) {
      queries.push({
        query: 'INSERT INTO content_by_external_id (external_id, content_id) VALUES (?, ?)',
        params: [c.externalId, id],
      });
    }
    if (opts.previousExternalId && opts.previousExternalId !== c.externalId) {
      queries.push({
        query: 'DELETE FROM content_by_external_id WHERE external_id = ?',
        params: [opts.previousExternalId],
      });
    }
    await writeSiblings(this.client, queries, { timestamp: micros(opts.at) });
  }

  /**
   * Publishes a title's rating aggregate to its copies: content.rating_avg / rating_count and its leaderboard rows.
   * One logged batch (content + every scope partition touched) with the aggregate version's own timestamp, so
   * publishes of successive versions converge to the newest whatever order they land in, and a retried publish
   * rewrites identical cells. Every recent position (board_avgs × scopes) other than the current one is deleted,
   * which heals a previous publish that never completed. Equal positions are never deleted in the same batch as
   * their insert (a delete and an insert with one timestamp: the delete would win).
   */
  async publishRatingAggregate(p: RatingPublication): Promise<number> {
    const id = uuid(p.contentId);
    const avg = p.count > 0 ? Math.fround(p.sum / p.count) : null;
    const current = new Set(avg === null ? [] : [ALL_SCOPE, p.genre]);
    const scopes = [...new Set([ALL_SCOPE, p.genre, ...p.boardGenres])];
    const queries: Array<{ query: string; params: unknown[] }> = [
      {
        query: 'UPDATE content SET rating_avg = ?, rating_count = ? WHERE content_id = ?',
        params: [avg, p.count, id],
      },
    ];
    for (const scope of scopes) {
      for (const old of new Set(p.boardAvgs.map(Math.fround))) {
        if (old === avg && current.has(scope)) continue;
        queries.push({
          query: 'DELETE FROM top_picks_by_scope WHERE scope = ? AND rating_avg = ? AND content_id = ?',
          params: [scope, old, id],
        });
      }
    }
    if (avg !== null) {
      for (const scope of current) {
        queries.push({
          query:
            'INSERT INTO top_picks_by_scope (scope, rating_avg, content_id, title, genre, content_type, rating_count) VALUES (?, ?, ?, ?, ?, ?, ?)',
          params: [scope, avg, id, p.title, p.genre, p.contentType, p.count],
        });
      }
    }
    await writeSiblings(this.client, queries, { timestamp: types.Long.fromNumber(p.ts) });
    return avg === null ? 0 : current.size;
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
