import { badInput } from '../domain/errors';
import { pageSize } from '../domain/pagination';
import type { UserResolvers } from '../generated/graphql';
import { isLiveUser } from '../services/erase';
import { buildHomeScreen, DEFAULT_ITEMS_PER_SHELF, MAX_ITEMS_PER_SHELF } from '../services/home-screen';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const invalidCursor = () =>
  badInput('The `after` cursor is not valid for this list; pass an `endCursor` this field returned.', {
    argument: 'after',
  });

export const User: UserResolvers = {
  /** Federation entity lookup through the request's batched user loader. */
  __resolveReference: (ref, ctx) => ctx.loaders.user.load(ref.id),

  recentlyWatched: async (user, { first, after }, ctx) => {
    const limit = pageSize(first, ctx.config.pagination);
    const scope = `history:${user.id}`;
    let position = null;
    if (after) {
      const [ms, contentId] = ctx.cursors.decode(scope, after);
      if (typeof ms !== 'number' || typeof contentId !== 'string' || !UUID_RE.test(contentId))
        throw invalidCursor();
      position = { watchedAt: new Date(ms), contentId };
    }
    const page = await ctx.repos.history.recentlyWatched(user.id, limit, position);
    return ctx.cursors.connection(
      scope,
      page.items,
      (e) => [e.watchedAt.getTime(), e.contentId],
      page.hasNextPage,
    );
  },

  continueWatching: (user, { first }, ctx) =>
    ctx.repos.history.continueWatching(user.id, pageSize(first, ctx.config.pagination)),

  forYou: async (user, { first, after }, ctx) => {
    const limit = pageSize(first, ctx.config.pagination);
    const scope = `forYou:${user.id}`;
    let afterRank: number | null = null;
    if (after) {
      const [rank] = ctx.cursors.decode(scope, after);
      if (typeof rank !== 'number' || !Number.isInteger(rank)) throw invalidCursor();
      afterRank = rank;
    }
    const page = await ctx.repos.recommendations.forYou(user.id, limit, afterRank);
    return ctx.cursors.connection(scope, page.items, (r) => [r.rank], page.hasNextPage);
  },

  homeScreen: (user, { itemsPerShelf }, ctx) =>
    buildHomeScreen(
      ctx.repos,
      user,
      pageSize(
        itemsPerShelf,
        { defaultFirst: DEFAULT_ITEMS_PER_SHELF, maxFirst: MAX_ITEMS_PER_SHELF },
        'itemsPerShelf',
      ),
    ),

  /** One partition read of similar_users; the other users come through the request's batched user loader. */
  similarUsers: async (user, { first }, ctx) => {
    const limit = pageSize(first, ctx.config.pagination);
    if (limit === 0) return [];
    const entries = await ctx.repos.recommendations.similarUsersTop(user.id, limit);
    const others = await ctx.loaders.user.loadMany(entries.map((e) => e.otherUserId));
    // A user erased since the job ran is left out (the erasure also removes them from the lists it finds).
    return entries.flatMap((e, i) => {
      const other = others[i];
      return other instanceof Error || !isLiveUser(other)
        ? []
        : [{ user: other, score: e.score, sharedContentIds: e.shared }];
    });
  },
};
