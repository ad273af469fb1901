import crypto from 'node:crypto';
import { ERASED_TABLES } from '../src/repositories/erasure';
import { contentId, LENA, MARCO, YUKI } from '../src/seed/demo-data';
import { WriteServices } from '../src/services/writes';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/app';
import { keyspaceTables, tablesMentioning, type Loose } from './writes-support';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

type Res = GraphQLResponse<Record<string, Loose>>;
const gql = (q: string, v?: Record<string, unknown>) => app.gql<Record<string, Loose>>(q, v) as Promise<Res>;
const DELETE = `mutation ($u: UUID!) { deleteUser(userId: $u) { userId ratingsRemoved } }`;
const WATCH = `mutation ($u: UUID!, $c: UUID!, $p: Int!, $at: DateTime!, $e: UUID) { recordWatch(userId: $u, contentId: $c, progressPct: $p, watchedAt: $at, eventId: $e) { event { title } } }`;
const RATE = `mutation ($u: UUID!, $c: UUID!, $r: Int!) { rateContent(userId: $u, contentId: $c, rating: $r) { rating } }`;
const NEON = contentId('neon-shadows');
const OCEAN = contentId('ocean-depths');

async function newUser(tag: string): Promise<{ id: string; email: string }> {
  const email = `${tag}-${crypto.randomBytes(3).toString('hex')}@example.com`;
  const res = await gql(`mutation ($i: CreateUserInput!) { createUser(input: $i) { user { id } } }`, {
    i: { name: `Erase ${tag}`, email, preferredGenres: ['thriller'] },
  });
  return { id: res.data!.createUser.user.id, email };
}

/** Gives a user rows in every table that can hold a user's data. */
async function activity(userId: string): Promise<void> {
  await gql(WATCH, { u: userId, c: NEON, p: 40, at: '2025-05-01T20:00:00Z', e: crypto.randomUUID() });
  await gql(WATCH, { u: userId, c: OCEAN, p: 100, at: '2025-05-02T20:00:00Z' });
  await gql(RATE, { u: userId, c: NEON, r: 1 });
  await gql(RATE, { u: userId, c: OCEAN, r: 5 });
  await app.repos.recommendations.replaceList(userId, [
    {
      contentId: contentId('laugh-track'),
      title: 'Laugh Track',
      score: 0.8,
      reason: { kind: 'TRENDING', text: 'Trending now', becauseOf: [] },
    },
    {
      contentId: contentId('stellar-drift'),
      title: 'Stellar Drift',
      score: 0.7,
      reason: { kind: 'BECAUSE_YOU_WATCHED', text: 'Because you watched Ocean Depths', becauseOf: [OCEAN] },
    },
  ]);
  await gql(
    `mutation { dismissRecommendation(userId: "${userId}", contentId: "${contentId('laugh-track')}") { removedFromList } }`,
  );
  await app.repos.recommendations.replaceSimilarUsers(userId, [
    { otherUserId: LENA, score: 0.9, shared: [OCEAN] },
  ]);
  await app.repos.recommendations.replaceSimilarUsers(MARCO, [
    { otherUserId: YUKI, score: 0.8, shared: [] },
    { otherUserId: userId, score: 0.7, shared: [NEON] },
  ]);
}

const rating = async (id: string) =>
  (await gql(`{ content(id: "${id}") { ratingAvg ratingCount } }`)).data!.content;

describe('deleteUser', () => {
  it('when a user with activity everywhere is deleted, then no table of the keyspace holds a row of them', async () => {
    const { id, email } = await newUser('everywhere');
    await activity(id);
    // A claim stranded by a failed e-mail change (recorded on the profile, not yet released).
    const failing = new WriteServices(app.repos, app.config, {
      step: (n) => {
        if (n === 'changeEmail:afterClaim' || n === 'changeEmail:compensate')
          throw new Error('simulated outage');
      },
    });
    const stranded = `stranded-${crypto.randomBytes(3).toString('hex')}@example.com`;
    await expect(failing.changeEmail(id, stranded)).rejects.toThrow('simulated');

    const before = await tablesMentioning(app, id, email, stranded);
    // The scan sees the user in every table that holds user data (so an empty result below means something).
    expect(Object.keys(before).sort()).toEqual(
      [
        'continue_watching',
        'history_by_content',
        'interactions_by_user',
        'ratings_by_content',
        'recommendations',
        'recommendations_by_content',
        'similar_users',
        'similar_users_by_other',
        'users',
        'users_by_email',
        'watch_events_by_id',
        'watch_history',
      ].sort(),
    );
    const neonBefore = await rating(NEON);

    const res = await gql(DELETE, { u: id });
    expect(res.errors).toBeUndefined();
    expect(res.data!.deleteUser).toEqual({ userId: id, ratingsRemoved: 2 });

    // Every table the schema metadata lists, including any added later: none mentions the user, e-mail or claim.
    const tables = await keyspaceTables(app);
    expect(tables.length).toBeGreaterThanOrEqual(ERASED_TABLES.length);
    expect(await tablesMentioning(app, id, email, stranded)).toEqual({});

    // Read back through the API.
    expect((await gql(`{ user(id: "${id}") { id } }`)).errors![0].extensions!.code).toBe('NOT_FOUND');
    expect((await gql(`{ userByEmail(email: "${email}") { id } }`)).errors![0].extensions!.code).toBe(
      'NOT_FOUND',
    );
    expect(await rating(NEON)).toEqual({ ratingAvg: 4, ratingCount: neonBefore.ratingCount - 1 });
    const marco = await app.repos.recommendations.similarUsers(MARCO);
    expect(marco.map((s) => s.otherUserId)).toEqual([YUKI]);
    // The address is free again.
    const again = await gql(`mutation ($i: CreateUserInput!) { createUser(input: $i) { user { email } } }`, {
      i: { name: 'Second Life', email },
    });
    expect(again.data!.createUser.user.email).toBe(email);
  });

  it('when every table that held the user is listed, then each is one the erasure knows how to clean', async () => {
    const { id } = await newUser('coverage');
    await activity(id);
    const held = Object.keys(await tablesMentioning(app, id));
    expect(held.filter((t) => !(ERASED_TABLES as readonly string[]).includes(t))).toEqual([]);
    await gql(DELETE, { u: id });
  });

  it('when the user does not exist, then NOT_FOUND', async () => {
    const res = await gql(DELETE, { u: '00000000-0000-4000-8000-000000000000' });
    expect(res.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'userId' });
  });

  it('when an erasure is interrupted, then deleting again finishes it (although the profile is already gone)', async () => {
    const { id, email } = await newUser('interrupted');
    await activity(id);
    const crashing = new WriteServices(app.repos, app.config, {
      step: (n) => {
        if (n === 'deleteUser:afterRatings') throw new Error('simulated crash');
      },
    });
    await expect(crashing.deleteUser(id)).rejects.toThrow('simulated crash');
    expect((await gql(`{ user(id: "${id}") { id } }`)).errors![0].extensions!.code).toBe('NOT_FOUND');
    expect(Object.keys(await tablesMentioning(app, id))).toContain('user_erasures');

    const res = await gql(DELETE, { u: id });
    expect(res.errors).toBeUndefined();
    expect(await tablesMentioning(app, id, email)).toEqual({});
  });

  it('when a watch is written while the user is being erased, then the watch cleans up after itself and nothing remains', async () => {
    const { id, email } = await newUser('racing-watch');
    const racing = new WriteServices(app.repos, app.config, {
      step: async (n) => {
        if (n === 'recordWatch:afterWrite') expect((await gql(DELETE, { u: id })).errors).toBeUndefined();
      },
    });
    await expect(
      racing.recordWatch({
        userId: id,
        contentId: NEON,
        progressPct: 30,
        watchedAt: '2025-05-03T20:00:00Z',
        eventId: crypto.randomUUID(),
      }),
    ).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    expect(await tablesMentioning(app, id, email)).toEqual({});
  });

  it('when a rating lands while the user is being erased, then it leaves the average again and nothing remains', async () => {
    const { id, email } = await newUser('racing-rating');
    const before = await rating(OCEAN);
    const racing = new WriteServices(app.repos, app.config, {
      step: async (n) => {
        if (n === 'rateContent:afterRating') expect((await gql(DELETE, { u: id })).errors).toBeUndefined();
      },
    });
    await expect(racing.rateContent(id, OCEAN, 1)).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    expect(await rating(OCEAN)).toEqual(before);
    expect(await tablesMentioning(app, id, email)).toEqual({});
  });
});
