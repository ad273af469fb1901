import type { User } from '../domain/models';
import type { Repositories } from '../repositories';
import { nowMicros } from './clock';
import type { RatingService } from './ratings';

/**
 * Whether a profile row is a real account. A write that raced an erasure can recreate a partial row (an UPDATE is an
 * upsert): it lacks the name and/or the e-mail every real profile has, and is swept instead of served.
 */
export const isLiveUser = (u: User | null): u is User => u !== null && u.email !== '' && u.name !== '';

export interface EraseResult {
  ratingsRemoved: number;
}

/** What a write that raced an erasure may have left behind. */
export interface StrayWrite {
  contentId?: string;
  eventId?: string;
  /** The write set a rating of contentId. */
  rated?: boolean;
  /** The write claimed this e-mail address. */
  email?: string;
}

/**
 * deleteUser: erases a user from every table (see ErasureRepository for where each table's rows are found).
 *
 * Resumable: a job row (user_erasures) is written first and deleted last, and rows are deleted in an order that
 * keeps the ones needed to find the rest until last, so calling deleteUser again after a failure finishes the job
 * (even though the profile row is already gone). The profile row goes first: every write path re-checks it after
 * writing, and cleans up after itself if the user vanished meanwhile (sweep), so a write racing the erasure cannot
 * leave a row behind either — whichever of the two looks second sees the other.
 */
export class EraseService {
  constructor(
    private readonly repos: Repositories,
    private readonly ratings: RatingService,
    private readonly step: (name: string) => Promise<void>,
  ) {}

  /** Returns null when there is no such user and no erasure in progress. */
  async deleteUser(userId: string): Promise<EraseResult | null> {
    const r = this.repos;
    const [user, existing] = await Promise.all([r.users.getById(userId), r.erasure.job(userId)]);
    let job = existing;
    if (!job) {
      if (!isLiveUser(user)) return null;
      job = {
        userId,
        email: user.email,
        emailClaims: await r.users.emailClaims(userId),
        externalId: user.externalId,
        startedAt: new Date(),
      };
      await r.erasure.start(job);
    }
    await r.users.deleteProfile(userId, new Date());
    await this.step('deleteUser:afterProfile');

    // Ratings first: they are found through the interaction log, and leave the aggregates through the same
    // conditional batches as any rating change (so the counts stay exact).
    const interactions = await r.history.interactionsOf(userId);
    let ratingsRemoved = 0;
    for (const i of interactions.filter((x) => x.rating !== null)) {
      if (await this.removeRating(userId, i.contentId)) ratingsRemoved += 1;
    }
    await this.step('deleteUser:afterRatings');

    const [sessions, list, similar, mentions] = await Promise.all([
      r.history.sessionsOf(userId),
      r.recommendations.entries(userId),
      r.recommendations.similarUsers(userId),
      r.recommendations.listsMentioning(userId),
    ]);
    const watchedTitles = [...new Set(sessions.map((s) => s.contentId))];
    await r.erasure.deleteDerived(
      userId,
      {
        watchedTitles,
        eventIds: [...new Set(sessions.map((s) => s.eventId).filter((e): e is string => e !== null))],
        listedTitles: [
          ...new Set([
            ...list.map((l) => l.contentId),
            ...interactions.map((i) => i.contentId),
            ...watchedTitles,
          ]),
        ],
        ownSimilar: [...new Set(similar.map((s) => s.otherUserId))],
      },
      nowMicros(),
    );
    for (const m of mentions) await r.erasure.deleteMention(m.ownerId, m.rank, userId, nowMicros());
    await this.step('deleteUser:afterDerived');

    await r.erasure.deleteUserPartitions(userId, nowMicros());
    for (const email of new Set([job.email, ...job.emailClaims].filter((e): e is string => !!e))) {
      await r.users.releaseEmail(email, userId);
    }
    if (job.externalId) await r.users.deleteExternalIdOf(job.externalId, userId, new Date());
    await r.erasure.finish(userId, nowMicros());
    return { ratingsRemoved };
  }

  /**
   * Cleans up after a write that found, on its post-write check, that its user had been erased meanwhile: the
   * partitions and reverse-index rows it may have recreated, the rating it may have added, the claim it may have
   * made. Idempotent, and harmless if the erasure is still running.
   */
  async sweep(userId: string, stray: StrayWrite): Promise<void> {
    const r = this.repos;
    if (stray.contentId && stray.rated) await this.removeRating(userId, stray.contentId);
    const at = nowMicros();
    await r.erasure.deleteDerived(
      userId,
      {
        watchedTitles: stray.contentId ? [stray.contentId] : [],
        eventIds: stray.eventId ? [stray.eventId] : [],
        listedTitles: stray.contentId ? [stray.contentId] : [],
        ownSimilar: [],
      },
      at,
    );
    await r.erasure.deleteUserPartitions(userId, at);
    await r.users.deleteProfile(userId, new Date(Math.floor(at / 1000) + 1));
    if (stray.email) await r.users.releaseEmail(stray.email, userId);
  }

  private async removeRating(userId: string, contentId: string): Promise<boolean> {
    const content = await this.repos.catalog.titleVersion(contentId);
    const outcome = await this.ratings.change(contentId, content?.genre ?? '', userId, null);
    if (outcome.changed) await this.ratings.publish(contentId, outcome.aggregate);
    return outcome.changed;
  }
}
