import { interactionWeight } from '../../src/recommender/dataset';
import { trainRecommender, type TrainedRecommender } from '../../src/recommender/model';
import { componentScoresFor, recommendForUser } from '../../src/recommender/recommend';
import type {
  BlendWeights,
  InteractionRow,
  ItemMeta,
  Recommendation,
  UserMeta,
} from '../../src/recommender/types';
import { group, item, range, row } from './fixtures';

/**
 * Two taste groups (sci-fi fans and drama fans) plus comedies nobody co-watches; the user watched two sci-fi
 * titles, one drama, dismissed one drama, and declares Comedy as a preferred genre.
 */
function fixture(): { rows: InteractionRow[]; catalog: ItemMeta[]; me: UserMeta; myRows: InteractionRow[] } {
  const catalog = [
    ...range('s', 6).map((id) => item(id, 'Sci-Fi', ['space'])),
    ...range('d', 6).map((id) => item(id, 'Drama', ['period'])),
    ...range('c', 4).map((id) => item(id, 'Comedy', ['satire'])),
  ];
  const myRows = [
    row('me', 's0', { rating: 5 }),
    row('me', 's1'),
    row('me', 'd0', { completed: false, progressPct: 60 }),
    row('me', 'd1', { completed: false, progressPct: null, watchCount: 0, dismissed: true }),
  ];
  const rows = [
    ...group(range('sf', 6), ['s0', 's1', 's2', 's3', 's4']),
    ...group(range('sg', 3), ['s0', 's5']),
    ...group(range('dr', 6), ['d0', 'd1', 'd2', 'd3']),
    ...group(range('dx', 2), ['d0', 'd4']),
    ...group(range('cm', 2), ['c0']),
    ...myRows,
  ];
  return { rows, catalog, me: { userId: 'me', preferredGenres: ['Comedy'] }, myRows };
}

function recommend(weights: BlendWeights): {
  model: TrainedRecommender;
  recs: Recommendation[];
  f: ReturnType<typeof fixture>;
} {
  const f = fixture();
  const model = trainRecommender(f.rows, f.catalog, [f.me], { weights, kind: 'ease', ease: { lambda: 1 } });
  return { model, recs: recommendForUser(model, 'me', { n: 20 }), f };
}

const MIXED: BlendWeights = { collaborative: 0.5, content: 0.3, popularity: 0.2 };

describe('reasons are true', () => {
  it('when a collaborative reason cites titles, then each one is a title the user really watched (positive weight)', () => {
    const { recs, f } = recommend(MIXED);
    const watched = new Set(f.myRows.filter((r) => interactionWeight(r) > 0).map((r) => r.contentId));
    const collaborative = recs.filter(
      (r) => r.reason.kind === 'BECAUSE_YOU_WATCHED' || r.reason.kind === 'SIMILAR_TASTE',
    );
    expect(collaborative.length).toBeGreaterThan(0);
    for (const r of collaborative) {
      expect(r.reason.becauseOf.length).toBeGreaterThan(0);
      for (const id of r.reason.becauseOf) expect(watched).toContain(id);
    }
  });

  it('when a cited title is removed from the history, then the collaborative score of the recommended title drops', () => {
    const { model, recs, f } = recommend(MIXED);
    let checked = 0;
    for (const r of recs.filter(
      (x) => x.reason.kind === 'BECAUSE_YOU_WATCHED' || x.reason.kind === 'SIMILAR_TASTE',
    )) {
      const before = componentScoresFor(model, f.myRows, f.me, r.contentId).collaborative;
      for (const cited of r.reason.becauseOf) {
        const without = f.myRows.filter((x) => x.contentId !== cited);
        expect(componentScoresFor(model, without, f.me, r.contentId).collaborative).toBeLessThan(before);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('when the only viewers of s5 are s0 fans, then s5 is recommended "Because you watched Title s0"', () => {
    const { recs } = recommend(MIXED);
    expect(recs.find((r) => r.contentId === 's5')?.reason).toEqual({
      kind: 'BECAUSE_YOU_WATCHED',
      text: 'Because you watched Title s0',
      becauseOf: ['s0'],
    });
  });

  it('when the user dismissed d1, then titles co-watched with d1 get a lower collaborative score', () => {
    const { model, f } = recommend(MIXED);
    const withDismissal = componentScoresFor(model, f.myRows, f.me, 'd2').collaborative;
    const without = componentScoresFor(
      model,
      f.myRows.filter((r) => r.contentId !== 'd1'),
      f.me,
      'd2',
    ).collaborative;
    expect(withDismissal).toBeLessThan(without);
  });

  it('when a genre reason cites titles, then they are liked titles of that genre and removing one lowers the content score', () => {
    const { model, recs, f } = recommend({ collaborative: 0, content: 1, popularity: 0 });
    const genreOf = new Map(f.catalog.map((c) => [c.contentId, c.genre]));
    const genreReasons = recs.filter((r) => r.reason.kind === 'MATCHES_YOUR_GENRES');
    expect(genreReasons.length).toBeGreaterThan(0);
    let checked = 0;
    for (const r of genreReasons) {
      const before = componentScoresFor(model, f.myRows, f.me, r.contentId).content;
      for (const cited of r.reason.becauseOf) {
        expect(genreOf.get(cited)).toBe(genreOf.get(r.contentId));
        const without = f.myRows.filter((x) => x.contentId !== cited);
        expect(componentScoresFor(model, without, f.me, r.contentId).content).toBeLessThan(before);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('when the content component dominates a comedy, then the reason names the preferred genre', () => {
    const { recs } = recommend({ collaborative: 0, content: 1, popularity: 0 });
    const comedy = recs.find((r) => r.contentId === 'c1');
    expect(comedy?.reason).toEqual({
      kind: 'MATCHES_YOUR_GENRES',
      text: 'Matches your interest in Comedy',
      becauseOf: [],
    });
  });

  it('when only popularity is weighted, then every reason is TRENDING or POPULAR_IN_GENRE', () => {
    const { recs } = recommend({ collaborative: 0, content: 0, popularity: 1 });
    expect(new Set(recs.map((r) => r.reason.kind))).toEqual(new Set(['TRENDING', 'POPULAR_IN_GENRE']));
  });

  it('when a reason is POPULAR_IN_GENRE, then its genre is one the user likes and its citations are from that genre', () => {
    const { recs, f } = recommend({ collaborative: 0, content: 0, popularity: 1 });
    const genreOf = new Map(f.catalog.map((c) => [c.contentId, c.genre]));
    for (const r of recs.filter((x) => x.reason.kind === 'POPULAR_IN_GENRE')) {
      expect(['Sci-Fi', 'Comedy']).toContain(genreOf.get(r.contentId));
      for (const cited of r.reason.becauseOf) expect(genreOf.get(cited)).toBe(genreOf.get(r.contentId));
    }
  });

  it('when the collaborative component dominates every item, then only collaborative kinds appear for items it scored', () => {
    const { model, recs, f } = recommend({ collaborative: 1, content: 0, popularity: 0 });
    for (const r of recs) {
      const collab = componentScoresFor(model, f.myRows, f.me, r.contentId).collaborative;
      if (collab > 0) expect(['BECAUSE_YOU_WATCHED', 'SIMILAR_TASTE']).toContain(r.reason.kind);
      else expect(['TRENDING', 'POPULAR_IN_GENRE']).toContain(r.reason.kind);
    }
  });
});
