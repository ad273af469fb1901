import type { Content, ContentCard, TopPick } from './models';

export const ALL_SCOPE = 'ALL';
export const LEADERBOARD_SIZE = 100;

export type LeaderboardRow = Omit<TopPick, 'scope' | 'rank'>;

/**
 * The `Content` a leaderboard row answers by itself. The row is written by the same logged batch, with the same
 * timestamp, as the catalog's rating_avg/rating_count (CatalogRepository.publishRatingAggregate), and a rename or a
 * genre change reaches it through a new aggregate version — so it differs from the catalog only while such a change
 * is being published, exactly as the row's own `title` copy does. A row without a content type (written before the
 * column existed) gives no card: that title is read from the catalog.
 */
export function cardOf(row: LeaderboardRow): ContentCard | null {
  if (row.contentType === null || !row.title || !row.genre) return null;
  return {
    card: true,
    id: row.contentId,
    title: row.title,
    contentType: row.contentType,
    genre: row.genre,
    ratingAvg: row.ratingAvg,
    ratingCount: row.ratingCount,
  };
}

/** Rating order: higher mean first, then more ratings, then id (a total, stable order). */
export function byRating(a: LeaderboardRow, b: LeaderboardRow): number {
  return b.ratingAvg - a.ratingAvg || b.ratingCount - a.ratingCount || a.contentId.localeCompare(b.contentId);
}

/** The leaderboards ('ALL' and one per genre) that a set of rated titles gives. */
export function leaderboardsFrom(
  contents: Content[],
  size = LEADERBOARD_SIZE,
): Map<string, LeaderboardRow[]> {
  const boards = new Map<string, LeaderboardRow[]>();
  const add = (scope: string, row: LeaderboardRow) => {
    const list = boards.get(scope) ?? [];
    list.push(row);
    boards.set(scope, list);
  };
  for (const c of contents) {
    if (!c.ratingCount || c.ratingAvg === null) continue;
    const row: LeaderboardRow = {
      contentId: c.id,
      title: c.title,
      genre: c.genre,
      contentType: c.contentType,
      ratingAvg: c.ratingAvg,
      ratingCount: c.ratingCount,
    };
    add(ALL_SCOPE, row);
    add(c.genre, row);
  }
  for (const [scope, rows] of boards) boards.set(scope, rows.sort(byRating).slice(0, size));
  return boards;
}
