import { types, type Client } from 'cassandra-driver';
import type { User } from '../domain/models';
import { dateStr, READ, setToArray, str, uuid, uuidStr } from './rows';

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
export class UsersRepository {
  constructor(private readonly client: Client) {}

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
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
