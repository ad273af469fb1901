import crypto from 'node:crypto';
import type { Config } from '../config';
import { badInput, notFound } from '../domain/errors';
import { uuidFromName } from '../domain/ids';
import type { Content, ContentType, ContinueWatchingEntry, User, WatchEvent } from '../domain/models';
import * as v from '../domain/validation';
import type { Repositories } from '../repositories';
import { nowMicros } from './clock';
import { EraseService, isLiveUser, type StrayWrite } from './erase';
import { KeyedMutex } from './keyed-mutex';
import { sharedInstance } from '../repositories/repository';
import { RatingService } from './ratings';
import { RenameService, type RenameOptions } from './rename';

/** Test seams: `step` runs at named points of the multi-step writes (a test makes it throw to simulate a failure). */
export interface WriteHooks {
  step?: (name: string) => void | Promise<void>;
  rename?: RenameOptions;
}

export interface CreateUserArgs {
  name: string;
  email: string;
  preferredGenres?: readonly string[] | null;
  preferredLanguage?: string | null;
  signupDate?: string | null;
}

export interface UpsertContentArgs {
  id?: string | null;
  title: string;
  contentType: string;
  genre: string;
  releaseYear?: number | null;
  tags?: readonly string[] | null;
  externalId?: string | null;
}

export interface PreferencesArgs {
  addGenres?: readonly string[] | null;
  removeGenres?: readonly string[] | null;
  /** undefined: unchanged; null: cleared. */
  preferredLanguage?: string | null;
}

const emailTaken = (email: string) =>
  badInput(`The e-mail address ${email} already belongs to another account.`, {
    argument: 'email',
    detail: 'EMAIL_TAKEN',
  });
const noUser = (id: string) => notFound(`No user has the id ${id}.`, { argument: 'userId' });
const noContent = (id: string) => notFound(`No title has the id ${id}.`, { argument: 'contentId' });

/**
 * The write paths behind the mutations. Each validates everything first (arguments, then that the user and the
 * title exist) and only then writes, so a rejected mutation writes nothing. Each returns plain domain objects read
 * back after the write. The CQL lives in the repositories; this layer decides order, batching and recovery.
 */
export class WriteServices {
  readonly ratings: RatingService;
  readonly renames: RenameService;
  readonly erasure: EraseService;
  private readonly emailMutex: KeyedMutex;
  private readonly finishedPct: number;

  constructor(
    private readonly repos: Repositories,
    config: Pick<Config, 'continueWatchingFinishedPct'>,
    private readonly hooks: WriteHooks = {},
    locks: WriteLocks = newWriteLocks(),
  ) {
    this.finishedPct = config.continueWatchingFinishedPct;
    this.emailMutex = locks.email;
    this.ratings = new RatingService(repos, { mutex: locks.rating });
    this.renames = new RenameService(repos, this.ratings, hooks.rename);
    this.erasure = new EraseService(repos, this.ratings, (name) => this.step(name));
  }

  private async step(name: string): Promise<void> {
    await this.hooks.step?.(name);
  }

  // ---------------------------------------------------------------- users

  /**
   * Claims the e-mail first (LWT on users_by_email); only the winner writes the profile. A taken address is
   * BAD_USER_INPUT with detail EMAIL_TAKEN and nothing else is written. If the profile write fails after the claim,
   * the claim is released again.
   */
  async createUser(args: CreateUserArgs): Promise<User> {
    const name = v.userName(args.name);
    const email = v.email(args.email);
    const preferredGenres = v.genres(args.preferredGenres, 'preferredGenres');
    const preferredLanguage = args.preferredLanguage == null ? null : v.language(args.preferredLanguage);
    const signupDate = args.signupDate ?? new Date().toISOString().slice(0, 10);
    const id = crypto.randomUUID();
    const claim = await this.repos.users.claimEmail(email, id);
    if (!claim.applied) throw emailTaken(email);
    try {
      await this.step('createUser:afterClaim');
      await this.repos.users.insertProfile({
        id,
        name,
        email,
        signupDate,
        preferredGenres,
        preferredLanguage,
        externalId: null,
      });
    } catch (err) {
      await this.repos.users.releaseEmail(email, id).catch(() => undefined);
      throw err;
    }
    return (await this.repos.users.getById(id))!;
  }

  /** Set add/remove on preferred_genres (element cells, no read-modify-write) and the language, in one batch. */
  async updatePreferences(userId: string, args: PreferencesArgs): Promise<User> {
    const addGenres = v.genres(args.addGenres, 'addGenres');
    const removeGenres = v.genres(args.removeGenres, 'removeGenres');
    const both = addGenres.filter((g) => removeGenres.includes(g));
    if (both.length)
      throw badInput(`A genre cannot be both added and removed: ${both.join(', ')}.`, {
        argument: 'removeGenres',
      });
    const preferredLanguage =
      args.preferredLanguage === undefined
        ? undefined
        : args.preferredLanguage === null
          ? null
          : v.language(args.preferredLanguage);
    if (!isLiveUser(await this.repos.users.getById(userId))) throw noUser(userId);
    await this.repos.users.updatePreferences(
      userId,
      { addGenres, removeGenres, preferredLanguage },
      new Date(),
    );
    return this.liveUserAfterWrite(userId, {});
  }

  /**
   * Claim the new address (LWT), move the profile to it (LWT on the profile, `IF email = old`), release the old one
   * (conditional delete). Every address the user may hold is recorded in users.email_claims before it is claimed and
   * removed only after it is released, so at every step the account is reachable by its current address and no
   * claim is unknown: a failure before the move releases the new claim again; a failure after it leaves the old
   * claim recorded, and the next changeEmail (or deleteUser) releases it.
   */
  async changeEmail(userId: string, rawEmail: string): Promise<{ user: User; previousEmail: string }> {
    const email = v.email(rawEmail);
    // One change at a time per user in this process; across processes the conditional move decides.
    return this.emailMutex.run(userId, async () => {
      const user = await this.repos.users.getById(userId);
      if (!isLiveUser(user)) throw noUser(userId);
      const owner = await this.repos.users.idByEmail(email);
      if (owner && owner !== userId) throw emailTaken(email);
      await this.releaseLeftoverClaims(userId, user.email);
      if (email === user.email) return { user, previousEmail: user.email };

      const old = user.email;
      let moved = false;
      try {
        await this.repos.users.addEmailClaims(userId, [email]);
        await this.step('changeEmail:afterRecord');
        const claim = await this.repos.users.claimEmail(email, userId);
        if (!claim.applied) throw emailTaken(email);
        await this.step('changeEmail:afterClaim');
        moved = await this.repos.users.moveEmail(userId, email, old);
        if (!moved)
          throw badInput('The e-mail address was changed concurrently; read the user again and retry.', {
            argument: 'email',
            detail: 'CONFLICT',
          });
        await this.step('changeEmail:afterMove');
      } catch (err) {
        if (!moved) {
          // Undo the claim (only if it is ours) and forget it; if this fails too, email_claims still records it.
          try {
            await this.step('changeEmail:compensate');
            await this.repos.users.releaseEmail(email, userId);
            await this.repos.users.removeEmailClaims(userId, [email]);
          } catch {
            /* recorded in email_claims: released by the next changeEmail or deleteUser */
          }
        }
        throw err;
      }
      await this.repos.users.releaseEmail(old, userId);
      await this.repos.users.removeEmailClaims(userId, [old, email]);
      return { user: await this.liveUserAfterWrite(userId, { email }), previousEmail: old };
    });
  }

  /** Releases claims left behind by an earlier failed change (every recorded claim except the current address). */
  private async releaseLeftoverClaims(userId: string, current: string): Promise<void> {
    const claims = await this.repos.users.emailClaims(userId);
    for (const c of claims) if (c !== current) await this.repos.users.releaseEmail(c, userId);
    if (claims.length) await this.repos.users.removeEmailClaims(userId, claims);
  }

  // ---------------------------------------------------------------- catalog

  /**
   * Creates a title, or updates one: catalog fields in one logged batch with the external-id lookup; a changed
   * title goes through the rename job (every copy); a changed genre or type re-publishes the leaderboard rows (they
   * copy genre and type, and the genre decides the scope partition).
   */
  async upsertContent(
    args: UpsertContentArgs,
  ): Promise<{ content: Content; created: boolean; rowsUpdated: number }> {
    const fields = {
      title: v.contentTitle(args.title),
      contentType: v.contentType(args.contentType) as ContentType,
      genre: v.genre(args.genre),
      releaseYear: v.releaseYear(args.releaseYear),
      tags: v.tags(args.tags),
      externalId: v.externalId(args.externalId),
    };
    const id = args.id ?? crypto.randomUUID();
    const existing = args.id ? await this.repos.catalog.getById(id) : null;
    if (fields.externalId) {
      const owner = await this.repos.catalog.idByExternalId(fields.externalId);
      if (owner && owner !== id)
        throw badInput(`The external id ${fields.externalId} belongs to another title.`, {
          argument: 'externalId',
          detail: 'EXTERNAL_ID_TAKEN',
        });
    }
    await this.repos.catalog.writeCatalogFields(
      { id, ...fields },
      { withTitle: !existing, previousExternalId: existing?.externalId ?? null, at: new Date() },
    );
    let rowsUpdated = 0;
    if (existing && (existing.genre !== fields.genre || existing.contentType !== fields.contentType)) {
      // Leaderboard rows copy genre and type, and the genre decides their scope partition: a new aggregate version
      // re-publishes them (and deletes the rows of the old genre's scope).
      rowsUpdated += await this.ratings.republish(id, fields.genre, existing.genre);
    }
    if (existing && existing.title !== fields.title)
      rowsUpdated += (await this.renames.rename(id, fields.title)).rowsUpdated;
    return { content: (await this.repos.catalog.getById(id))!, created: !existing, rowsUpdated };
  }

  async renameContent(
    id: string,
    rawTitle: string,
  ): Promise<{ content: Content; rowsUpdated: number; resumed: boolean }> {
    const title = v.contentTitle(rawTitle);
    if (!(await this.repos.catalog.getById(id)))
      throw notFound(`No title has the id ${id}.`, { argument: 'id' });
    const result = await this.renames.rename(id, title);
    return {
      content: (await this.repos.catalog.getById(id))!,
      rowsUpdated: result.rowsUpdated,
      resumed: result.resumed,
    };
  }

  // ---------------------------------------------------------------- viewing

  /**
   * One viewing session: history row (title copied from the catalog now), reverse index, continue-watching and the
   * interaction log in one logged batch whose client timestamp is the session time (HistoryRepository.recordWatch).
   * A retry is harmless: the same user+content+time is the same row, and a client event id is claimed once
   * (LWT), so a retry with that id re-applies the original session. After the write the catalog title is read
   * again; if a rename landed meanwhile, the session rewrites its own copy (see RenameService for why this closes
   * the race).
   */
  async recordWatch(a: {
    userId: string;
    contentId: string;
    progressPct: number;
    watchedAt: Date | string;
    eventId?: string | null;
  }): Promise<{ event: WatchEvent; user: User }> {
    const progressPct = v.progressPct(a.progressPct);
    let watchedAt = v.watchedAt(a.watchedAt);
    const [user, content] = await Promise.all([
      this.repos.users.getById(a.userId),
      this.repos.catalog.titleVersion(a.contentId),
    ]);
    if (!isLiveUser(user)) throw noUser(a.userId);
    if (!content) throw noContent(a.contentId);
    let eventId = a.eventId ?? uuidFromName(`event:${a.userId}:${a.contentId}:${watchedAt.toISOString()}`);
    if (a.eventId) {
      const claim = await this.repos.history.claimEvent(a.eventId, a.userId, a.contentId, watchedAt);
      if (!claim.applied) {
        if (claim.userId !== a.userId || claim.contentId !== a.contentId) {
          throw badInput(`The event id ${a.eventId} was already recorded for another session.`, {
            argument: 'eventId',
            detail: 'EVENT_ID_TAKEN',
          });
        }
        watchedAt = claim.watchedAt; // a retry: re-apply the original session, never a second one
      }
      eventId = a.eventId;
    }
    const title = await this.writeSession(
      { userId: a.userId, contentId: a.contentId, progressPct, watchedAt, eventId },
      content.title,
    );
    return {
      event: {
        userId: a.userId,
        contentId: a.contentId,
        eventId,
        title,
        watchedAt,
        progressPct,
        rating: null,
      },
      user: await this.liveUserAfterWrite(a.userId, { contentId: a.contentId, eventId }),
    };
  }

  /** Writes the session batch, then re-checks the title (rename race); returns the title the copies now carry. */
  private async writeSession(
    s: { userId: string; contentId: string; progressPct: number; watchedAt: Date; eventId: string },
    title: string,
  ): Promise<string> {
    await this.step('recordWatch:beforeWrite');
    await this.repos.history.recordWatch({ ...s, title, rating: null });
    await this.step('recordWatch:afterWrite');
    return this.recheckTitle(s.userId, s.contentId, s.watchedAt, s.progressPct, title, 0);
  }

  /**
   * After a write that copied `title` (at a timestamp up to `writtenTs` µs), reads the catalog title again; if a
   * rename landed meanwhile, rewrites this session's copies (history row and, while unfinished, the entry) with a
   * later timestamp. Returns the title the copies now carry. See RenameService for why this closes the race.
   */
  private async recheckTitle(
    userId: string,
    contentId: string,
    sessionAt: Date,
    progressPct: number,
    title: string,
    writtenTs: number,
  ): Promise<string> {
    // Taken before the re-read: a rename we do not see yet takes its copy timestamp after its catalog write.
    const fixTs = Math.max(nowMicros(), writtenTs + 1);
    const now = await this.repos.catalog.titleVersion(contentId);
    if (!now || now.title === title) return title;
    const entry =
      progressPct < this.finishedPct ? await this.repos.history.continueWatchingRow(userId, contentId) : null;
    await this.repos.history.rewriteSessionTitle({
      userId,
      contentId,
      watchedAt: sessionAt,
      title: now.title,
      ts: fixTs,
      continueWatching: entry !== null && entry.progressPct !== null,
    });
    return now.title;
  }

  /**
   * "Marco resumes Ocean Depths at 78%": moves the progress of the session continue-watching points at (its
   * history row, the entry, the interaction log; one logged batch). Reaching the finished threshold removes the
   * entry. With nothing in progress, it starts a new session now.
   */
  async updateProgress(
    userId: string,
    contentId: string,
    rawPct: number,
  ): Promise<{
    user: User;
    content: Content;
    progressPct: number;
    finished: boolean;
    entry: ContinueWatchingEntry | null;
  }> {
    const progressPct = v.progressPct(rawPct);
    const [user, content] = await Promise.all([
      this.repos.users.getById(userId),
      this.repos.catalog.getById(contentId),
    ]);
    if (!isLiveUser(user)) throw noUser(userId);
    if (!content) throw noContent(contentId);
    const row = await this.repos.history.continueWatchingRow(userId, contentId);
    await this.step('updateProgress:afterRead');
    const finished = progressPct >= this.finishedPct;
    let entry: ContinueWatchingEntry | null = null;
    if (row && row.progressPct !== null && row.lastWatchedAt) {
      // Later than the session's own write (its timestamp is the session time), so this progress wins over it.
      const at = new Date(Math.max(Date.now(), row.lastWatchedAt.getTime() + 1));
      await this.repos.history.updateProgress({
        userId,
        contentId,
        sessionAt: row.lastWatchedAt,
        progressPct,
        title: content.title,
        at,
      });
      const title = await this.recheckTitle(
        userId,
        contentId,
        row.lastWatchedAt,
        progressPct,
        content.title,
        at.getTime() * 1000,
      );
      if (!finished) entry = { userId, contentId, title, progressPct, lastWatchedAt: row.lastWatchedAt };
      await this.liveUserAfterWrite(userId, { contentId });
    } else {
      const watchedAt = new Date();
      const eventId = uuidFromName(`event:${userId}:${contentId}:${watchedAt.toISOString()}`);
      const title = await this.writeSession(
        { userId, contentId, progressPct, watchedAt, eventId },
        content.title,
      );
      if (!finished) entry = { userId, contentId, title, progressPct, lastWatchedAt: watchedAt };
      await this.liveUserAfterWrite(userId, { contentId, eventId });
    }
    return { user, content, progressPct, finished, entry };
  }

  // ---------------------------------------------------------------- ratings

  /**
   * Sets the user's rating (1–5; a re-rating replaces the previous one) through the per-title compare-and-set
   * (RatingService), then publishes the exact mean to the title and its leaderboards. The interaction log is written
   * first: it is how an erasure finds the user's ratings, so a rating can never exist that an erasure cannot find.
   */
  async rateContent(
    userId: string,
    contentId: string,
    rawRating: number,
  ): Promise<{ user: User; content: Content; rating: number; previousRating: number | null }> {
    const rating = v.rating(rawRating);
    const [user, content] = await Promise.all([
      this.repos.users.getById(userId),
      this.repos.catalog.getById(contentId),
    ]);
    if (!isLiveUser(user)) throw noUser(userId);
    if (!content) throw noContent(contentId);
    await this.repos.history.recordRating(userId, contentId, rating, new Date());
    const outcome = await this.ratings.change(contentId, content.genre, userId, rating);
    // Publishing again when nothing changed heals a publish that failed on an earlier attempt (it is idempotent).
    await this.ratings.publish(contentId, outcome.aggregate);
    await this.step('rateContent:afterRating');
    const after = await this.liveUserAfterWrite(userId, { contentId, rated: true });
    return {
      user: after,
      content: (await this.repos.catalog.getById(contentId))!,
      rating,
      previousRating: outcome.previous,
    };
  }

  // ---------------------------------------------------------------- recommendations

  /**
   * Deletes the title's rows from the user's list partition (gone from forYou at once), its reverse-index row, and
   * records the dismissal in the interaction log, which the recommender excludes for good — one logged batch.
   */
  async dismissRecommendation(
    userId: string,
    contentId: string,
  ): Promise<{ user: User; content: Content; removedFromList: boolean }> {
    const [user, content] = await Promise.all([
      this.repos.users.getById(userId),
      this.repos.catalog.getById(contentId),
    ]);
    if (!isLiveUser(user)) throw noUser(userId);
    if (!content) throw noContent(contentId);
    const rows = (await this.repos.recommendations.entries(userId)).filter((e) => e.contentId === contentId);
    // Later than the rows it deletes, even if the list was written with a timestamp ahead of this clock.
    const at = Math.max(nowMicros(), ...rows.map((r) => r.writtenAt + 1));
    await this.repos.recommendations.dismiss(
      userId,
      contentId,
      rows.map((r) => r.rank),
      at,
    );
    return {
      user: await this.liveUserAfterWrite(userId, { contentId }),
      content,
      removedFromList: rows.length > 0,
    };
  }

  // ---------------------------------------------------------------- erasure

  async deleteUser(userId: string): Promise<{ userId: string; ratingsRemoved: number }> {
    const result = await this.erasure.deleteUser(userId);
    if (!result) throw noUser(userId);
    return { userId, ratingsRemoved: result.ratingsRemoved };
  }

  /**
   * The post-write check every user write makes: the profile is read again after the write. If the user was erased
   * while the write was in flight, the write's leftovers are swept and the mutation reports NOT_FOUND.
   */
  private async liveUserAfterWrite(userId: string, stray: StrayWrite): Promise<User> {
    const user = await this.repos.users.getById(userId);
    if (isLiveUser(user)) return user;
    await this.erasure.sweep(userId, stray);
    throw noUser(userId);
  }
}

/** The per-key mutexes every request of a process must share: one e-mail change per user, one rating CAS per title. */
export interface WriteLocks {
  email: KeyedMutex;
  rating: KeyedMutex;
}

export const newWriteLocks = (): WriteLocks => ({ email: new KeyedMutex(), rating: new KeyedMutex() });

/** One set of locks per process-wide repositories (per process / per test app). */
const sharedLocks = new WeakMap<object, WriteLocks>();

/**
 * The write services over a request's repositories (so its statements are counted into its scope), with the locks
 * shared by every request over the same process-wide repositories.
 */
export function writeServicesFor(
  repos: Repositories,
  config: Pick<Config, 'continueWatchingFinishedPct'>,
): WriteServices {
  const key = sharedInstance(repos.users);
  let locks = sharedLocks.get(key);
  if (!locks) {
    locks = newWriteLocks();
    sharedLocks.set(key, locks);
  }
  return new WriteServices(repos, config, {}, locks);
}
