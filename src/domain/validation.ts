import { badInput } from './errors';
import { CONTENT_TYPES, type ContentType } from './models';

/**
 * Argument validation for the mutations. Every check here runs before a mutation writes anything, so a rejected
 * mutation never leaves a partial write behind. Each error is BAD_USER_INPUT naming the argument.
 */

export const GENRE_RE = /^[a-z0-9][a-z0-9 &'-]{0,39}$/;
const LANGUAGE_RE = /^[a-z]{2,3}(-[a-z0-9]{2,8}){0,3}$/i;
// Letters, marks, numbers, punctuation, symbols and plain spaces: no control or format characters.
const PRINTABLE_RE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;

export const LIMITS = {
  nameMax: 100,
  emailMax: 254,
  titleMax: 200,
  genresMax: 20,
  tagsMax: 20,
  tagMax: 40,
  externalIdMax: 64,
  languageMax: 35,
  minReleaseYear: 1870,
} as const;

function text(value: string, argument: string, max: number): string {
  const v = value.trim().replace(/\s+/g, ' ');
  if (v.length === 0) throw badInput(`\`${argument}\` must not be empty.`, { argument });
  if (v.length > max)
    throw badInput(`\`${argument}\` must be at most ${max} characters, got ${v.length}.`, { argument, max });
  if (!PRINTABLE_RE.test(v))
    throw badInput(`\`${argument}\` contains characters that cannot be displayed.`, { argument });
  return v;
}

export const userName = (v: string) => text(v, 'name', LIMITS.nameMax);
export const contentTitle = (v: string, argument = 'title') => text(v, argument, LIMITS.titleMax);

export function email(v: string, argument = 'email'): string {
  const e = v.trim().toLowerCase();
  if (e.length > LIMITS.emailMax)
    throw badInput(`\`${argument}\` must be at most ${LIMITS.emailMax} characters.`, { argument });
  return e;
}

export function genre(v: string, argument = 'genre'): string {
  const g = v.trim().toLowerCase();
  if (!GENRE_RE.test(g)) {
    throw badInput(
      `\`${argument}\` must be 1–40 characters of letters, digits, spaces, &, ' or -, e.g. "sci-fi"; got ${JSON.stringify(v)}.`,
      {
        argument,
      },
    );
  }
  return g;
}

export function genres(values: readonly string[] | null | undefined, argument: string): string[] {
  const list = [...new Set((values ?? []).map((g) => genre(g, argument)))];
  if (list.length > LIMITS.genresMax)
    throw badInput(`\`${argument}\` may hold at most ${LIMITS.genresMax} genres.`, { argument });
  return list;
}

export function language(v: string, argument = 'preferredLanguage'): string {
  const l = v.trim();
  if (l.length > LIMITS.languageMax || !LANGUAGE_RE.test(l)) {
    throw badInput(
      `\`${argument}\` must be a BCP-47 language tag such as en, it or pt-BR; got ${JSON.stringify(v)}.`,
      { argument },
    );
  }
  return l;
}

export function tags(values: readonly string[] | null | undefined): string[] {
  const list = [...new Set((values ?? []).map((t) => t.trim().toLowerCase()))];
  if (list.length > LIMITS.tagsMax)
    throw badInput(`\`tags\` may hold at most ${LIMITS.tagsMax} tags.`, { argument: 'tags' });
  for (const t of list) {
    if (t.length === 0 || t.length > LIMITS.tagMax || !PRINTABLE_RE.test(t)) {
      throw badInput(
        `every tag must be 1–${LIMITS.tagMax} displayable characters; got ${JSON.stringify(t)}.`,
        { argument: 'tags' },
      );
    }
  }
  return list.sort();
}

export function externalId(v: string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const id = v.trim();
  if (id.length === 0 || id.length > LIMITS.externalIdMax || !/^[\w.:-]+$/.test(id)) {
    throw badInput(
      `\`externalId\` must be 1–${LIMITS.externalIdMax} characters of letters, digits, _ . : or -.`,
      { argument: 'externalId' },
    );
  }
  return id;
}

export function contentType(v: string): ContentType {
  if (!(CONTENT_TYPES as readonly string[]).includes(v))
    throw badInput(`\`contentType\` must be one of ${CONTENT_TYPES.join(', ')}.`, {
      argument: 'contentType',
    });
  return v as ContentType;
}

export function releaseYear(v: number | null | undefined, now = new Date()): number | null {
  if (v === null || v === undefined) return null;
  const max = now.getUTCFullYear() + 5;
  if (!Number.isInteger(v) || v < LIMITS.minReleaseYear || v > max) {
    throw badInput(`\`releaseYear\` must be a year from ${LIMITS.minReleaseYear} to ${max}, got ${v}.`, {
      argument: 'releaseYear',
    });
  }
  return v;
}

export function progressPct(v: number, argument = 'progressPct'): number {
  if (!Number.isInteger(v) || v < 0 || v > 100) {
    throw badInput(`\`${argument}\` must be a whole number from 0 to 100, got ${v}.`, {
      argument,
      min: 0,
      max: 100,
    });
  }
  return v;
}

export function rating(v: number, argument = 'rating'): number {
  if (!Number.isInteger(v) || v < 1 || v > 5) {
    throw badInput(`\`${argument}\` must be a whole number from 1 to 5, got ${v}.`, {
      argument,
      min: 1,
      max: 5,
    });
  }
  return v;
}

/** The oldest session time accepted (the service did not exist before). */
const OLDEST_SESSION = Date.UTC(2000, 0, 1);

/**
 * A session time: a valid instant, not before 2000 and never in the future. The future is refused rather than clamped:
 * a session's time is its identity (clustering key, write timestamp), and the rename protocol relies on every
 * session having happened before the server read the title it copies.
 */
export function watchedAt(v: Date | string, now = Date.now()): Date {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime()))
    throw badInput('`watchedAt` must be an ISO-8601 instant.', { argument: 'watchedAt' });
  if (d.getTime() > now) {
    throw badInput(`\`watchedAt\` must not be in the future (server time ${new Date(now).toISOString()}).`, {
      argument: 'watchedAt',
    });
  }
  if (d.getTime() < OLDEST_SESSION)
    throw badInput('`watchedAt` must not be before 2000-01-01.', { argument: 'watchedAt' });
  return d;
}
