import crypto from 'node:crypto';
import { errors as driverErrors } from 'cassandra-driver';
import { serviceUnavailable } from '../domain/errors';
import type { Repositories } from '../repositories';
import type { RatingAggregate } from '../repositories/ratings';
import { nowMicros } from './clock';
import { KeyedMutex } from './keyed-mutex';

/** How many recent leaderboard positions / genre scopes a title remembers (see cql/007 board_avgs). */
const BOARD_MEMORY = 8;
const GENRE_MEMORY = 4;

export interface RatingOutcome {
  /** The user's rating before this change (null: none). */
  previous: number | null;
  /** The aggregate after the change (or the current one when nothing changed). */
  aggregate: RatingAggregate;
  changed: boolean;
}

const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

/**
 * Did a conditional write end without telling whether it was applied? A Paxos round that timed out, a client-side
 * timeout, or the coordinator's connection closing after the request was sent (a node killed mid-request; the driver
 * does not retry non-idempotent statements, so the socket error reaches us as it is).
 */
function isUnknownCasOutcome(err: unknown): boolean {
  if (err instanceof driverErrors.OperationTimedOutError) return true;
  if ((err as { isSocketError?: unknown } | null)?.isSocketError === true) return true;
  return (
    err instanceof driverErrors.ResponseError &&
    err.code === 0x1100 /* write timeout */ &&
    ['CAS', 'cas'].includes(String((err as { writeType?: unknown }).writeType ?? 'CAS'))
  );
}

/**
 * Exact rating aggregates under concurrency.
 *
 * A title's aggregate (sum, count) lives in static columns of its ratings_by_content partition together with a
 * version. A change reads the aggregate and the user's current rating (SERIAL), computes the new sum and count, and
 * writes both the user's row and the aggregate in ONE conditional batch guarded by `IF agg_version = <read>` and
 * `IF rating = <read>`. Paxos serializes these batches per title: a writer that lost the race re-reads and retries,
 * so every accepted change is applied to exactly the state it was computed from — the aggregate always equals the
 * sum over the rows, however many raters race. Within one process, changes of one title queue on a mutex first, so
 * they do not contend for the same Paxos round at all.
 *
 * The mean is then published to its copies (content.rating_avg / rating_count and the leaderboards) by one logged
 * batch carrying the version's timestamp; see CatalogRepository.publishRatingAggregate.
 */
export class RatingService {
  private readonly mutex: KeyedMutex;

  /** `mutex`: shared by every request of the process (src/services/writes.ts), one compare-and-set per title. */
  constructor(
    private readonly repos: Repositories,
    private readonly opts: { maxAttempts?: number; mutex?: KeyedMutex } = {},
  ) {
    this.mutex = opts.mutex ?? new KeyedMutex();
  }

  /** Sets (rating 1–5) or removes (null) a user's rating of a title. `genre` is the title's current genre. */
  change(contentId: string, genre: string, userId: string, rating: number | null): Promise<RatingOutcome> {
    return this.mutex.run(contentId, () => this.compareAndSet(contentId, genre, { userId, rating }));
  }

  /**
   * A new aggregate version without a rating change, then a publish: how a rename or a genre change reaches the
   * leaderboard rows (every leaderboard write goes through a version, so they converge in version order).
   * Returns the leaderboard rows written (0 for a title nobody rated).
   */
  async republish(contentId: string, genre: string, previousGenre?: string): Promise<number> {
    const outcome = await this.mutex.run(contentId, () =>
      this.compareAndSet(contentId, genre, null, previousGenre),
    );
    if (!outcome.changed) return 0;
    return this.publish(contentId, outcome.aggregate);
  }

  /**
   * Writes the aggregate to its copies. Reads the catalog row after the version was taken, so a rename whose
   * content write preceded this version is published with its new title.
   */
  async publish(contentId: string, aggregate: RatingAggregate): Promise<number> {
    if (aggregate.version === null) return 0;
    const content = await this.repos.catalog.titleVersion(contentId);
    if (!content) return 0;
    return this.repos.catalog.publishRatingAggregate({
      contentId,
      title: content.title,
      genre: content.genre,
      contentType: content.contentType,
      sum: aggregate.sum,
      count: aggregate.count,
      ts: aggregate.ts,
      boardAvgs: aggregate.boardAvgs,
      boardGenres: aggregate.boardGenres,
    });
  }

  private async compareAndSet(
    contentId: string,
    genre: string,
    user: { userId: string; rating: number | null } | null,
    previousGenre?: string,
  ): Promise<RatingOutcome> {
    const ratings = this.repos.ratings;
    const maxAttempts = this.opts.maxAttempts ?? 60;
    for (let attempt = 1; ; attempt++) {
      const stored = await ratings.aggregate(contentId);
      let base = stored;
      if (stored.version === null) {
        // A partition written before aggregates existed (seed, import): count it once, under the same condition.
        const { sum, count } = await ratings.recount(contentId);
        if (!user && count === 0) return { previous: null, aggregate: stored, changed: false };
        // Its leaderboard rows (if any) sit at the current mean, in the genre it had until now.
        base = {
          ...stored,
          sum,
          count,
          boardAvgs: count ? [Math.fround(sum / count)] : [],
          boardGenres: unique([genre, previousGenre ?? genre]),
        };
      }
      // Read after the aggregate: a change committed in between moves the version, and the batch below fails.
      const previous = user ? (await ratings.userRating(contentId, user.userId)).rating : null;
      if (user && previous === user.rating) return { previous, aggregate: base, changed: false };

      const sum = base.sum - (previous ?? 0) + (user?.rating ?? 0);
      const count = base.count - (previous !== null ? 1 : 0) + (user && user.rating !== null ? 1 : 0);
      const avg = count > 0 ? Math.fround(sum / count) : null;
      const next = {
        version: (stored.version ?? 0) + 1,
        sum,
        count,
        // Strictly above the previous version's timestamp, so publishes order by version even across clock skew.
        ts: Math.max(base.ts + 1, nowMicros()),
        boardAvgs: unique([...(avg === null ? [] : [avg]), ...base.boardAvgs]).slice(0, BOARD_MEMORY),
        boardGenres: unique([genre, ...(previousGenre ? [previousGenre] : []), ...base.boardGenres]).slice(
          0,
          GENRE_MEMORY,
        ),
      };
      const opId = crypto.randomUUID();
      let applied: boolean;
      try {
        applied = await ratings.compareAndSet({
          contentId,
          expectVersion: stored.version,
          next,
          user: user ? { userId: user.userId, previous, rating: user.rating, opId, at: new Date() } : null,
        });
      } catch (err) {
        if (!user || !isUnknownCasOutcome(err)) throw err;
        // The outcome is unknown: the round may or may not have been applied. A SERIAL read settles it (it
        // completes any accepted round first): our operation id on the row, or the row gone for a removal, means it was.
        const now = await ratings.userRating(contentId, user.userId);
        applied = user.rating === null ? now.rating === null : now.opId === opId;
        if (applied) return { previous, aggregate: await ratings.aggregate(contentId), changed: true };
      }
      if (applied) return { previous, aggregate: next, changed: true };
      if (attempt >= maxAttempts)
        throw serviceUnavailable('Too many concurrent changes to this title; retry shortly.');
      // Another writer won this round; back off a little (jittered) before re-reading.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * attempt)));
    }
  }
}
