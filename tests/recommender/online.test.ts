import { modelNeighborLists, trainRecommender } from '../../src/recommender/model';
import { recommendForUser, recommendForUserOnline } from '../../src/recommender/recommend';
import { generateSynthetic } from '../../src/recommender/synthetic';
import type { InteractionRow } from '../../src/recommender/types';

function rowsByUser(rows: InteractionRow[]): Map<string, InteractionRow[]> {
  const out = new Map<string, InteractionRow[]>();
  for (const r of rows) {
    const list = out.get(r.userId);
    if (list) list.push(r);
    else out.set(r.userId, [r]);
  }
  return out;
}

describe('online refresh from persisted neighbour lists', () => {
  it('when the neighbour lists are complete, then the online list equals the batch list exactly', () => {
    const data = generateSynthetic({ users: 150, items: 60, interactionsPerUser: 12, seed: 3 });
    const model = trainRecommender(data.rows, data.items, data.users, { ease: { lambdaScale: 4 } });
    const lists = modelNeighborLists(model, data.items.length);
    const byUser = rowsByUser(data.rows);
    for (const user of data.users.slice(0, 40)) {
      const batch = recommendForUser(model, user.userId, { n: 20 });
      const online = recommendForUserOnline(
        byUser.get(user.userId) ?? [],
        lists,
        model.popularity,
        data.items,
        user,
        {
          weights: model.weights,
          n: 20,
        },
      );
      expect(online.map((r) => r.contentId)).toEqual(batch.map((r) => r.contentId));
      expect(online.map((r) => r.reason.kind)).toEqual(batch.map((r) => r.reason.kind));
    }
  });

  it('when lists are truncated to 100 neighbours on a larger catalog, then the top 10 agree with the batch on average ≥ 80%', () => {
    const data = generateSynthetic({ users: 300, items: 400, interactionsPerUser: 20, seed: 5 });
    const model = trainRecommender(data.rows, data.items, data.users, { ease: { lambdaScale: 4 } });
    const lists = modelNeighborLists(model, 100);
    const byUser = rowsByUser(data.rows);
    let overlap = 0;
    const users = data.users.slice(0, 60);
    for (const user of users) {
      const batch = new Set(recommendForUser(model, user.userId, { n: 10 }).map((r) => r.contentId));
      const online = recommendForUserOnline(
        byUser.get(user.userId) ?? [],
        lists,
        model.popularity,
        data.items,
        user,
        {
          weights: model.weights,
          n: 10,
        },
      );
      overlap += online.filter((r) => batch.has(r.contentId)).length / 10;
    }
    expect(overlap / users.length).toBeGreaterThanOrEqual(0.8);
  });

  it('when a user has no rows but preferred genres, then the online list is the genre cold start', () => {
    const data = generateSynthetic({ users: 50, items: 60, interactionsPerUser: 10, seed: 9 });
    const model = trainRecommender(data.rows, data.items, data.users, {
      weights: { collaborative: 1, content: 0, popularity: 0 },
    });
    const online = recommendForUserOnline([], modelNeighborLists(model), model.popularity, data.items, {
      userId: 'new',
      preferredGenres: ['Drama'],
    });
    const dramas = data.items.filter((i) => i.genre === 'Drama').length;
    expect(online.slice(0, dramas).every((r) => r.reason.kind === 'MATCHES_YOUR_GENRES')).toBe(true);
    expect(online[dramas]?.reason.kind).toBe('TRENDING');
  });

  it('when the user just dismissed a recommended title, then the refreshed list no longer contains it', () => {
    const data = generateSynthetic({ users: 100, items: 80, interactionsPerUser: 12, seed: 4 });
    const model = trainRecommender(data.rows, data.items, data.users, {
      weights: { collaborative: 0.7, content: 0.2, popularity: 0.1 },
    });
    const lists = modelNeighborLists(model);
    const user = data.users[0];
    const rows = rowsByUser(data.rows).get(user.userId) ?? [];
    const first = recommendForUserOnline(rows, lists, model.popularity, data.items, user, {
      weights: model.weights,
    })[0];
    const dismissed: InteractionRow = {
      userId: user.userId,
      contentId: first.contentId,
      progressPct: null,
      completed: false,
      rating: null,
      dismissed: true,
      watchCount: 0,
      lastAt: new Date(),
    };
    const after = recommendForUserOnline([...rows, dismissed], lists, model.popularity, data.items, user, {
      weights: model.weights,
    });
    expect(after.map((r) => r.contentId)).not.toContain(first.contentId);
  });
});
