import crypto from 'node:crypto';
import { errors as driverErrors } from 'cassandra-driver';
import { createRepositories } from '../src/repositories';
import { contentId, LENA, MARCO, YUKI } from '../src/seed/demo-data';
import { WriteServices } from '../src/services/writes';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/app';
import type { Loose } from './writes-support';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

type Res = GraphQLResponse<Record<string, Loose>>;
const gql = (q: string, v?: Record<string, unknown>) => app.gql<Record<string, Loose>>(q, v) as Promise<Res>;
const RATE = `mutation ($u: UUID!, $c: UUID!, $r: Int!) { rateContent(userId: $u, contentId: $c, rating: $r) {
  rating previousRating content { ratingAvg ratingCount } } }`;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

async function contentRating(id: string): Promise<{ ratingAvg: number | null; ratingCount: number }> {
  return (await gql(`{ content(id: "${id}") { ratingAvg ratingCount } }`)).data!.content;
}

/** The per-user ratings as stored (the truth the aggregate must equal) and the stored aggregate. */
async function storedRatings(id: string) {
  const rs = await app.client.execute(
    `SELECT user_id, rating, agg_sum, agg_count FROM ${app.keyspace}.ratings_by_content WHERE content_id = ?`,
    [id],
    {
      prepare: true,
      fetchSize: 10000,
    },
  );
  const byUser = new Map(
    rs.rows.filter((r) => r.rating !== null).map((r) => [String(r.user_id), Number(r.rating)]),
  );
  const values = [...byUser.values()];
  return {
    byUser,
    sum: values.reduce((a, b) => a + b, 0),
    count: values.length,
    aggSum: Number(rs.first()?.agg_sum),
    aggCount: Number(rs.first()?.agg_count),
  };
}

async function topPicksOf(genre: string | null) {
  const res = await gql(
    `query ($g: String) { topPicks(genre: $g, first: 100) { content { id } title ratingAvg ratingCount } }`,
    { g: genre },
  );
  return res.data!.topPicks as Array<{
    content: { id: string };
    title: string;
    ratingAvg: number;
    ratingCount: number;
  }>;
}

async function makeUsers(n: number, prefix: string): Promise<string[]> {
  const ids = Array.from({ length: n }, () => crypto.randomUUID());
  await Promise.all(
    ids.map((id, i) =>
      app.repos.users.create({
        id,
        name: `${prefix} ${i}`,
        email: `${prefix}-${i}@example.com`,
        signupDate: null,
        preferredGenres: [],
        preferredLanguage: null,
      }),
    ),
  );
  return ids;
}

describe('rateContent', () => {
  const NEON = contentId('neon-shadows');

  it('when Lena rates Neon Shadows 5, then its average and count include her rating (read back through the API)', async () => {
    expect(await contentRating(NEON)).toEqual({ ratingAvg: 4, ratingCount: 1 });
    const res = await gql(RATE, { u: LENA, c: NEON, r: 5 });
    expect(res.errors).toBeUndefined();
    expect(res.data!.rateContent).toEqual({
      rating: 5,
      previousRating: null,
      content: { ratingAvg: 4.5, ratingCount: 2 },
    });
    expect(await contentRating(NEON)).toEqual({ ratingAvg: 4.5, ratingCount: 2 });
  });

  it('when Lena rates it again, then her new rating replaces the old one (the count stays)', async () => {
    const res = await gql(RATE, { u: LENA, c: NEON, r: 2 });
    expect(res.data!.rateContent).toEqual({
      rating: 2,
      previousRating: 5,
      content: { ratingAvg: 3, ratingCount: 2 },
    });
    const stored = await storedRatings(NEON);
    expect(stored.byUser.get(LENA)).toBe(2);
    expect([stored.aggSum, stored.aggCount]).toEqual([6, 2]);
  });

  it('when the rating is outside 1–5, then BAD_USER_INPUT and no rating or interaction is written', async () => {
    for (const r of [0, 6, -3]) {
      const res = await gql(RATE, { u: YUKI, c: contentId('laugh-track'), r });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'rating' });
    }
    expect((await storedRatings(contentId('laugh-track'))).byUser.has(YUKI)).toBe(false);
    const log = await app.client.execute(
      `SELECT rating FROM ${app.keyspace}.interactions_by_user WHERE user_id = ? AND content_id = ?`,
      [YUKI, contentId('laugh-track')],
      { prepare: true },
    );
    expect(log.first()?.rating ?? null).toBeNull();
  });

  it('when the user or the title does not exist, then NOT_FOUND and nothing is written', async () => {
    expect((await gql(RATE, { u: UNKNOWN, c: NEON, r: 3 })).errors![0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      argument: 'userId',
    });
    expect((await gql(RATE, { u: LENA, c: UNKNOWN, r: 3 })).errors![0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      argument: 'contentId',
    });
    expect((await storedRatings(NEON)).byUser.has(UNKNOWN)).toBe(false);
    expect((await storedRatings(UNKNOWN)).count).toBe(0);
  });
});

describe('leaderboards follow the average', () => {
  const OCEAN = contentId('ocean-depths');
  const WILD = contentId('wild-planet-rainforests');

  it('when ratings move Ocean Depths above Wild Planet, then both leaderboards reorder, each title listed once', async () => {
    expect((await topPicksOf('documentary')).map((p) => p.title)).toEqual([
      'Wild Planet: Rainforests',
      'Ocean Depths',
    ]);
    await gql(RATE, { u: YUKI, c: OCEAN, r: 5 });
    await gql(RATE, { u: MARCO, c: OCEAN, r: 5 });
    await gql(RATE, { u: MARCO, c: WILD, r: 1 });
    const board = await topPicksOf('documentary');
    expect(board.map((p) => [p.title, p.ratingCount])).toEqual([
      ['Ocean Depths', 3],
      ['Wild Planet: Rainforests', 2],
    ]);
    expect(board[0].ratingAvg).toBeCloseTo(14 / 3, 5);
    expect(board[1].ratingAvg).toBe(3);
    const all = await topPicksOf(null);
    expect(all.filter((p) => p.content.id === OCEAN)).toHaveLength(1);
    expect(all.filter((p) => p.content.id === WILD)).toEqual([
      expect.objectContaining({ ratingAvg: 3, ratingCount: 2 }),
    ]);
  });

  it('when a publish never happened (crash after the compare-and-set), then the next rating leaves no stale leaderboard row', async () => {
    const svc = new WriteServices(app.repos, app.config);
    const laugh = contentId('laugh-track');
    // The aggregate moves (4 → 3) but its publish is skipped, as if the process died in between.
    await svc.ratings.change(laugh, 'comedy', LENA, 2);
    expect((await topPicksOf('comedy')).map((p) => p.ratingAvg)).toEqual([4]);
    await gql(RATE, { u: YUKI, c: laugh, r: 5 });
    const board = await topPicksOf('comedy');
    expect(board).toEqual([
      expect.objectContaining({ title: 'Laugh Track', ratingAvg: Math.fround(11 / 3), ratingCount: 3 }),
    ]);
    expect((await topPicksOf(null)).filter((p) => p.content.id === laugh)).toHaveLength(1);
  });
});

describe('exactness under concurrency', () => {
  it('when 50 viewers rate concurrently and 15 of them change their rating at the same time, then the average equals the recomputation', async () => {
    const title = contentId('spirit-blade-chronicles'); // seeded: one rating (Yuki, 5)
    const users = await makeUsers(50, 'rater');
    const first = users.map((u, i) => ({ u, r: (i % 5) + 1 }));
    const changes = users.slice(0, 15).map((u, i) => ({ u, r: ((i + 2) % 5) + 1 }));
    const results = await Promise.all(
      [...first, ...changes].map(({ u, r }) => gql(RATE, { u, c: title, r })),
    );
    expect(results.filter((res) => res.errors)).toEqual([]);

    const stored = await storedRatings(title);
    expect(stored.count).toBe(51);
    // Each changer ends with one of the two values it sent (whichever was applied last), never a mix or a loss.
    changes.forEach(({ u, r }, i) => expect([first[i].r, r]).toContain(stored.byUser.get(u)));
    expect([stored.aggSum, stored.aggCount]).toEqual([stored.sum, stored.count]);
    expect(await contentRating(title)).toEqual({
      ratingAvg: Math.fround(stored.sum / stored.count),
      ratingCount: 51,
    });
    const board = (await topPicksOf('anime')).filter((p) => p.content.id === title);
    expect(board).toEqual([
      expect.objectContaining({ ratingAvg: Math.fround(stored.sum / stored.count), ratingCount: 51 }),
    ]);
  });

  it('when two service instances (no shared queue, as two processes) race on one title, then the compare-and-set keeps it exact', async () => {
    const title = contentId('midnight-in-kyoto'); // seeded: Marco 3, Yuki 4
    const users = await makeUsers(24, 'racer');
    const a = new WriteServices(app.repos, app.config);
    const b = new WriteServices(app.repos, app.config);
    await Promise.all(users.map((u, i) => (i % 2 ? a : b).rateContent(u, title, (i % 5) + 1)));
    const stored = await storedRatings(title);
    expect(stored.count).toBe(26);
    expect([stored.aggSum, stored.aggCount]).toEqual([stored.sum, 26]);
    expect(await contentRating(title)).toEqual({ ratingAvg: Math.fround(stored.sum / 26), ratingCount: 26 });
  });
});

describe('a compare-and-set whose outcome is unknown (node killed mid-request)', () => {
  /** The real client, except that the next conditional batch fails with `error` — after being applied or before. */
  function failNextCas(when: 'after-applying' | 'before-applying', error: Error) {
    let armed = true;
    const client = new Proxy(app.client, {
      get(target, prop, receiver) {
        if (prop === 'batch') {
          return async (queries: Array<{ query: string }>, opts?: object) => {
            const conditional = queries.some((q) => / IF /.test(q.query));
            if (!armed || !conditional) return target.batch(queries as never, opts as never);
            armed = false;
            if (when === 'after-applying') await target.batch(queries as never, opts as never);
            throw error;
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    return new WriteServices(createRepositories(client, app.config), app.config);
  }
  const socketClosed = () =>
    Object.assign(new Error('Socket was closed'), { isSocketError: true, requestNotWritten: false });

  it('when the connection closes after the batch was applied, then the rating counts once and the call succeeds', async () => {
    const title = contentId('the-last-algorithm');
    const [viewer] = await makeUsers(1, 'unknown-applied');
    const before = await storedRatings(title);

    const out = await failNextCas('after-applying', socketClosed()).rateContent(viewer, title, 4);

    expect(out.rating).toBe(4);
    const after = await storedRatings(title);
    expect([after.count, after.aggCount, after.aggSum]).toEqual([
      before.count + 1,
      before.count + 1,
      before.sum + 4,
    ]);
  });

  it('when the connection closes before the batch was applied, then it is applied once on a fresh round', async () => {
    const title = contentId('the-last-algorithm');
    const [viewer] = await makeUsers(1, 'unknown-lost');
    const before = await storedRatings(title);

    await failNextCas('before-applying', socketClosed()).rateContent(viewer, title, 2);

    const after = await storedRatings(title);
    expect(after.byUser.get(viewer)).toBe(2);
    expect([after.aggCount, after.aggSum]).toEqual([before.count + 1, before.sum + 2]);
  });

  it('when the driver times out after the batch was applied, then the rating counts once', async () => {
    const title = contentId('the-last-algorithm');
    const [viewer] = await makeUsers(1, 'unknown-timeout');
    const before = await storedRatings(title);

    await failNextCas('after-applying', new driverErrors.OperationTimedOutError('timed out')).rateContent(
      viewer,
      title,
      5,
    );

    const after = await storedRatings(title);
    expect([after.aggCount, after.aggSum]).toEqual([before.count + 1, before.sum + 5]);
  });
});
