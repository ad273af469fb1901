import { runRecommendJob } from '../src/jobs/recommend';
import { createLogger } from '../src/logger';
import { createServer, type AppServer } from '../src/server';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/app';
import {
  ANA,
  ANA_WATCHED,
  NINA,
  quiet,
  SCI_FI_FAN_IDS,
  seedRecommenderFixture,
  title,
  user,
} from './support/recommender-fixture';

jest.setTimeout(180_000);

interface Rec {
  rank: number;
  content: { id: string } | null;
  reason: { kind: string; becauseOf: Array<{ id: string }> };
}

const FOR_YOU = `query ($id: UUID!) { user(id: $id) { forYou(first: 50) { edges { node { rank content { id } reason { kind becauseOf { id } } } } } } }`;
const RECORD_WATCH = `mutation ($u: UUID!, $c: UUID!, $at: DateTime!) {
  recordWatch(userId: $u, contentId: $c, progressPct: 100, watchedAt: $at) {
    user { forYou(first: 50) { edges { node { rank content { id } } } } } } }`;
const REFRESH = `mutation ($u: UUID!) { refreshRecommendations(userId: $u) {
  user { id } tookMs modelTrainedAt recommendations { rank content { id } reason { kind becauseOf { id } } } } }`;

async function forYouIds(app: TestApp, userId: string): Promise<string[]> {
  const res = await app.gql<{ user: { forYou: { edges: Array<{ node: Rec }> } } }>(FOR_YOU, { id: userId });
  expect(res.errors).toBeUndefined();
  return res.data!.user.forYou.edges.map((e) => e.node.content!.id);
}

// One keyspace for the file: the first block runs before the job has published a model, the second after.
let app: TestApp;
/** A second server over the same keyspace and repositories, with REFRESH_ON_WATCH=true. */
let onWatch: { server: AppServer; url: string };

beforeAll(async () => {
  app = await createTestApp();
  await seedRecommenderFixture(app);
  const server = await createServer({
    config: { ...app.config, refreshOnWatch: true },
    repos: app.repos,
    client: app.client,
    log: createLogger('silent'),
  });
  onWatch = { server, url: await server.listen(0, '127.0.0.1') };
});
afterAll(async () => {
  await onWatch?.server.stop();
  await app?.close();
});

async function gqlOnWatch<T>(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<T>> {
  const res = await fetch(onWatch.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await app.authHeader()) }, // as an administrator
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}

describe('before the job has published a model', () => {
  it('when refreshRecommendations is called, then FAILED_PRECONDITION (MODEL_NOT_TRAINED), and recordWatch with REFRESH_ON_WATCH still records', async () => {
    const res = await app.gql(REFRESH, { u: ANA });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'FAILED_PRECONDITION',
      detail: 'MODEL_NOT_TRAINED',
    });
    const rec = await gqlOnWatch(RECORD_WATCH, { u: NINA, c: title('C4'), at: new Date().toISOString() });
    expect(rec.errors).toBeUndefined();
    expect((await app.repos.trainingData.interactionsOf(NINA)).map((r) => r.contentId)).toEqual([
      title('C4'),
    ]);
  });
});

describe('with the job’s model persisted', () => {
  beforeAll(() => runRecommendJob(app.repos, quiet));

  it('when a user watches a recommended title and refreshRecommendations runs, then forYou drops it at once and stays full', async () => {
    const before = await forYouIds(app, ANA);
    const watched = before[0];
    const rec = await app.gql(RECORD_WATCH, { u: ANA, c: watched, at: new Date().toISOString() });
    expect(rec.errors).toBeUndefined();
    // REFRESH_ON_WATCH is off by default: the list is still the job's.
    expect(await forYouIds(app, ANA)).toContain(watched);

    const res = await app.gql<{
      refreshRecommendations: {
        user: { id: string };
        tookMs: number;
        modelTrainedAt: string;
        recommendations: Rec[];
      };
    }>(REFRESH, { u: ANA });
    expect(res.errors).toBeUndefined();
    const payload = res.data!.refreshRecommendations;
    expect(payload.user.id).toBe(ANA);
    expect(payload.tookMs).toBeGreaterThan(0);
    const ids = payload.recommendations.map((r) => r.content!.id);
    expect(payload.recommendations.map((r) => r.rank)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(ids).not.toContain(watched);
    expect(await forYouIds(app, ANA)).toEqual(ids);
    // The new watch is part of the history the reasons may cite.
    const citable = [...ANA_WATCHED, watched];
    for (const r of payload.recommendations)
      for (const c of r.reason.becauseOf) expect(citable).toContain(c.id);
  });

  it('when refreshRecommendations runs again, then the model snapshot comes from memory: no snapshot or neighbour read is repeated', async () => {
    const viewer = user('drama1');
    expect((await app.gql(REFRESH, { u: viewer })).errors).toBeUndefined();
    let res: Awaited<ReturnType<TestApp['gql']>> | undefined;
    const n = await app.countStatements(async () => {
      res = await app.gql('mutation ($u: UUID!) { refreshRecommendations(userId: $u) { tookMs } }', {
        u: viewer,
      });
    });
    expect(res!.errors).toBeUndefined();
    const issued = app.counter.recent.slice(-n);
    expect(issued.filter((q) => /recommender_model_items|content_neighbors/.test(q))).toEqual([]);
    // user + current model + interactions + the list's previous ranks + the list rewrite (one batch).
    expect(n).toBe(5);
  });

  it('when refreshRecommendations names an unknown user, then NOT_FOUND and nothing is written', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = await app.gql(REFRESH, { u: unknown });
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await app.repos.recommendations.forYou(unknown, 10, null)).items).toEqual([]);
  });

  it('when Content.similar is asked, then it is one ANN statement and never lists the title itself', async () => {
    const q = `query ($id: UUID!) { content(id: $id) { id similar(first: 5) { id title genre } } }`;
    let res: Awaited<ReturnType<TestApp['gql']>> | undefined;
    const statements = await app.countStatements(async () => {
      res = await app.gql(q, { id: title('S1') });
    });
    expect(res!.errors).toBeUndefined();
    const similar = (res!.data as { content: { similar: Array<{ id: string; genre: string }> } }).content
      .similar;
    expect(similar).toHaveLength(5);
    expect(similar.map((c) => c.id)).not.toContain(title('S1'));
    // content(id) read + the title's embedding read + the ANN query; the similar titles come with it (no loader reads).
    expect(statements).toBe(3);
    const issued = app.counter.recent.slice(-statements); // the newest entries (the log is bounded)
    expect(issued.filter((s) => /ANN OF/.test(s))).toHaveLength(1);
    // Titles of the same genre (and co-watched) come first.
    expect(similar[0].genre).toBe('sci-fi');
  });

  it('when a title nobody watched is asked for similar titles, then its genre and tags still place it among its genre', async () => {
    const res = await app.gql<{ content: { similar: Array<{ genre: string }> } }>(
      `{ content(id: "${title('SNEW')}") { similar(first: 3) { genre } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.content.similar.map((c) => c.genre)).toEqual(['sci-fi', 'sci-fi', 'sci-fi']);
  });

  it('when User.similarUsers is asked, then it lists users who share titles with the user, with those titles', async () => {
    const res = await app.gql<{
      user: {
        similarUsers: Array<{ user: { id: string }; score: number; sharedTitles: Array<{ id: string }> }>;
      };
    }>(`{ user(id: "${ANA}") { similarUsers(first: 5) { user { id } score sharedTitles { id } } } }`);
    expect(res.errors).toBeUndefined();
    const list = res.data!.user.similarUsers;
    expect(list.length).toBeGreaterThan(0);
    const scores = list.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const s of list) {
      expect(SCI_FI_FAN_IDS).toContain(s.user.id);
      expect(s.score).toBeGreaterThan(0);
      expect(s.sharedTitles.length).toBeGreaterThanOrEqual(2);
      const theirs = new Set(
        (await app.repos.trainingData.interactionsOf(s.user.id)).map((r) => r.contentId),
      );
      for (const t of s.sharedTitles) {
        expect(ANA_WATCHED).toContain(t.id);
        expect(theirs.has(t.id)).toBe(true);
      }
    }
  });

  it('when recordWatch runs with REFRESH_ON_WATCH=true, then the payload’s forYou already reflects the watch', async () => {
    const viewer = user('scifi2');
    const watched = (await forYouIds(app, viewer))[0];
    const rec = await gqlOnWatch<{ recordWatch: { user: { forYou: { edges: Array<{ node: Rec }> } } } }>(
      RECORD_WATCH,
      {
        u: viewer,
        c: watched,
        at: new Date().toISOString(),
      },
    );
    expect(rec.errors).toBeUndefined();
    const ids = rec.data!.recordWatch.user.forYou.edges.map((e) => e.node.content!.id);
    expect(ids).toHaveLength(10);
    expect(ids).not.toContain(watched);
  });
});
