import type { Content } from '../domain/models';
import type { RecommendationReasonResolvers } from '../generated/graphql';

export const RecommendationReason: RecommendationReasonResolvers = {
  /** Cited titles come through the content loader, in the same batch as every other title of the request. */
  becauseOf: async (reason, _args, ctx) => {
    const found = await ctx.loaders.content.loadMany(reason.becauseOf);
    return found.filter((c): c is Content => c !== null && !(c instanceof Error));
  },
};
