import type { Context } from '../context';
import { isCard, type Content as CatalogRow, type ContentSource } from '../domain/models';
import { pageSize } from '../domain/pagination';
import type { ContentResolvers } from '../generated/graphql';

/**
 * A field a leaderboard card does not carry: read from the catalog through the request's loader (one batch with
 * every other title of the request) — only when a client asks for it.
 */
function catalogField<K extends 'releaseYear' | 'tags' | 'externalId'>(field: K, absent: CatalogRow[K]) {
  return (content: ContentSource, _args: unknown, ctx: Context): CatalogRow[K] | Promise<CatalogRow[K]> =>
    isCard(content)
      ? ctx.loaders.content.load(content.id).then((row) => (row ? row[field] : absent))
      : content[field];
}

export const Content: ContentResolvers = {
  /** Federation entity lookup: a gateway's representations go through the request's batched content loader. */
  __resolveReference: (ref, ctx) => ctx.loaders.content.load(ref.id),

  releaseYear: catalogField('releaseYear', null),
  tags: catalogField('tags', []),
  externalId: catalogField('externalId', null),

  /**
   * More like this: the title's embedding (one single-row read), then ONE ANN query on the SAI vector index asking for
   * one more title than wanted, because the title itself is normally its own nearest neighbour and is left out. The
   * titles found carry every catalog column, so they prime the request's content loader instead of being read again.
   */
  similar: async (content, { first }, ctx) => {
    const limit = pageSize(first, ctx.config.pagination);
    if (limit === 0) return [];
    const vector = await ctx.repos.recommenderModel.embeddingOf(content.id);
    if (!vector) return []; // the recommender job has not embedded this title yet
    const found = await ctx.repos.recommenderModel.nearestTitles(vector, limit + 1);
    const similar = found.filter((c) => c.id !== content.id).slice(0, limit);
    for (const c of similar) ctx.loaders.content.prime(c.id, c);
    return similar;
  },
};
