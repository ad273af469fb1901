import type { types } from 'cassandra-driver';
import { scanTable } from '../cassandra/token-scan';
import type { InteractionRow, ItemMeta, UserMeta } from '../recommender/types';
import { numOrNull, READ, setToArray, str, uuid, uuidStr } from './rows';
import { Repository } from './repository';

/** Options of a whole-table read (see src/cassandra/token-scan.ts). */
export interface ScanOptions {
  /** Sub-range queries in flight at once. */
  concurrency?: number;
  /** Called after every page with the number of rows it held (progress). */
  onPage?: (rows: number) => void;
}

/** A catalog title as the recommender sees it (the content row without rating aggregates). */
export type CatalogTitle = ItemMeta;

const INTERACTION_COLUMNS = [
  'user_id',
  'content_id',
  'progress_pct',
  'completed',
  'rating',
  'dismissed',
  'last_at',
];

/**
 * A row of interactions_by_user as the recommender core wants it. The table keeps no view count: a row with
 * progress or completion was watched (watchCount 1), a row with only a rating or a dismissal was not (0).
 */
function toInteraction(r: types.Row): InteractionRow {
  const progressPct = numOrNull(r.progress_pct);
  const completed = r.completed === true;
  return {
    userId: uuidStr(r.user_id),
    contentId: uuidStr(r.content_id),
    progressPct,
    completed,
    rating: numOrNull(r.rating),
    dismissed: r.dismissed === true,
    watchCount: progressPct !== null || completed ? 1 : 0,
    lastAt: (r.last_at as Date | null) ?? new Date(0),
  };
}

/**
 * What the recommender trains on: interactions_by_user, content and users, read whole by token-range scans (the ring
 * split into sub-ranges, read in parallel and paged — the documented exception to "every statement binds its
 * partition key", because a batch job must see every partition; never used on a request path), plus the one
 * partition read of a user's interactions that the online refresh needs.
 */
export class TrainingDataRepository extends Repository {
  /** Every interaction row of every user. */
  scanInteractions(opts: ScanOptions = {}): Promise<InteractionRow[]> {
    return scanTable(this.client, {
      table: 'interactions_by_user',
      columns: INTERACTION_COLUMNS,
      partitionKey: 'user_id',
      concurrency: opts.concurrency,
      fetchSize: 5000,
      onPage: opts.onPage,
      map: toInteraction,
    });
  }

  /** Every title of the catalog with the metadata the content scorer, reasons and embeddings use. */
  scanCatalog(opts: ScanOptions = {}): Promise<CatalogTitle[]> {
    return scanTable(this.client, {
      table: 'content',
      columns: ['content_id', 'title', 'genre', 'tags', 'release_year', 'content_type'],
      partitionKey: 'content_id',
      concurrency: opts.concurrency,
      fetchSize: 5000,
      onPage: opts.onPage,
      map: (r): CatalogTitle => ({
        contentId: uuidStr(r.content_id),
        title: str(r.title),
        genre: str(r.genre),
        tags: setToArray(r.tags),
        releaseYear: numOrNull(r.release_year),
        contentType: (r.content_type ?? null) as CatalogTitle['contentType'],
      }),
    });
  }

  /**
   * Every live user with their declared genres. A profile whose e-mail is gone is an account being erased
   * (see services/erase.ts isLiveUser): it is left out, and so are its interactions (the job trains on live users only).
   */
  async scanUsers(opts: ScanOptions = {}): Promise<UserMeta[]> {
    const rows = await scanTable(this.client, {
      table: 'users',
      columns: ['user_id', 'email', 'preferred_genres'],
      partitionKey: 'user_id',
      concurrency: opts.concurrency,
      fetchSize: 5000,
      onPage: opts.onPage,
      map: (r) => ({
        userId: uuidStr(r.user_id),
        live: str(r.email) !== '',
        preferredGenres: setToArray(r.preferred_genres),
      }),
    });
    return rows.filter((r) => r.live).map(({ userId, preferredGenres }) => ({ userId, preferredGenres }));
  }

  /** One user's interaction rows: one partition read, paged (bounded by the catalog size). */
  async interactionsOf(userId: string): Promise<InteractionRow[]> {
    const out: InteractionRow[] = [];
    let pageState: string | undefined;
    do {
      const rs = await this.client.execute(
        `SELECT ${INTERACTION_COLUMNS.join(', ')} FROM interactions_by_user WHERE user_id = ?`,
        [uuid(userId)],
        { ...READ, fetchSize: 5000, pageState },
      );
      for (const r of rs.rows) out.push(toInteraction(r));
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return out;
  }
}
