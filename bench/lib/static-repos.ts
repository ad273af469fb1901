/**
 * Repositories that answer from memory with fixed data: the same schema and the same resolvers run on top of them,
 * so a server built on these measures the HTTP + GraphQL layer alone (P5), with no database in the way.
 */
import type { Content, Recommendation, TopPick, User, WatchEvent } from '../../src/domain/models';
import type { Repositories } from '../../src/repositories';
import { uuidFromName } from '../../src/domain/ids';

export const STATIC_USER_ID = uuidFromName('bench:static-user');

export const STATIC_USER: User = {
  id: STATIC_USER_ID,
  name: 'Static Viewer',
  email: 'static@bench.example',
  signupDate: '2024-01-01',
  preferredGenres: ['documentary', 'sci-fi'],
  preferredLanguage: 'en',
  externalId: null,
};

const titles = Array.from({ length: 50 }, (_, i) => ({
  id: uuidFromName(`bench:title:${i}`),
  title: `Static Title ${i + 1}`,
}));
const base = Date.parse('2025-05-01T12:00:00Z');
export const STATIC_EVENTS: WatchEvent[] = titles.map((t, i) => ({
  userId: STATIC_USER_ID,
  contentId: t.id,
  eventId: uuidFromName(`bench:event:${i}`),
  title: t.title,
  watchedAt: new Date(base - i * 3_600_000),
  progressPct: (i * 7) % 100,
  rating: i % 3 === 0 ? 4 : null,
}));
const contents = new Map<string, Content>(
  titles.map((t, i) => [
    t.id,
    {
      id: t.id,
      title: t.title,
      contentType: 'MOVIE',
      genre: i % 2 ? 'documentary' : 'sci-fi',
      releaseYear: 2000 + (i % 25),
      ratingAvg: 3 + (i % 20) / 10,
      ratingCount: 10 + i,
      tags: ['static'],
      externalId: null,
    },
  ]),
);
const picks = (scope: string, limit: number): TopPick[] =>
  titles.slice(0, limit).map((t, i) => ({
    scope,
    rank: i + 1,
    contentId: t.id,
    title: t.title,
    genre: contents.get(t.id)!.genre,
    contentType: 'MOVIE',
    ratingAvg: 5 - i / 20,
    ratingCount: 100 - i,
  }));

export function staticRepositories(): Repositories {
  const repos = {
    users: { getById: async (id: string) => (id.toLowerCase() === STATIC_USER_ID ? STATIC_USER : null) },
    catalog: {
      getById: async (id: string) => contents.get(id.toLowerCase()) ?? null,
      topPicks: async (scope: string, limit: number) => picks(scope, limit),
    },
    history: {
      recentlyWatched: async (_userId: string, limit: number) => ({
        items: STATIC_EVENTS.slice(0, limit),
        hasNextPage: STATIC_EVENTS.length > limit,
      }),
      continueWatching: async (userId: string, limit: number) =>
        STATIC_EVENTS.slice(0, limit).map((e) => ({
          userId,
          contentId: e.contentId,
          title: e.title,
          progressPct: 42,
          lastWatchedAt: e.watchedAt,
        })),
    },
    recommendations: {
      forYou: async (userId: string, limit: number) => ({
        items: titles.slice(0, limit).map((t, i): Recommendation => ({
          userId,
          rank: i + 1,
          contentId: t.id,
          title: t.title,
          score: 1 - i / 100,
          reason: { kind: 'TRENDING', text: 'Trending now', becauseOf: [] },
          generatedAt: new Date(base),
        })),
        hasNextPage: true,
      }),
    },
  };
  return repos as unknown as Repositories;
}
