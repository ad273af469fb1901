import type { HomeScreenModel, Shelf } from '../domain/models';
import { ALL_SCOPE } from '../domain/leaderboards';
import type { Repositories } from '../repositories';
import type { User } from '../domain/models';

export const DEFAULT_ITEMS_PER_SHELF = 10;
export const MAX_ITEMS_PER_SHELF = 50;

export function genreLabel(genre: string): string {
  const special: Record<string, string> = { 'sci-fi': 'Sci-Fi' };
  return (
    special[genre] ?? genre.replace(/(^|[\s-])(\w)/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase())
  );
}

/**
 * The shelf reads that need only the user's id, in display order: Continue Watching, For You, Top Picks, Recently
 * Watched (the genre rows need the user's preferred genres). src/graphql/prefetch.ts starts these same calls early.
 */
export function userShelfReads(repos: Repositories, userId: string, perShelf: number) {
  return [
    repos.history.continueWatching(userId, perShelf),
    repos.recommendations.forYou(userId, perShelf, null),
    repos.catalog.topPicks(ALL_SCOPE, perShelf),
    repos.history.recentlyWatched(userId, perShelf, null),
  ] as const;
}

/**
 * The server-driven home screen. Each shelf is exactly one partition read and all of them are issued at once;
 * titles are copied into each shelf's table. The items of Top Picks and the genre rows carry their leaderboard
 * row, which holds the catalog fields their `content { title genre ratingAvg … }` asks for (`cardOf`): no catalog
 * read; the other shelves' catalog fields come from the request's content loader in one batch. Empty shelves are
 * left out.
 */
export async function buildHomeScreen(
  repos: Repositories,
  user: User,
  perShelf: number,
): Promise<HomeScreenModel> {
  const genres = user.preferredGenres;
  const [continueWatching, forYou, topPicks, recent, ...genreRows] = await Promise.all([
    ...userShelfReads(repos, user.id, perShelf),
    ...genres.map((g) => repos.catalog.topPicks(g, perShelf)),
  ]);
  const shelves: Shelf[] = [
    {
      id: 'continue-watching',
      kind: 'CONTINUE_WATCHING',
      title: 'Continue Watching',
      genre: null,
      items: continueWatching.map((c) => ({
        contentId: c.contentId,
        title: c.title,
        progressPct: c.progressPct,
        reason: null,
        leaderboardRow: null,
      })),
    },
    {
      id: 'for-you',
      kind: 'FOR_YOU',
      title: 'For You',
      genre: null,
      items: forYou.items.map((r) => ({
        contentId: r.contentId,
        title: r.title,
        progressPct: null,
        reason: r.reason,
        leaderboardRow: null,
      })),
    },
    {
      id: 'top-picks',
      kind: 'TOP_PICKS',
      title: 'Top Picks',
      genre: null,
      items: topPicks.map((p) => ({
        contentId: p.contentId,
        title: p.title,
        progressPct: null,
        reason: null,
        leaderboardRow: p,
      })),
    },
    {
      id: 'recently-watched',
      kind: 'RECENTLY_WATCHED',
      title: 'Recently Watched',
      genre: null,
      items: recent.items.map((e) => ({
        contentId: e.contentId,
        title: e.title,
        progressPct: e.progressPct,
        reason: null,
        leaderboardRow: null,
      })),
    },
    ...genres.map((g, i): Shelf => ({
      id: `genre:${g}`,
      kind: 'GENRE',
      title: `Top ${genreLabel(g)}`,
      genre: g,
      items: genreRows[i].map((p) => ({
        contentId: p.contentId,
        title: p.title,
        progressPct: null,
        reason: null,
        leaderboardRow: p,
      })),
    })),
  ];
  return { shelves: shelves.filter((s) => s.items.length > 0) };
}
