import { trainRecommender } from '../../src/recommender/model';
import { recommendAll, recommendForUser } from '../../src/recommender/recommend';
import type { BlendWeights, InteractionRow } from '../../src/recommender/types';
import { group, item, range, row } from './fixtures';

const WEIGHTS: BlendWeights = { collaborative: 0.6, content: 0.2, popularity: 0.2 };

/** 12 titles; eight other viewers co-watch everything with A, so the model would love to recommend B–E. */
function exclusionFixture(): { rows: InteractionRow[]; catalog: ReturnType<typeof item>[] } {
  const catalog = range('t', 8)
    .map((id) => item(id))
    .concat(['A', 'B', 'C', 'D'].map((id) => item(id)));
  const rows = [
    ...group(range('fan', 8), ['A', 'B', 'C', 'D', 't0', 't1']),
    row('me', 'A'), // finished
    row('me', 'B', { completed: false, progressPct: null, watchCount: 0, rating: 4 }), // rated only
    row('me', 'C', { completed: false, progressPct: null, watchCount: 0, dismissed: true }), // dismissed
    row('me', 'D', { completed: false, progressPct: 35 }), // in progress
    row('me', 't0', { completed: false, progressPct: 0, watchCount: 0 }), // only touched: still recommendable
  ];
  return { rows, catalog };
}

describe('recommendations: exclusions and fill-up', () => {
  it('when a user finished, rated, dismissed or started titles, then none of them is recommended', () => {
    const { rows, catalog } = exclusionFixture();
    const model = trainRecommender(rows, catalog, [], { weights: WEIGHTS });
    const ids = recommendForUser(model, 'me').map((r) => r.contentId);
    for (const excluded of ['A', 'B', 'C', 'D']) expect(ids).not.toContain(excluded);
  });

  it('when a title was only touched, then it can still be recommended', () => {
    const { rows, catalog } = exclusionFixture();
    const model = trainRecommender(rows, catalog, [], { weights: WEIGHTS });
    expect(recommendForUser(model, 'me').map((r) => r.contentId)).toContain('t0');
  });

  it('when the catalog allows, then every user gets a full list with ranks 1..N', () => {
    const catalog = range('t', 80).map((id) => item(id));
    const rows = [...group(range('a', 5), range('t', 6)), row('solo', 't70')];
    const model = trainRecommender(rows, catalog, [], { weights: WEIGHTS });
    for (const { recommendations } of recommendAll(model, { n: 50 })) {
      expect(recommendations).toHaveLength(50);
      expect(recommendations.map((r) => r.rank)).toEqual(range('', 50).map((_, i) => i + 1));
    }
  });

  it('when the catalog is smaller than N, then the list holds every non-excluded title once', () => {
    const { rows, catalog } = exclusionFixture();
    const model = trainRecommender(rows, catalog, [], { weights: WEIGHTS });
    const ids = recommendForUser(model, 'me', { n: 50 }).map((r) => r.contentId);
    expect(ids).toHaveLength(catalog.length - 4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('when the list is returned, then scores never increase with rank', () => {
    const { rows, catalog } = exclusionFixture();
    const model = trainRecommender(rows, catalog, [], { weights: WEIGHTS });
    const scores = recommendForUser(model, 'fan0').map((r) => r.score);
    for (let r = 1; r < scores.length; r++) expect(scores[r]).toBeLessThanOrEqual(scores[r - 1]);
  });

  it('when trained without fixed weights on a tiny dataset, then it still produces lists', () => {
    const { rows, catalog } = exclusionFixture();
    const model = trainRecommender(rows, catalog, []);
    expect(recommendForUser(model, 'me').length).toBe(catalog.length - 4);
  });
});

describe('recommendations: cold start', () => {
  const catalog = [
    item('c1', 'Comedy'),
    item('c2', 'Comedy'),
    item('d1', 'Drama'),
    item('d2', 'Drama'),
    item('h1', 'Horror'),
  ];
  // Popularity: d1 > c2 > h1 > c1 > d2
  const rows = [
    ...group(range('x', 5), ['d1']),
    ...group(range('y', 4), ['c2']),
    ...group(range('z', 3), ['h1']),
    ...group(range('w', 2), ['c1']),
  ];

  it('when a user has no history but preferred genres, then popular titles of those genres come first as MATCHES_YOUR_GENRES', () => {
    const model = trainRecommender(rows, catalog, [{ userId: 'new', preferredGenres: ['comedy'] }], {
      weights: WEIGHTS,
    });
    const recs = recommendForUser(model, 'new');
    expect(recs.slice(0, 2).map((r) => r.contentId)).toEqual(['c2', 'c1']);
    expect(
      recs
        .slice(0, 2)
        .every((r) => r.reason.kind === 'MATCHES_YOUR_GENRES' && r.reason.becauseOf.length === 0),
    ).toBe(true);
  });

  it('when the preferred genres run out, then the list continues with popular titles as TRENDING', () => {
    const model = trainRecommender(rows, catalog, [{ userId: 'new', preferredGenres: ['Comedy'] }], {
      weights: WEIGHTS,
    });
    const rest = recommendForUser(model, 'new').slice(2);
    expect(rest.map((r) => r.contentId)).toEqual(['d1', 'h1', 'd2']);
    expect(rest.every((r) => r.reason.kind === 'TRENDING')).toBe(true);
  });

  it('when nothing is known about a user, then the list is popularity order, all TRENDING', () => {
    const model = trainRecommender(rows, catalog, [], { weights: WEIGHTS });
    const recs = recommendForUser(model, 'stranger');
    expect(recs.map((r) => r.contentId)).toEqual(['d1', 'c2', 'h1', 'c1', 'd2']);
    expect(recs.every((r) => r.reason.kind === 'TRENDING')).toBe(true);
  });

  it('when a user only dismissed titles, then they get the cold-start list without the dismissed ones', () => {
    const model = trainRecommender(
      [...rows, row('grumpy', 'd1', { completed: false, progressPct: null, watchCount: 0, dismissed: true })],
      catalog,
      [],
      { weights: WEIGHTS },
    );
    const recs = recommendForUser(model, 'grumpy');
    expect(recs.map((r) => r.contentId)).toEqual(['c2', 'h1', 'c1', 'd2']);
  });
});
