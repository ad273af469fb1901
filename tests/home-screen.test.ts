import { contentId, LENA, YUKI } from '../src/seed/demo-data';
import { createTestApp, type TestApp } from './support/app';
import type { Loose } from './writes-support';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

interface Shelf {
  id: string;
  kind: string;
  title: string;
  items: Array<{
    title: string;
    progressPct: number | null;
    content?: { id: string; title: string; genre: string };
  }>;
}

const HOME = (userId: string, withContent: boolean) => `{
  user(id: "${userId}") {
    homeScreen(itemsPerShelf: 10) {
      shelves { id kind title genre items { title progressPct ${withContent ? 'content { id title genre }' : ''} reason { kind } } }
    }
  }
}`;

async function home(userId: string, withContent = true): Promise<Shelf[]> {
  const res = await app.gql<{ user: { homeScreen: { shelves: Shelf[] } } }>(HOME(userId, withContent));
  expect(res.errors).toBeUndefined();
  return res.data!.user.homeScreen.shelves;
}

describe('homeScreen', () => {
  it('when Lena opens the home screen, then the shelves come in display order with one row per preferred genre', async () => {
    const shelves = await home(LENA);
    expect(shelves.map((s) => [s.kind, s.title])).toEqual([
      ['CONTINUE_WATCHING', 'Continue Watching'],
      ['FOR_YOU', 'For You'],
      ['TOP_PICKS', 'Top Picks'],
      ['RECENTLY_WATCHED', 'Recently Watched'],
      ['GENRE', 'Top Documentary'],
      ['GENRE', 'Top Sci-Fi'],
    ]);
    expect(shelves[0].items.map((i) => [i.title, i.progressPct])).toEqual([
      ['The Silk Road Diaries', 35],
      ['The Last Algorithm', 60],
    ]);
  });

  it('when a preferred genre has no rated title, then its shelf is left out', async () => {
    await app.client.execute(
      'UPDATE users SET preferred_genres = preferred_genres + ? WHERE user_id = ?',
      [['western'], YUKI],
      { prepare: true },
    );
    const shelves = await home(YUKI);
    expect(shelves.find((s) => s.id === 'genre:western')).toBeUndefined();
    expect(shelves.every((s) => s.items.length > 0)).toBe(true);
  });

  it('when the home screen asks for catalog fields, then it costs one read per shelf plus one per distinct title outside the leaderboards', async () => {
    let shelves: Shelf[] = [];
    const statements = await app.countStatements(async () => {
      shelves = await home(LENA, true);
    });
    const fromLeaderboard = (s: Shelf) => s.kind === 'TOP_PICKS' || s.kind === 'GENRE';
    const looked = shelves.filter((s) => !fromLeaderboard(s)).flatMap((s) => s.items);
    const distinctTitles = new Set(looked.map((i) => i.content!.id));
    expect(looked.length - distinctTitles.size).toBeGreaterThan(0); // titles repeat across shelves, read once
    expect(shelves.filter(fromLeaderboard).length).toBeGreaterThan(1);
    expect(statements).toBe(1 /* user */ + shelves.length + distinctTitles.size);
  });

  it('when Top Picks and genre rows ask for title, genre and rating, then their leaderboard rows answer them as the catalog does', async () => {
    const q = `{ user(id: "${LENA}") { homeScreen { shelves { kind items { content { id title genre contentType ratingAvg ratingCount } } } } } }`;
    const res = await app.gql<{ user: { homeScreen: { shelves: Array<{ kind: string; items: Loose[] }> } } }>(
      q,
    );
    const fromBoards = res
      .data!.user.homeScreen.shelves.filter((s) => s.kind === 'TOP_PICKS' || s.kind === 'GENRE')
      .flatMap((s) => s.items.map((i) => i.content));
    expect(fromBoards.length).toBeGreaterThan(5);
    const ids = [...new Set(fromBoards.map((c) => c.id as string))];
    const catalog = await app.gql<{ contents: Loose[] }>(
      `{ contents(ids: ${JSON.stringify(ids)}) { id title genre contentType ratingAvg ratingCount } }`,
    );
    const byId = new Map(catalog.data!.contents.map((c) => [c.id, c]));
    for (const c of fromBoards) expect(c).toEqual(byId.get(c.id));
  });

  it('when a top pick asks for a field its leaderboard row lacks, then that title is read from the catalog, once', async () => {
    const q = (fields: string) => `{ topPicks(first: 5) { content { id ${fields} } } }`;
    let res!: Awaited<ReturnType<typeof app.gql<{ topPicks: Array<{ content: Loose }> }>>>;
    const cardOnly = await app.countStatements(async () => {
      res = await app.gql<{ topPicks: Array<{ content: Loose }> }>(q('title ratingAvg'));
    });
    expect(cardOnly).toBe(1);
    const withCatalog = await app.countStatements(async () => {
      res = await app.gql<{ topPicks: Array<{ content: Loose }> }>(q('title releaseYear tags externalId'));
    });
    const picks = res.data!.topPicks.map((p) => p.content);
    expect(withCatalog).toBe(1 + picks.length);
    const catalog = await app.gql<{ contents: Loose[] }>(
      `{ contents(ids: ${JSON.stringify(picks.map((c) => c.id))}) { id title releaseYear tags externalId } }`,
    );
    expect(picks).toEqual(catalog.data!.contents);
    expect(picks.some((c) => c.releaseYear !== null && c.tags.length > 0)).toBe(true);
  });

  it('when a leaderboard row lacks the content type (written before the column existed), then its content comes from the catalog', async () => {
    const ocean = contentId('ocean-depths');
    await app.client.execute(
      `INSERT INTO ${app.keyspace}.top_picks_by_scope (scope, rating_avg, content_id, title, genre, rating_count) VALUES (?, ?, ?, ?, ?, ?)`,
      ['noir', 4.5, ocean, 'Ocean Depths', 'noir', 2],
      { prepare: true },
    );
    let res!: Awaited<ReturnType<typeof app.gql<{ topPicks: Array<{ content: Loose }> }>>>;
    const statements = await app.countStatements(async () => {
      res = await app.gql<{ topPicks: Array<{ content: Loose }> }>(
        '{ topPicks(genre: "noir", first: 5) { content { id genre contentType } } }',
      );
    });
    expect(res.data!.topPicks).toEqual([
      { content: { id: ocean, genre: 'documentary', contentType: 'DOCUMENTARY' } },
    ]);
    expect(statements).toBe(2);
  });

  it('when the home screen asks only for copied titles, then it costs one read per shelf and no catalog read', async () => {
    let shelves: Shelf[] = [];
    const statements = await app.countStatements(async () => {
      shelves = await home(LENA, false);
    });
    expect(statements).toBe(1 + shelves.length);
  });

  it('when the same operation is issued twice, then it costs the same both times (no cache across requests)', async () => {
    const first = await app.countStatements(() => home(LENA, true));
    const second = await app.countStatements(() => home(LENA, true));
    expect(second).toBe(first);
  });

  it('when itemsPerShelf is above 50, then BAD_USER_INPUT', async () => {
    const res = await app.gql(`{ user(id: "${LENA}") { homeScreen(itemsPerShelf: 51) { shelves { id } } } }`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
