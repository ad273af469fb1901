import type { Content } from '../domain/models';
import { uuidFromName } from '../domain/ids';
import { leaderboardsFrom } from '../domain/leaderboards';
import type { Repositories } from '../repositories';
import { contentId, DEMO_RECOMMENDATIONS, DEMO_SESSIONS, DEMO_TITLES, DEMO_USERS, LENA } from './demo-data';

export interface SeedSummary {
  users: number;
  titles: number;
  sessions: number;
  recommendations: number;
}

/** Whether the demo data is there (the demo user Lena exists): `npm start` seeds a keyspace only when it is not. */
export async function demoSeeded(repos: Repositories): Promise<boolean> {
  return (await repos.users.getById(LENA)) !== null;
}

/**
 * Loads the demo through the same repository writes the API uses, so every copy (history titles, continue-watching,
 * reverse index, interactions, leaderboards) is consistent by construction. Idempotent: ids and timestamps are
 * deterministic, so a second run rewrites the same rows.
 */
export async function seedDemo(repos: Repositories): Promise<SeedSummary> {
  const ratings = new Map<string, number[]>();
  for (const s of DEMO_SESSIONS) {
    if (s.rating !== null) ratings.set(s.slug, [...(ratings.get(s.slug) ?? []), s.rating]);
  }
  const titles = new Map<string, Content>();
  for (const t of DEMO_TITLES) {
    const rs = ratings.get(t.slug) ?? [];
    const content: Content = {
      id: contentId(t.slug),
      title: t.title,
      contentType: t.contentType,
      genre: t.genre,
      releaseYear: t.releaseYear,
      ratingAvg: rs.length ? rs.reduce((a, b) => a + b, 0) / rs.length : null,
      ratingCount: rs.length,
      tags: t.tags,
      externalId: null,
    };
    titles.set(t.slug, content);
    await repos.catalog.upsert(content);
  }

  for (const u of DEMO_USERS) {
    const created = await repos.users.create({ ...u, externalId: null });
    if (!created) throw new Error(`demo e-mail ${u.email} already belongs to another user in this keyspace`);
  }

  for (const s of DEMO_SESSIONS) {
    const c = titles.get(s.slug)!;
    const watchedAt = new Date(s.watchedAt);
    await repos.history.recordWatch({
      userId: s.userId,
      contentId: c.id,
      title: c.title,
      watchedAt,
      progressPct: s.progressPct,
      rating: s.rating,
      eventId: uuidFromName(`event:${s.userId}:${c.id}:${watchedAt.toISOString()}`),
    });
  }

  const seededAt = new Date('2025-03-11T00:00:00Z');
  for (const [scope, rows] of leaderboardsFrom([...titles.values()])) {
    await repos.catalog.replaceLeaderboard(scope, rows, seededAt);
  }

  for (const u of DEMO_USERS) {
    const recs = DEMO_RECOMMENDATIONS.filter((r) => r.userId === u.id).map((r) => ({
      contentId: contentId(r.slug),
      title: titles.get(r.slug)!.title,
      score: r.score,
      reason: { kind: r.kind, text: r.text, becauseOf: r.becauseOf.map(contentId) },
    }));
    await repos.recommendations.replaceList(u.id, recs, seededAt);
  }

  return {
    users: DEMO_USERS.length,
    titles: DEMO_TITLES.length,
    sessions: DEMO_SESSIONS.length,
    recommendations: DEMO_RECOMMENDATIONS.length,
  };
}
