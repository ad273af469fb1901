import { types } from 'cassandra-driver';
import { historyShard } from '../domain/ids';
import { IDEMPOTENT_WRITE, READ, setToArray, uuid, uuidStr } from './rows';
import { Repository } from './repository';

/**
 * Erasure of a user (deleteUser). Where each table's rows of a user are found, in the order they are deleted:
 *
 *   ratings_by_content          via interactions_by_user (each rated title)  → conditional batch (RatingsRepository)
 *   history_by_content          via watch_history (each watched title)       → one range delete per title
 *   watch_events_by_id          via watch_history.event_id                    → row deletes
 *   recommendations_by_content  via recommendations ∪ interactions ∪ history → row deletes
 *   similar_users (others')     via similar_users_by_other                   → row deletes (if still about the user)
 *   similar_users_by_other      via similar_users (own list) and its own partition
 *   watch_history, continue_watching, interactions_by_user, recommendations, similar_users → partition deletes
 *   users_by_email              user_erasures.email + email_claims           → conditional deletes (UsersRepository)
 *   users_by_external_id, users → row deletes
 *   user_erasures               the job itself, last
 *
 * Derived rows go before the rows they are found through, so an erasure that stops half-way can always be resumed.
 */
export const ERASED_TABLES = [
  'users',
  'users_by_email',
  'users_by_external_id',
  'watch_history',
  'continue_watching',
  'history_by_content',
  'interactions_by_user',
  'ratings_by_content',
  'recommendations',
  'recommendations_by_content',
  'similar_users',
  'similar_users_by_other',
  'watch_events_by_id',
  'user_erasures',
] as const;

export interface ErasureJob {
  userId: string;
  email: string | null;
  emailClaims: string[];
  externalId: string | null;
  startedAt: Date;
}

/** Statements per logged batch when deleting many rows of many partitions (keeps batches far below the size limit). */
const BATCH_CHUNK = 40;

export class ErasureRepository extends Repository {
  async job(userId: string): Promise<ErasureJob | null> {
    const rs = await this.client.execute(
      'SELECT email, email_claims, external_id, started_at FROM user_erasures WHERE user_id = ?',
      [uuid(userId)],
      READ,
    );
    const r = rs.first();
    if (!r) return null;
    return {
      userId,
      email: r.email ?? null,
      emailClaims: setToArray(r.email_claims),
      externalId: r.external_id ?? null,
      startedAt: r.started_at as Date,
    };
  }

  /** Records the erasure before the first deletion, with what the profile row knows and later steps need. */
  async start(job: ErasureJob): Promise<void> {
    await this.client.execute(
      'INSERT INTO user_erasures (user_id, email, email_claims, external_id, started_at) VALUES (?, ?, ?, ?, ?)',
      [uuid(job.userId), job.email, job.emailClaims, job.externalId, job.startedAt],
      IDEMPOTENT_WRITE,
    );
  }

  async finish(userId: string, at: number): Promise<void> {
    await this.client.execute('DELETE FROM user_erasures WHERE user_id = ?', [uuid(userId)], {
      ...IDEMPOTENT_WRITE,
      timestamp: types.Long.fromNumber(at),
    });
  }

  /**
   * Deletes the reverse-index and lookup rows that point at a user from partitions keyed by something else
   * (content, event, other user). Each is a full-key delete; they are spread over many partitions, so they go in
   * logged batches of bounded size (each batch all-or-nothing; the erasure as a whole is resumable, not atomic).
   */
  async deleteDerived(
    userId: string,
    d: { watchedTitles: string[]; eventIds: string[]; listedTitles: string[]; ownSimilar: string[] },
    at: number,
  ): Promise<number> {
    const user = uuid(userId);
    const shard = historyShard(userId);
    const queries: Array<{ query: string; params: unknown[] }> = [
      ...d.watchedTitles.map((c) => ({
        // A range delete on the clustering prefix: every session of this user in the title's shard partition.
        query: 'DELETE FROM history_by_content WHERE content_id = ? AND shard = ? AND user_id = ?',
        params: [uuid(c), shard, user] as unknown[],
      })),
      ...d.eventIds.map((e) => ({
        query: 'DELETE FROM watch_events_by_id WHERE event_id = ?',
        params: [uuid(e)] as unknown[],
      })),
      ...d.listedTitles.map((c) => ({
        query: 'DELETE FROM recommendations_by_content WHERE content_id = ? AND user_id = ?',
        params: [uuid(c), user] as unknown[],
      })),
      ...d.ownSimilar.map((o) => ({
        query: 'DELETE FROM similar_users_by_other WHERE other_user_id = ? AND user_id = ?',
        params: [uuid(o), user] as unknown[],
      })),
    ];
    for (let i = 0; i < queries.length; i += BATCH_CHUNK) {
      await this.client.batch(queries.slice(i, i + BATCH_CHUNK), {
        prepare: true,
        logged: true,
        timestamp: types.Long.fromNumber(at),
        isIdempotent: true,
      });
    }
    return queries.length;
  }

  /** Removes a user from another user's similar-user list, if the row at that rank still names them. */
  async deleteMention(ownerId: string, rank: number, userId: string, at: number): Promise<void> {
    const rs = await this.client.execute(
      'SELECT other_user_id FROM similar_users WHERE user_id = ? AND rank = ?',
      [uuid(ownerId), rank],
      READ,
    );
    const row = rs.first();
    if (row && uuidStr(row.other_user_id) === userId) {
      await this.client.execute(
        'DELETE FROM similar_users WHERE user_id = ? AND rank = ?',
        [uuid(ownerId), rank],
        {
          ...IDEMPOTENT_WRITE,
          timestamp: types.Long.fromNumber(at),
        },
      );
    }
  }

  /**
   * Deletes every partition keyed by the user: one partition tombstone each (cheap, and they shadow every row the
   * user ever had there), in one logged batch so the user's own data goes all at once. The profile row is deleted
   * separately and earlier: its absence is what concurrent writers check for.
   */
  async deleteUserPartitions(userId: string, at: number): Promise<void> {
    const user = uuid(userId);
    const tables = [
      'watch_history',
      'continue_watching',
      'interactions_by_user',
      'recommendations',
      'similar_users',
      'similar_users_by_other',
    ];
    await this.client.batch(
      tables.map((t) => ({
        query:
          t === 'similar_users_by_other'
            ? 'DELETE FROM similar_users_by_other WHERE other_user_id = ?'
            : `DELETE FROM ${t} WHERE user_id = ?`,
        params: [user],
      })),
      { prepare: true, logged: true, timestamp: types.Long.fromNumber(at), isIdempotent: true },
    );
  }
}
