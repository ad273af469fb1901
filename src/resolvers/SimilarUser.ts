import type { Content } from '../domain/models';
import type { SimilarUserResolvers } from '../generated/graphql';

export const SimilarUser: SimilarUserResolvers = {
  /** Shared titles come through the content loader, in the same batch as every other title of the request. */
  sharedTitles: async (entry, _args, ctx) => {
    const found = await ctx.loaders.content.loadMany(entry.sharedContentIds);
    return found.filter((c): c is Content => c !== null && !(c instanceof Error));
  },
};
