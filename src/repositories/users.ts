import { types } from 'cassandra-driver';
import type { User } from '../domain/models';
import { micros } from './history';
import { dateStr, IDEMPOTENT_WRITE, READ, setToArray, str, uuid, uuidStr } from './rows';
import { Repository } from './repository';

const COLUMNS = 'user_id, name, email, signup_date, preferred_genres, preferred_language, external_id';

function toUser(r: types.Row): User {
  return {
    id: uuidStr(r.user_id),
    name: str(r.name),
    email: str(r.email),
    signupDate: dateStr(r.signup_date),
    preferredGenres: setToArray(r.preferred_genres),
    preferredLanguage: r.preferred_language ?? null,
    externalId: r.external_id ?? null,
  };
}

export interface NewUser {
  id: string;
  name: string;
  email: string;
  signupDate: string | null;
  preferredGenres: string[];
  preferredLanguage: string | null;
  externalId?: string | null;
}

/** The `users` family: users, users_by_email, users_by_external_id. */
export class UsersRepository extends Repository {
  async getById(id: string): Promise<User | null> {
    const rs = await this.client.execute(`SELECT ${COLUMNS} FROM users WHERE user_id = ?`, [uuid(id)], READ);
    const row = rs.first();
    return row ? toUser(row) : null;
  }

  async idByEmail(email: string): Promise<string | null> {
    const rs = await this.client.execute(
      'SELECT user_id FROM users_by_email WHERE email = ?',
      [normalizeEmail(email)],
      READ,
    );
    const row = rs.first();
    return row ? uuidStr(row.user_id) : null;
  }

  async idByExternalId(externalId: string): Promise<string | null> {
    const rs = await this.client.execute(
      'SELECT user_id FROM users_by_external_id WHERE external_id = ?',
      [externalId],
      READ,
    );
    const row = rs.first();
    return row ? uuidStr(row.user_id) : null;
  }

  /**
   * Users whose preferred genres contain `genre` (SAI on the set), in token order. Seeks with `token(user_id) > ?`
   * so the cursor is a plain token and `limit` rows plus one tell whether a next page exists.
   */
  async byPreferredGenre(
    genre: string,
    limit: number,
    afterToken: string | null,
  ): Promise<{ users: User[]; tokens: string[]; hasNextPage: boolean }> {
    const rs = afterToken
      ? await this.client.execute(
          `SELECT ${COLUMNS}, token(user_id) AS t FROM users WHERE preferred_genres CONTAINS ? AND token(user_id) > ? LIMIT ?`,
          [genre, types.Long.fromString(afterToken), limit + 1],
          READ,
        )
      : await this.client.execute(
          `SELECT ${COLUMNS}, token(user_id) AS t FROM users WHERE preferred_genres CONTAINS ? LIMIT ?`,
          [genre, limit + 1],
          READ,
        );
    const rows = rs.rows.slice(0, limit);
    return {
      users: rows.map(toUser),
      tokens: rows.map((r) => String(r.t)),
      hasNextPage: rs.rows.length > limit,
    };
  }

  /**
   * Claims the email with a lightweight transaction, then writes the profile and the external-id lookup.
   * Returns false (and writes nothing else) when the email belongs to someone else already.
   */
  async create(user: NewUser): Promise<boolean> {
    const email = normalizeEmail(user.email);
    const claim = await this.client.execute(
      'INSERT INTO users_by_email (email, user_id) VALUES (?, ?) IF NOT EXISTS',
      [email, uuid(user.id)],
      { prepare: true },
    );
    if (!claim.wasApplied()) {
      const owner = claim.first()?.user_id;
      if (!owner || uuidStr(owner) !== user.id) return false;
    }
    const queries = [
      {
        query: `INSERT INTO users (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        params: [
          uuid(user.id),
          user.name,
          email,
          user.signupDate ? types.LocalDate.fromString(user.signupDate) : null,
          user.preferredGenres,
          user.preferredLanguage,
          user.externalId ?? null,
        ],
      },
    ];
    if (user.externalId) {
      queries.push({
        query: 'INSERT INTO users_by_external_id (external_id, user_id) VALUES (?, ?)',
        params: [user.externalId, uuid(user.id)],
      });
    }
    // The profile and its lookup copies are one logical change: one logged batch, one timestamp.
    await this.client.batch(queries, { prepare: true, logged: true });
    return true;
  }

  // ---- writes used by the mutations (src/services/*). Every statement binds its full partition key. ----

  /**
   * Claims an e-mail for a user: `INSERT ... IF NOT EXISTS` on the lookup row (Paxos on that one partition), so two
   * sign-ups with the same address can never both win. A row already held by the same user counts as applied
   * (a retry after a timeout must not report the user's own claim as taken).
   */
  async claimEmail(email: string, userId: string): Promise<EmailClaim> {
    const rs = await this.client.execute(
      'INSERT INTO users_by_email (email, user_id) VALUES (?, ?) IF NOT EXISTS',
      [normalizeEmail(email), uuid(userId)],
      LWT,
    );
    if (rs.wasApplied()) return { applied: true, ownerId: userId };
    const owner = rs.first()?.user_id;
    const ownerId = owner ? uuidStr(owner) : null;
    return { applied: ownerId === userId, ownerId };
  }

  /**
   * Releases a claim only if it still belongs to this user (`DELETE ... IF user_id = ?`): an address released once
   * may have been claimed by someone else since, and an unconditional delete would steal it.
   */
  async releaseEmail(email: string, userId: string): Promise<void> {
    await this.client.execute(
      'DELETE FROM users_by_email WHERE email = ? IF user_id = ?',
      [normalizeEmail(email), uuid(userId)],
      LWT,
    );
  }

  /** Writes a new profile and its external-id lookup: two partitions of one logical change, one logged batch. */
  async insertProfile(user: NewUser): Promise<void> {
    const queries = [
      {
        query: `INSERT INTO users (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        params: [
          uuid(user.id),
          user.name,
          normalizeEmail(user.email),
          user.signupDate ? types.LocalDate.fromString(user.signupDate) : null,
          user.preferredGenres,
          user.preferredLanguage,
          user.externalId ?? null,
        ] as unknown[],
      },
    ];
    if (user.externalId) {
      queries.push({
        query: 'INSERT INTO users_by_external_id (external_id, user_id) VALUES (?, ?)',
        params: [user.externalId, uuid(user.id)],
      });
    }
    await this.client.batch(queries, { prepare: true, logged: queries.length > 1, isIdempotent: true });
  }

  /**
   * Set add/remove and the language in one single-partition batch with one timestamp: the set operations are
   * element-level cells, so concurrent updates of other genres are never lost (no read-modify-write). A batch on
   * one partition is atomic and isolated by itself; the batch log would add nothing, so it is unlogged.
   */
  async updatePreferences(userId: string, changes: ProfileChanges, at: Date): Promise<void> {
    const user = uuid(userId);
    const queries: Array<{ query: string; params: unknown[] }> = [];
    if (changes.addGenres.length) {
      queries.push({
        query: 'UPDATE users SET preferred_genres = preferred_genres + ? WHERE user_id = ?',
        params: [changes.addGenres, user],
      });
    }
    if (changes.removeGenres.length) {
      queries.push({
        query: 'UPDATE users SET preferred_genres = preferred_genres - ? WHERE user_id = ?',
        params: [changes.removeGenres, user],
      });
    }
    if (changes.preferredLanguage !== undefined) {
      queries.push({
        query: 'UPDATE users SET preferred_language = ? WHERE user_id = ?',
        params: [changes.preferredLanguage, user],
      });
    }
    if (queries.length === 0) return;
    await this.client.batch(queries, {
      prepare: true,
      logged: false,
      timestamp: micros(at),
      isIdempotent: true,
    });
  }

  /** The e-mail claims this user may still hold besides the current address. */
  async emailClaims(userId: string): Promise<string[]> {
    const rs = await this.client.execute(
      'SELECT email_claims FROM users WHERE user_id = ?',
      [uuid(userId)],
      READ,
    );
    return setToArray(rs.first()?.email_claims);
  }

  /** Records claims before they are made (so a failure can never leave an unknown claim behind). */
  async addEmailClaims(userId: string, emails: string[]): Promise<void> {
    await this.client.execute(
      'UPDATE users SET email_claims = email_claims + ? WHERE user_id = ?',
      [emails, uuid(userId)],
      IDEMPOTENT_WRITE,
    );
  }

  async removeEmailClaims(userId: string, emails: string[]): Promise<void> {
    await this.client.execute(
      'UPDATE users SET email_claims = email_claims - ? WHERE user_id = ?',
      [emails, uuid(userId)],
      IDEMPOTENT_WRITE,
    );
  }

  /**
   * Points the profile at its new address, only if it still has the old one (`IF email = ?`: of two concurrent
   * changes exactly one moves), and records the old address as a claim still to release — in the same statement, so
   * at no instant does the profile forget an address it may still hold. Returns whether it applied.
   */
  async moveEmail(userId: string, newEmail: string, oldEmail: string): Promise<boolean> {
    const rs = await this.client.execute(
      'UPDATE users SET email = ?, email_claims = email_claims + ? WHERE user_id = ? IF email = ?',
      [newEmail, [oldEmail], uuid(userId), oldEmail],
      LWT,
    );
    return rs.wasApplied();
  }

  /** Deletes the profile row (erasure, or the clean-up of a write that raced an erasure). */
  async deleteProfile(userId: string, at: Date): Promise<void> {
    await this.client.execute('DELETE FROM users WHERE user_id = ?', [uuid(userId)], {
      ...IDEMPOTENT_WRITE,
      timestamp: micros(at),
    });
  }

  /** Deletes an external-id lookup only if it points at this user (a read, then the delete of that exact row). */
  async deleteExternalIdOf(externalId: string, userId: string, at: Date): Promise<void> {
    const rs = await this.client.execute(
      'SELECT user_id FROM users_by_external_id WHERE external_id = ?',
      [externalId],
      READ,
    );
    const owner = rs.first()?.user_id;
    if (owner && uuidStr(owner) === userId) {
      await this.client.execute('DELETE FROM users_by_external_id WHERE external_id = ?', [externalId], {
        ...IDEMPOTENT_WRITE,
        timestamp: micros(at),
      });
    }
  }
}

/** The outcome of claiming an e-mail address: whether this user holds it now, and who does. */
export interface EmailClaim {
  applied: boolean;
  ownerId: string | null;
}

/** Write options of a lightweight transaction: never retried blindly by the driver (a retry could see its own win). */
const LWT = { prepare: true, isIdempotent: false } as const;

export interface ProfileChanges {
  addGenres: string[];
  removeGenres: string[];
  /** undefined: leave as is; null: clear. */
  preferredLanguage?: string | null;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
