import { badInput, notFound } from '../domain/errors';
import { ALL_SCOPE } from '../domain/leaderboards';
import { pageSize } from '../domain/pagination';
import type { QueryResolvers } from '../generated/graphql';
import { prefetchUserReads } from '../graphql/prefetch';

export const MAX_CONTENT_IDS = 100;
const GENRE_RE = /^[a-z0-9][a-z0-9 &'-]{0,39}$/;

function genreArg(genre: string): string {
  const g = genre.trim().toLowerCase();
  if (!GENRE_RE.test(g)) {
    throw badInput('`genre` must be 1–40 characters of letters, digits, spaces, & or -, e.g. "sci-fi".', {
      argument: 'genre',
    });
  }
  return g;
}

function tokenAfter(
  ctx: { cursors: { decode(scope: string, c: string): unknown[] } },
  scope: string,
  after: string | null | undefined,
) {
  if (!after) return null;
  const [token] = ctx.cursors.decode(scope, after);
  if (typeof token !== 'string' || !/^-?\d{1,20}$/.test(token)) {
    throw badInput(
      'The `after` cursor is not valid for this list; pass an `endCursor` this field returned.',
      { argument: 'after' },
    );
  }
  return token;
}

export const Query: QueryResolvers = {
  user: async (_root, { id }, ctx, info) => {
    // The shelf reads the selection asks for start now, alongside the user's read (src/graphql/prefetch.ts).
    prefetchUserReads(ctx, info, id);
    const user = await ctx.loaders.user.load(id);
    if (!user) throw notFound(`No user has the id ${id}.`);
    return user;
  },

  userByEmail: async (_root, { email }, ctx) => {
    const id = await ctx.repos.users.idByEmail(email);
    const user = id ? await ctx.loaders.user.load(id) : null;
    if (!user) throw notFound(`No user has the e-mail address ${email}.`);
    return user;
  },

  userByExternalId: async (_root, { externalId }, ctx) => {
    const id = externalId.length <= 200 ? await ctx.repos.users.idByExternalId(externalId) : null;
    const user = id ? await ctx.loaders.user.load(id) : null;
    if (!user) throw notFound(`No user has the external id ${JSON.stringify(externalId.slice(0, 200))}.`);
    return user;
  },

  contentByExternalId: async (_root, { externalId }, ctx) => {
    const id = externalId.length <= 200 ? await ctx.repos.catalog.idByExternalId(externalId) : null;
    const content = id ? await ctx.loaders.content.load(id) : null;
    if (!content) throw notFound(`No title has the external id ${JSON.stringify(externalId.slice(0, 200))}.`);
    return content;
  },

  content: async (_root, { id }, ctx) => {
    const content = await ctx.loaders.content.load(id);
    if (!content) throw notFound(`No title has the id ${id}.`);
    return content;
  },

  contents: async (_root, { ids }, ctx) => {
    if (ids.length > MAX_CONTENT_IDS) {
      throw badInput(`\`ids\` may hold at most ${MAX_CONTENT_IDS} ids, got ${ids.length}.`, {
        argument: 'ids',
      });
    }
    const found = await ctx.loaders.content.loadMany(ids);
    return found.map((c) => {
      if (c instanceof Error) throw c;
      return c;
    });
  },

  topPicks: (_root, { genre, first }, ctx) =>
    ctx.repos.catalog.topPicks(genre ? genreArg(genre) : ALL_SCOPE, pageSize(first, ctx.config.pagination)),

  contentByGenre: async (_root, { genre, first, after }, ctx) => {
    const g = genreArg(genre);
    const scope = `genre:${g}`;
    const page = await ctx.repos.catalog.byGenre(
      g,
      pageSize(first, ctx.config.pagination),
      tokenAfter(ctx, scope, after),
    );
    // Prime the loader: a title browsed here and shown elsewhere in the same request costs no second read.
    page.items.forEach((c) => ctx.loaders.content.prime(c.id, c));
    return ctx.cursors.connection(scope, page.items, (_c, i) => [page.tokens[i]], page.hasNextPage);
  },

  usersWhoLike: async (_root, { genre, first, after }, ctx) => {
    const g = genreArg(genre);
    const scope = `likes:${g}`;
    const page = await ctx.repos.users.byPreferredGenre(
      g,
      pageSize(first, ctx.config.pagination),
      tokenAfter(ctx, scope, after),
    );
    page.users.forEach((u) => ctx.loaders.user.prime(u.id, u));
    return ctx.cursors.connection(scope, page.users, (_u, i) => [page.tokens[i]], page.hasNextPage);
  },
};
