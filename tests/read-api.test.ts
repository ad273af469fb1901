import { contentId, LENA, MARCO, YUKI } from '../src/seed/demo-data';
import { uuidFromName } from '../src/domain/ids';
import { createTestApp, type TestApp } from './support/app';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('user(id) and userByEmail', () => {
  it('when a seeded user is asked for, then the profile comes from Cassandra', async () => {
    const res = await app.gql(
      `{ user(id: "${LENA}") { id name email signupDate preferredGenres preferredLanguage } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      user: {
        id: LENA,
        name: 'Lena Fischer',
        email: 'lena@example.com',
        signupDate: '2024-01-15',
        preferredGenres: ['documentary', 'sci-fi'],
        preferredLanguage: 'en',
      },
    });
  });

  it('when the email is looked up in any letter case, then the same user is found', async () => {
    const res = await app.gql<{ userByEmail: { id: string } }>(
      '{ userByEmail(email: "Marco@Example.com") { id } }',
    );
    expect(res.data?.userByEmail.id).toBe(MARCO);
  });

  it('when the user does not exist, then the field is null with a NOT_FOUND error', async () => {
    const res = await app.gql(`{ user(id: "${UNKNOWN}") { id } }`);
    expect(res.data).toEqual({ user: null });
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(res.errors?.[0].path).toEqual(['user']);
  });

  it('when the id is malformed in a variable, then the scalar rejects it with BAD_USER_INPUT', async () => {
    const res = await app.gql('query ($id: UUID!) { user(id: $id) { id } }', { id: 'not-a-uuid' });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/UUID/);
  });

  it('when the id is malformed inline, then the scalar rejects it with BAD_USER_INPUT and no CQL runs', async () => {
    let res!: Awaited<ReturnType<TestApp['gql']>>;
    const statements = await app.countStatements(async () => {
      res = await app.gql('{ user(id: "1234") { id } }');
    });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(statements).toBe(0);
  });
});

describe('content and contents', () => {
  it('when a title is asked for, then every catalog field is returned', async () => {
    const res = await app.gql(
      `{ content(id: "${contentId('ocean-depths')}") { title contentType genre releaseYear ratingAvg ratingCount tags } }`,
    );
    expect(res.data).toEqual({
      content: {
        title: 'Ocean Depths',
        contentType: 'DOCUMENTARY',
        genre: 'documentary',
        releaseYear: 2023,
        ratingAvg: 4,
        ratingCount: 1,
        tags: ['nature', 'ocean', 'science'],
      },
    });
  });

  it('when several ids are asked for, then they come back in the order asked, with null for unknown ids', async () => {
    const ids = [contentId('laugh-track'), UNKNOWN, contentId('neon-shadows'), contentId('laugh-track')];
    const res = await app.gql<{ contents: Array<{ title: string } | null> }>(
      'query ($ids: [UUID!]!) { contents(ids: $ids) { title } }',
      { ids },
    );
    expect(res.data?.contents).toEqual([
      { title: 'Laugh Track' },
      null,
      { title: 'Neon Shadows' },
      { title: 'Laugh Track' },
    ]);
  });

  it('when the same id is asked for twice, then it is read once', async () => {
    const ids = [contentId('laugh-track'), contentId('laugh-track'), contentId('neon-shadows')];
    const statements = await app.countStatements(() =>
      app.gql('query ($ids: [UUID!]!) { contents(ids: $ids) { title } }', { ids }),
    );
    expect(statements).toBe(2);
  });

  it('when more than 100 ids are asked for, then BAD_USER_INPUT', async () => {
    const ids = Array.from({ length: 101 }, (_, i) => uuidFromName(`x${i}`));
    const res = await app.gql('query ($ids: [UUID!]!) { contents(ids: $ids) { title } }', { ids });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('shelves', () => {
  it('when Lena opens Continue Watching, then she sees the titles she started and not the ones she finished, most recent first', async () => {
    const res = await app.gql<{ user: { continueWatching: unknown[] } }>(
      `{ user(id: "${LENA}") { continueWatching { title progressPct content { genre } } } }`,
    );
    expect(res.data?.user.continueWatching).toEqual([
      { title: 'The Silk Road Diaries', progressPct: 35, content: { genre: 'documentary' } },
      { title: 'The Last Algorithm', progressPct: 60, content: { genre: 'sci-fi' } },
    ]);
  });

  it('when Continue Watching is read, then it costs exactly one partition read', async () => {
    const statements = await app.countStatements(() =>
      app.gql(`{ user(id: "${LENA}") { continueWatching { title progressPct } } }`),
    );
    expect(statements).toBe(2); // the user row + the continue-watching partition
  });

  it('when Recently Watched is read, then sessions come newest first with the copied titles', async () => {
    const res = await app.gql<{
      user: { recentlyWatched: { edges: Array<{ node: { title: string; watchedAt: string } }> } };
    }>(
      `{ user(id: "${MARCO}") { recentlyWatched(first: 3) { edges { node { title watchedAt progressPct } } pageInfo { hasNextPage } } } }`,
    );
    const nodes = res.data!.user.recentlyWatched.edges.map((e) => e.node);
    expect(nodes.map((n) => n.title)).toEqual(['Ocean Depths', 'Laugh Track', 'Midnight in Kyoto']);
    expect(nodes[0].watchedAt).toBe('2025-03-10T21:15:00.000Z');
  });

  it('when For You is read, then recommendations come in rank order with score and a structured reason', async () => {
    const res = await app.gql<{ user: { forYou: { edges: Array<{ node: Record<string, unknown> }> } } }>(
      `{ user(id: "${LENA}") { forYou { edges { node { rank score title reason { kind text becauseOf { title } } } } } } }`,
    );
    const nodes = res.data!.user.forYou.edges.map((e) => e.node);
    expect(nodes.map((n) => n.rank)).toEqual([1, 2, 3]);
    expect(nodes[0]).toEqual({
      rank: 1,
      score: expect.closeTo(0.92, 5),
      title: 'The Quantum Heist',
      reason: {
        kind: 'BECAUSE_YOU_WATCHED',
        text: 'Because you watched Stellar Drift',
        becauseOf: [{ title: 'Stellar Drift' }],
      },
    });
  });

  it('when top picks are asked for overall, then titles come in rating order', async () => {
    const res = await app.gql<{ topPicks: Array<{ rank: number; title: string; ratingAvg: number }> }>(
      '{ topPicks(first: 4) { rank title ratingAvg ratingCount } }',
    );
    const picks = res.data!.topPicks;
    expect(picks.map((p) => p.rank)).toEqual([1, 2, 3, 4]);
    const avgs = picks.map((p) => p.ratingAvg);
    expect([...avgs].sort((a, b) => b - a)).toEqual(avgs);
    expect(picks[0].ratingAvg).toBe(5);
  });

  it('when top picks are asked for in a genre, then only that genre is listed, in rating order, in one partition read', async () => {
    let res!: Awaited<ReturnType<TestApp['gql']>>;
    const statements = await app.countStatements(async () => {
      res = await app.gql('{ topPicks(genre: "documentary") { title ratingAvg } }');
    });
    expect(res.data).toEqual({
      topPicks: [
        { title: 'Wild Planet: Rainforests', ratingAvg: 5 },
        { title: 'Ocean Depths', ratingAvg: 4 },
      ],
    });
    expect(statements).toBe(1);
  });
});

describe('browse and filter (SAI)', () => {
  it('when a genre is browsed page by page, then every title of the genre comes exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<TestApp['gql']>> = await app.gql(
        'query ($after: String) { contentByGenre(genre: "documentary", first: 2, after: $after) { edges { node { title genre } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const conn = (
        res.data as {
          contentByGenre: {
            edges: Array<{ node: { title: string; genre: string } }>;
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        }
      ).contentByGenre;
      conn.edges.forEach((e) => {
        expect(e.node.genre).toBe('documentary');
        seen.push(e.node.title);
      });
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      pages += 1;
    } while (after && pages < 10);
    expect(seen.sort()).toEqual(['Ocean Depths', 'The Silk Road Diaries', 'Wild Planet: Rainforests']);
    expect(pages).toBe(2);
  });

  it('when users who like sci-fi are asked for, then exactly the users who list it are returned', async () => {
    const res = await app.gql<{ usersWhoLike: { edges: Array<{ node: { id: string } }> } }>(
      '{ usersWhoLike(genre: "sci-fi") { edges { node { id } } pageInfo { hasNextPage } } }',
    );
    expect(res.data!.usersWhoLike.edges.map((e) => e.node.id).sort()).toEqual([LENA, YUKI].sort());
  });
});

describe('pagination limits and cursors', () => {
  it('when first is above the maximum, then BAD_USER_INPUT names the limit', async () => {
    const res = await app.gql(`{ user(id: "${LENA}") { recentlyWatched(first: 101) { edges { cursor } } } }`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0].message).toMatch(/at most 100/);
  });

  it('when first is negative, then BAD_USER_INPUT', async () => {
    const res = await app.gql('{ topPicks(first: -1) { title } }');
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('when a cursor is forged, then BAD_USER_INPUT and no CQL runs for the list', async () => {
    const forged =
      Buffer.from(JSON.stringify([0, UNKNOWN])).toString('base64url') + '.AAAAAAAAAAAAAAAAAAAAAA';
    const res = await app.gql(
      'query ($a: String) { user(id: "' + LENA + '") { recentlyWatched(after: $a) { edges { cursor } } } }',
      { a: forged },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res)).not.toMatch(/SELECT|Cassandra|stack/i);
  });

  it('when a cursor from another user’s list is used, then BAD_USER_INPUT', async () => {
    const first = await app.gql<{ user: { recentlyWatched: { pageInfo: { endCursor: string } } } }>(
      `{ user(id: "${MARCO}") { recentlyWatched(first: 1) { pageInfo { endCursor } } } }`,
    );
    const foreign = first.data!.user.recentlyWatched.pageInfo.endCursor;
    const res = await app.gql(
      `query ($a: String) { user(id: "${LENA}") { recentlyWatched(after: $a) { edges { cursor } } } }`,
      { a: foreign },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('when a cursor is tampered with, then BAD_USER_INPUT', async () => {
    const first = await app.gql<{ user: { forYou: { pageInfo: { endCursor: string } } } }>(
      `{ user(id: "${LENA}") { forYou(first: 1) { pageInfo { endCursor } } } }`,
    );
    const cursor = first.data!.user.forYou.pageInfo.endCursor;
    const tampered = (cursor[0] === 'A' ? 'B' : 'A') + cursor.slice(1);
    const res = await app.gql(
      `query ($a: String) { user(id: "${LENA}") { forYou(after: $a) { edges { cursor } } } }`,
      { a: tampered },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});
