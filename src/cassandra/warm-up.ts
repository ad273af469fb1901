/**
 * Prepares the hot read paths' statements before the server takes traffic. The driver prepares a statement on its
 * first execution (PREPARE, then EXECUTE: two round trips, and every request arriving meanwhile waits for it), so
 * without this the first requests after a start or deploy pay for it. The warm-up runs the repositories' own reads
 * once against a partition that does not exist — the exact statement texts the API uses, nothing duplicated here —
 * and never blocks a start: a failure is only logged (the statements are then prepared on first use, as before).
 */
import { ALL_SCOPE } from '../domain/leaderboards';
import type { Repositories } from '../repositories';
import { userShelfReads } from '../services/home-screen';

const NOBODY = '00000000-0000-4000-8000-00000000dead';

export async function warmUpStatements(repos: Repositories): Promise<number> {
  const reads: Array<Promise<unknown>> = [
    repos.users.getById(NOBODY),
    repos.catalog.getById(NOBODY),
    repos.catalog.topPicks(ALL_SCOPE, 1),
    ...userShelfReads(repos, NOBODY, 1),
    // The page-after-a-cursor variants of the paginated shelves.
    repos.history.recentlyWatched(NOBODY, 1, { watchedAt: new Date(0), contentId: NOBODY }),
    repos.recommendations.forYou(NOBODY, 1, 0),
  ];
  await Promise.all(reads);
  return reads.length;
}
