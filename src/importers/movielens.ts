import fs from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import type { Content } from '../domain/models';
import { uuidFromName } from '../domain/ids';
import type { Repositories } from '../repositories';
import { createProgress, RatingTally, writeLeaderboards } from '../seed/bulk';

/**
 * MovieLens-100K format (https://grouplens.org/datasets/movielens/100k/), the files the importer reads:
 *   u.data  user id \t item id \t rating \t unix time      (required)
 *   u.item  item id | title | release date | video release | IMDb URL | 19 genre flags   (required, Latin-1)
 *   u.genre genre | index                                     (optional; the standard 19 genres otherwise)
 *   u.user  user id | age | gender | occupation | zip        (optional; users are created from u.data otherwise)
 */
export const ML_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];

export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}

export const movieLensUserId = (id: string) => uuidFromName(`movielens:user:${id}`);
export const movieLensContentId = (id: string) => uuidFromName(`movielens:item:${id}`);

export interface MovieLensRating {
  user: string;
  item: string;
  rating: number;
  at: Date;
}

export interface MovieLensData {
  items: Content[];
  users: Array<{ externalId: string; preferredGenres: string[] }>;
  ratings: MovieLensRating[];
}

function lines(file: string, encoding: BufferEncoding): string[] {
  return fs
    .readFileSync(file, encoding)
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
}

const genreKey = (g: string) => g.toLowerCase().replace(/'/g, '');

/** Parses a MovieLens-100K directory; every malformed line is reported with its file and line number. */
export function readMovieLens(dir: string): MovieLensData {
  const file = (name: string) => path.join(dir, name);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new ImportError(`${dir} is not a directory`);
  for (const required of ['u.data', 'u.item']) {
    if (!fs.existsSync(file(required)))
      throw new ImportError(
        `${file(required)} is missing (a MovieLens-100K directory has u.data and u.item)`,
      );
  }
  const genres = fs.existsSync(file('u.genre'))
    ? lines(file('u.genre'), 'latin1').map((l, i) => {
        const [name, index] = l.split('|');
        if (name === undefined || Number(index) !== i)
          throw new ImportError(`${file('u.genre')}:${i + 1}: expected "genre|${i}"`);
        return name;
      })
    : ML_GENRES;

  const items: Content[] = lines(file('u.item'), 'latin1').map((l, i) => {
    const f = l.split('|');
    if (f.length < 5 + genres.length || !/^\d+$/.test(f[0])) {
      throw new ImportError(
        `${file('u.item')}:${i + 1}: expected "id|title|release date|video release|url|${genres.length} genre flags"`,
      );
    }
    const flagged = genres.filter((_, g) => f[5 + g] === '1').filter((g) => g !== 'unknown');
    const year = /(\d{4})$/.exec(f[2] ?? '')?.[1] ?? /\((\d{4})\)\s*$/.exec(f[1])?.[1];
    const primary = flagged.find((g) => g !== 'Documentary') ?? flagged[0] ?? 'unknown';
    return {
      id: movieLensContentId(f[0]),
      title: f[1].replace(/\s*\(\d{4}\)\s*$/, '').trim() || `MovieLens item ${f[0]}`,
      contentType: flagged.includes('Documentary') ? 'DOCUMENTARY' : 'MOVIE',
      genre: genreKey(flagged.includes('Documentary') ? 'Documentary' : primary),
      releaseYear: year ? Number(year) : null,
      ratingAvg: null,
      ratingCount: 0,
      tags: flagged.map(genreKey),
      externalId: f[0],
    };
  });
  const known = new Set(items.map((c) => c.externalId));

  const ratings: MovieLensRating[] = lines(file('u.data'), 'utf8').map((l, i) => {
    const [user, item, rating, ts] = l.split('\t');
    const r = Number(rating);
    if (
      !/^\d+$/.test(user ?? '') ||
      !/^\d+$/.test(item ?? '') ||
      !(r >= 1 && r <= 5) ||
      !/^\d+$/.test(ts ?? '')
    ) {
      throw new ImportError(
        `${file('u.data')}:${i + 1}: expected "user<TAB>item<TAB>rating 1-5<TAB>unix time"`,
      );
    }
    if (!known.has(item)) throw new ImportError(`${file('u.data')}:${i + 1}: item ${item} is not in u.item`);
    return { user, item, rating: Math.round(r), at: new Date(Number(ts) * 1000) };
  });

  const userIds = fs.existsSync(file('u.user'))
    ? lines(file('u.user'), 'latin1').map((l, i) => {
        const id = l.split('|')[0];
        if (!/^\d+$/.test(id))
          throw new ImportError(`${file('u.user')}:${i + 1}: expected "id|age|gender|occupation|zip"`);
        return id;
      })
    : [...new Set(ratings.map((r) => r.user))];
  const users = [...new Set([...userIds, ...ratings.map((r) => r.user)])].map((externalId) => ({
    externalId,
    preferredGenres: [],
  }));
  return { items, users, ratings };
}

export interface ImportSummary {
  titles: number;
  users: number;
  sessions: number;
  seconds: number;
}

/**
 * Imports a MovieLens directory through the repositories: titles (original ids kept as externalId), users, and
 * every rating as a finished viewing session with that rating at its original time. Ids are name-based UUIDs of
 * the original ids, and every write is an upsert, so importing twice changes nothing.
 */
export async function importMovieLens(
  repos: Repositories,
  dir: string,
  opts: { concurrency?: number; progress?: boolean } = {},
): Promise<ImportSummary> {
  const t0 = Date.now();
  const data = readMovieLens(dir);
  const limit = pLimit(opts.concurrency ?? 64);
  const progress = createProgress(
    data.items.length + data.users.length + data.ratings.length,
    opts.progress ?? false,
  );
  const tally = new RatingTally();
  for (const r of data.ratings) tally.add(movieLensContentId(r.item), r.rating);
  const contents = tally.apply(data.items);
  const titleOf = new Map(contents.map((c) => [c.id, c.title]));

  await Promise.all(
    contents.map((c) => limit(async () => (await repos.catalog.upsert(c), progress.tick('titles')))),
  );
  await Promise.all(
    data.users.map((u) =>
      limit(async () => {
        const ok = await repos.users.create({
          id: movieLensUserId(u.externalId),
          name: `MovieLens user ${u.externalId}`,
          email: `movielens-${u.externalId}@movielens.example`,
          signupDate: null,
          preferredGenres: u.preferredGenres,
          preferredLanguage: null,
          externalId: u.externalId,
        });
        if (!ok)
          throw new ImportError(`e-mail movielens-${u.externalId}@movielens.example belongs to another user`);
        progress.tick('users');
      }),
    ),
  );
  await Promise.all(
    data.ratings.map((r) =>
      limit(async () => {
        const contentId = movieLensContentId(r.item);
        const userId = movieLensUserId(r.user);
        await repos.history.recordWatch({
          userId,
          contentId,
          title: titleOf.get(contentId)!,
          watchedAt: r.at,
          progressPct: 100,
          rating: r.rating,
          eventId: uuidFromName(`movielens:event:${r.user}:${r.item}:${r.at.getTime()}`),
        });
        progress.tick('ratings');
      }),
    ),
  );
  progress.stop();
  await writeLeaderboards(repos, contents);
  return {
    titles: contents.length,
    users: data.users.length,
    sessions: data.ratings.length,
    seconds: (Date.now() - t0) / 1000,
  };
}
