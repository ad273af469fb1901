import pLimit from 'p-limit';
import type { Content, ContentType } from '../domain/models';
import { uuidFromName } from '../domain/ids';
import { generateSynthetic } from '../recommender/synthetic';
import type { Repositories } from '../repositories';
import { createProgress, RatingTally, writeLeaderboards } from './bulk';

export interface SyntheticSeedOptions {
  users: number;
  events: number;
  titles?: number;
  seed: number;
  concurrency: number;
  /** Progress bar on stderr (off in tests). */
  progress?: boolean;
}

export interface SyntheticSeedSummary {
  users: number;
  titles: number;
  sessions: number;
  ratings: number;
  seconds: number;
  rowsPerSecond: number;
}

/** The generator's genres are display names; the API's genres are lower case (e.g. sci-fi). */
const genreKey = (g: string) => g.toLowerCase();

/**
 * Generates a realistic data set (genre affinities, taste clusters, Zipf-like popularity, partial progress, ratings)
 * and writes it through the same repository writes the API uses, with a bounded number of writes in flight.
 * Deterministic: the same options give the same ids and rows, so a re-run rewrites instead of duplicating.
 */
export async function seedSynthetic(
  repos: Repositories,
  opts: SyntheticSeedOptions,
): Promise<SyntheticSeedSummary> {
  const t0 = Date.now();
  const titles = opts.titles ?? Math.min(5000, Math.max(200, Math.round(opts.users / 30)));
  const data = generateSynthetic({
    users: opts.users,
    items: titles,
    interactionsPerUser: Math.max(1, opts.events / opts.users),
    seed: opts.seed,
  });
  const rows = data.rows.filter((r) => !r.dismissed).slice(0, opts.events);
  const limit = pLimit(opts.concurrency);
  const total = data.items.length + data.users.length + rows.length;
  const progress = createProgress(total, opts.progress ?? Boolean(process.stderr.isTTY));

  const tally = new RatingTally();
  for (const r of rows) if (r.rating !== null) tally.add(r.contentId, r.rating);
  const contents: Content[] = tally.apply(
    data.items.map((it) => ({
      id: it.contentId,
      title: it.title,
      contentType: (it.contentType ?? 'MOVIE') as ContentType,
      genre: genreKey(it.genre),
      releaseYear: it.releaseYear ?? null,
      ratingAvg: null,
      ratingCount: 0,
      tags: it.tags,
      externalId: null,
    })),
  );
  const titleOf = new Map(contents.map((c) => [c.id, c.title]));

  await Promise.all(
    contents.map((c) => limit(async () => (await repos.catalog.upsert(c), progress.tick('catalog')))),
  );
  await Promise.all(
    data.users.map((u, i) =>
      limit(async () => {
        await repos.users.create({
          id: u.userId,
          name: `Synthetic Viewer ${i + 1}`,
          email: `viewer${i + 1}.${opts.seed}@synthetic.example`,
          signupDate: '2024-01-01',
          preferredGenres: u.preferredGenres.map(genreKey),
          preferredLanguage: 'en',
        });
        progress.tick('users');
      }),
    ),
  );
  await Promise.all(
    rows.map((r) =>
      limit(async () => {
        await repos.history.recordWatch({
          userId: r.userId,
          contentId: r.contentId,
          title: titleOf.get(r.contentId)!,
          watchedAt: r.lastAt,
          progressPct: Math.round(r.progressPct ?? (r.completed ? 100 : 50)),
          rating: r.rating,
          eventId: uuidFromName(`synthetic:${r.userId}:${r.contentId}:${r.lastAt.getTime()}`),
        });
        progress.tick('sessions');
      }),
    ),
  );
  progress.stop();
  await writeLeaderboards(repos, contents);

  const seconds = (Date.now() - t0) / 1000;
  const summary: SyntheticSeedSummary = {
    users: data.users.length,
    titles: contents.length,
    sessions: rows.length,
    ratings: tally.total,
    seconds,
    rowsPerSecond: Math.round(total / seconds),
  };
  return summary;
}
