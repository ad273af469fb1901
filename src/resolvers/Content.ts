import type { ContentResolvers } from '../generated/graphql';

export const Content: ContentResolvers = {
  /** Federation entity lookup: a gateway's representations go through the request's batched content loader. */
  __resolveReference: (ref, ctx) => ctx.loaders.content.load(ref.id),
};
