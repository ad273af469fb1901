import type { Context } from '../context';
import type { MutationResolvers } from '../generated/graphql';
import { refreshAfterWatch, refreshRecommendations } from '../services/refresh-recommendations';
import { writeServicesFor, type WriteServices } from '../services/writes';

/** The process-wide write services of this app (their per-title rating queue must be shared by all requests). */
const services = (ctx: Context): WriteServices => writeServicesFor(ctx.repos, ctx.config);

/**
 * Thin: arguments in, WriteServices out. Validation, ordering, batching and recovery live in src/services; errors
 * are BAD_USER_INPUT / NOT_FOUND from src/domain/errors, anything unexpected is masked by formatError.
 */
export const Mutation: MutationResolvers = {
  createUser: async (_root, { input }, ctx) => ({ user: await services(ctx).createUser(input) }),

  updatePreferences: async (_root, args, ctx) => ({
    user: await services(ctx).updatePreferences(args.userId, {
      addGenres: args.addGenres,
      removeGenres: args.removeGenres,
      // Omitted keeps the language; an explicit null clears it.
      preferredLanguage: 'preferredLanguage' in args ? args.preferredLanguage : undefined,
    }),
  }),

  changeEmail: (_root, { userId, email }, ctx) => services(ctx).changeEmail(userId, email),

  upsertContent: (_root, { input }, ctx) => services(ctx).upsertContent(input),

  renameContent: (_root, { id, title }, ctx) => services(ctx).renameContent(id, title),

  recordWatch: async (_root, args, ctx) => {
    const result = await services(ctx).recordWatch(args);
    // REFRESH_ON_WATCH: recompute the viewer's list before answering, so `user { forYou }` in the payload shows it.
    if (ctx.config.refreshOnWatch) await refreshAfterWatch(ctx, args.userId);
    return result;
  },

  updateProgress: async (_root, { userId, contentId, progressPct }, ctx) => {
    const r = await services(ctx).updateProgress(userId, contentId, progressPct);
    return {
      user: r.user,
      content: r.content,
      progressPct: r.progressPct,
      finished: r.finished,
      continueWatchingItem: r.entry,
    };
  },

  rateContent: (_root, { userId, contentId, rating }, ctx) =>
    services(ctx).rateContent(userId, contentId, rating),

  dismissRecommendation: (_root, { userId, contentId }, ctx) =>
    services(ctx).dismissRecommendation(userId, contentId),

  deleteUser: (_root, { userId }, ctx) => services(ctx).deleteUser(userId),

  refreshRecommendations: async (_root, { userId }, ctx) => {
    const r = await refreshRecommendations(ctx.repos, userId);
    return {
      user: r.user,
      recommendations: r.recommendations,
      modelTrainedAt: r.model.trainedAt,
      tookMs: r.tookMs,
    };
  },
};
