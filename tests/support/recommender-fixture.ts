import { types } from 'cassandra-driver';
import { uuidFromName } from '../../src/domain/ids';
import type { ContentType } from '../../src/domain/models';
import type { RecommendJobOptions } from '../../src/jobs/recommend';
import type { TestApp } from './app';

/**
 * A crafted dataset small enough to reason about, with the structure a recommender must find:
 *   - three genres: sci-fi S1–S6, drama D1–D6, comedy C1–C4, and SNEW, a sci-fi title nobody has touched;
 *   - eight sci-fi fans who finish five of S1–S6 each, six drama fans (five of D1–D6, some also C1), four comedy fans
 *     (C1–C4 and D5);
 *   - Ana: finished S1 and S2, is 40% into S3, rated D1 a 2 without watching it through, dismissed S4 — so S1, S2, S3,
 *     S4 and D1 must never be recommended to her, and the sci-fi fans are her similar users;
 *   - Cora: no history, prefers comedy (cold start with preferences); Nina: no history, no preferences.
 */
export const title = (key: string) => uuidFromName(`fixture:title:${key}`);
export const user = (key: string) => uuidFromName(`fixture:user:${key}`);

const GENRE_OF: Record<string, { genre: string; tags: string[]; type: ContentType }> = {
  S: { genre: 'sci-fi', tags: ['space', 'future'], type: 'MOVIE' },
  D: { genre: 'drama', tags: ['family'], type: 'SERIES' },
  C: { genre: 'comedy', tags: ['satire'], type: 'MOVIE' },
};

export const TITLE_KEYS = [
  ...['S1', 'S2', 'S3', 'S4', 'S5', 'S6'],
  ...['D1', 'D2', 'D3', 'D4', 'D5', 'D6'],
  ...['C1', 'C2', 'C3', 'C4'],
  'SNEW',
];
export const titleName = (key: string) => `Fixture ${key}`;

export const ANA = user('ana');
export const CORA = user('cora');
export const NINA = user('nina');
const SCI_FI_FANS = Array.from({ length: 8 }, (_, i) => `scifi${i + 1}`);
const DRAMA_FANS = Array.from({ length: 6 }, (_, i) => `drama${i + 1}`);
const COMEDY_FANS = Array.from({ length: 4 }, (_, i) => `comedy${i + 1}`);
export const SCI_FI_FAN_IDS = SCI_FI_FANS.map(user);
export const ALL_USER_IDS = [ANA, CORA, NINA, ...[...SCI_FI_FANS, ...DRAMA_FANS, ...COMEDY_FANS].map(user)];

/** Ana's rows: what she must never be recommended, and what she watched (the only titles a reason may cite). */
export const ANA_EXCLUDED = ['S1', 'S2', 'S3', 'S4', 'D1'].map(title);
export const ANA_WATCHED = ['S1', 'S2', 'S3', 'D1'].map(title);

interface Row {
  user: string;
  title: string;
  progressPct?: number | null;
  completed?: boolean;
  rating?: number | null;
  dismissed?: boolean;
  daysAgo?: number;
}

export const NOW = new Date('2026-03-01T12:00:00Z');

/** Writes one interactions_by_user row exactly as given (the table the job reads). */
export async function insertInteraction(app: TestApp, r: Row): Promise<void> {
  await app.client.execute(
    'INSERT INTO interactions_by_user (user_id, content_id, progress_pct, completed, rating, dismissed, last_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [
      types.Uuid.fromString(r.user),
      types.Uuid.fromString(r.title),
      r.progressPct ?? null,
      r.completed ?? false,
      r.rating ?? null,
      r.dismissed ?? false,
      new Date(NOW.getTime() - (r.daysAgo ?? 1) * 86_400_000),
    ],
    { prepare: true },
  );
}

export async function seedRecommenderFixture(app: TestApp): Promise<void> {
  for (const key of TITLE_KEYS) {
    const g = GENRE_OF[key[0]];
    await app.repos.catalog.upsert({
      id: title(key),
      title: titleName(key),
      contentType: g.type,
      genre: g.genre,
      releaseYear: 2020,
      ratingAvg: null,
      ratingCount: 0,
      tags: g.tags,
      externalId: null,
    });
  }
  const people: Array<{ key: string; genres: string[] }> = [
    { key: 'ana', genres: ['sci-fi'] },
    { key: 'cora', genres: ['comedy'] },
    { key: 'nina', genres: [] },
    ...SCI_FI_FANS.map((key) => ({ key, genres: [] })),
    ...DRAMA_FANS.map((key) => ({ key, genres: ['drama'] })),
    ...COMEDY_FANS.map((key) => ({ key, genres: [] })),
  ];
  for (const p of people) {
    await app.repos.users.create({
      id: user(p.key),
      name: `Fixture ${p.key}`,
      email: `${p.key}@fixture.example`,
      signupDate: '2025-01-01',
      preferredGenres: p.genres,
      preferredLanguage: 'en',
    });
  }
  const rows: Row[] = [];
  const finished = (u: string, key: string, daysAgo = 3) =>
    rows.push({ user: user(u), title: title(key), progressPct: 100, completed: true, daysAgo });
  SCI_FI_FANS.forEach((u, i) => {
    for (let s = 1; s <= 6; s++) if (s !== (i % 6) + 1) finished(u, `S${s}`, 2 + i);
  });
  DRAMA_FANS.forEach((u, i) => {
    for (let d = 1; d <= 6; d++) if (d !== (i % 6) + 1) finished(u, `D${d}`, 2 + i);
    if (i % 2 === 0) finished(u, 'C1');
  });
  COMEDY_FANS.forEach((u) => {
    for (let c = 1; c <= 4; c++) finished(u, `C${c}`);
    finished(u, 'D5');
  });
  finished('ana', 'S1');
  finished('ana', 'S2');
  rows.push({ user: ANA, title: title('S3'), progressPct: 40 });
  rows.push({ user: ANA, title: title('D1'), rating: 2 });
  rows.push({ user: ANA, title: title('S4'), dismissed: true });
  for (const r of rows) await insertInteraction(app, r);
}

/**
 * Options every specification passes to the job: quiet, small lists, and fixed blend weights — on 21 users the
 * validation split the job would choose the weights on is a handful of rows, so its choice is noise; the search
 * itself is specified in tests/recommender/blend.test.ts.
 */
export const quiet: RecommendJobOptions = {
  progress: false,
  log: () => undefined,
  print: () => undefined,
  listSize: 10,
  train: { weights: { collaborative: 0.7, content: 0.2, popularity: 0.1 } },
};

/** A forYou item as both engines' specifications read it through the API. */
export interface ForYouNode {
  rank: number;
  score: number;
  title: string;
  content: { id: string; genre: string } | null;
  reason: { kind: string; text: string; becauseOf: Array<{ id: string; title: string }> };
}

const FOR_YOU = `query ($id: UUID!, $first: Int) { user(id: $id) { forYou(first: $first) { edges { node {
  rank score title content { id genre } reason { kind text becauseOf { id title } } } } } } }`;

/** A user's list through the GraphQL API (as an admin). */
export async function readForYou(app: TestApp, userId: string, first = 50): Promise<ForYouNode[]> {
  const res = await app.gql<{ user: { forYou: { edges: Array<{ node: ForYouNode }> } } }>(FOR_YOU, {
    id: userId,
    first,
  });
  expect(res.errors).toBeUndefined();
  return res.data!.user.forYou.edges.map((e) => e.node);
}

/**
 * What every engine's list must satisfy: ranks 1..n, scores not increasing, fixture titles with their catalog ids,
 * a reason text, and reasons that cite only titles the user watched.
 */
export function expectServedList(list: ForYouNode[], size: number, watched: string[]): void {
  expect(list.map((r) => r.rank)).toEqual(Array.from({ length: size }, (_, i) => i + 1));
  const scores = list.map((r) => r.score);
  expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  for (const r of list) {
    expect(r.content?.id).toBeDefined();
    expect(r.title).toMatch(/^Fixture /);
    expect(r.reason.text.length).toBeGreaterThan(0);
    for (const cited of r.reason.becauseOf) expect(watched).toContain(cited.id);
  }
}
