/**
 * The Spark engine (`npm run recommend -- --engine spark`) end to end: the fixture's small crafted dataset in a keyspace
 * of its own, the real PySpark job in local[2] through spark-submit and the connector, and the written lists, similar
 * users and embeddings checked through the GraphQL API — the same promises the single-machine job keeps
 * (tests/recommend-job.test.ts), with the reasons of the factor model. Run with `npm run test:spark`.
 */
import { runSparkRecommendJob, SparkEngineError } from '../src/jobs/spark';
import type { RecommendJobSummary } from '../src/jobs/recommend';
import { createTestApp, type TestApp } from './support/app';
import {
  ALL_USER_IDS,
  ANA,
  ANA_EXCLUDED,
  ANA_WATCHED,
  CORA,
  NINA,
  SCI_FI_FAN_IDS,
  seedRecommenderFixture,
  title,
  TITLE_KEYS,
  expectServedList,
  readForYou,
} from './support/recommender-fixture';

let app: TestApp;
let summary: RecommendJobSummary;
const lines: string[] = [];

function runSpark(listSize: number): Promise<RecommendJobSummary> {
  return runSparkRecommendJob(app.repos, app.config.cassandra, app.config.cassandra.contactPoints ?? [], {
    listSize,
    master: 'local[2]',
    log: (l) => lines.push(l),
  });
}

beforeAll(async () => {
  app = await createTestApp();
  await seedRecommenderFixture(app);
  summary = await runSpark(10);
});
afterAll(() => app?.close());

const forYou = (userId: string, first = 50) => readForYou(app, userId, first);

describe('npm run recommend -- --engine spark (PySpark ALS in local[2])', () => {
  it('when it has run, then it reports every user’s list written and records a finished run with the ALS model published', async () => {
    expect(summary.engine).toBe('spark');
    expect(summary.users).toBe(ALL_USER_IDS.length);
    expect(summary.titles).toBe(TITLE_KEYS.length);
    expect(summary.listsWritten).toBe(ALL_USER_IDS.length);
    expect(summary.embeddingsWritten).toBeGreaterThan(0);
    expect(lines.some((l) => /^\[spark\] stage \d+/.test(l))).toBe(true);
    const [run] = await app.repos.recommenderModel.recentRuns(1);
    expect(run.runId).toBe(summary.runId);
    expect(run.status).toBe('finished');
    const model = await app.repos.recommenderModel.current();
    expect(model?.version).toBe(summary.runId);
    expect(model?.collaborativeKind).toBe('als');
    const snapshot = await app.repos.recommenderModel.readSnapshot(model!.version, model!.buckets);
    expect(snapshot).toHaveLength(TITLE_KEYS.length);
  });

  it('when forYou is read, then ranks run 1..n by score and ALS reasons cite only titles the user watched', async () => {
    const list = await forYou(ANA);
    expectServedList(list, 10, ANA_WATCHED);
    const factors = list.filter((r) => r.reason.kind === 'MATRIX_FACTORIZATION');
    expect(factors.length).toBeGreaterThan(0);
    for (const r of factors) {
      expect(r.reason.becauseOf.length).toBeGreaterThan(0);
      expect(r.reason.text).toContain(r.reason.becauseOf[0].title);
    }
  });

  it('when lists are written, then no list holds a title its user finished, rated, dismissed or has in progress', async () => {
    const recommended = (await forYou(ANA)).map((r) => r.content!.id);
    expect(recommended).toHaveLength(10);
    for (const id of ANA_EXCLUDED) expect(recommended).not.toContain(id);
    for (const userId of ALL_USER_IDS) {
      const touched = new Set((await app.repos.trainingData.interactionsOf(userId)).map((r) => r.contentId));
      const page = await app.repos.recommendations.forYou(userId, 100, null);
      expect(page.items.length).toBeGreaterThan(0);
      for (const r of page.items) expect(touched.has(r.contentId)).toBe(false);
    }
  });

  it('when a user has no history, then they get popular titles of their preferred genres first, or TRENDING without preferences', async () => {
    const cora = await forYou(CORA);
    expect(cora).toHaveLength(10);
    expect(cora.slice(0, 4).map((r) => r.content!.genre)).toEqual(['comedy', 'comedy', 'comedy', 'comedy']);
    for (const r of cora.slice(0, 4)) expect(r.reason.kind).toBe('MATCHES_YOUR_GENRES');
    for (const r of cora) expect(r.reason.becauseOf).toEqual([]);
    const nina = await forYou(NINA);
    expect(nina).toHaveLength(10);
    for (const r of nina) expect(r.reason.kind).toBe('TRENDING');
    // Popularity order: the most watched titles come first for a user without any signal.
    const snapshot = await app.repos.recommenderModel.readSnapshot(
      summary.runId!,
      (await app.repos.recommenderModel.current())!.buckets,
    );
    expect(nina.map((r) => r.content!.id)).toEqual(snapshot.slice(0, 10).map((s) => s.contentId));
  });

  it('when similar users and similar titles are asked, then they come from the Spark job’s output', async () => {
    const res = await app.gql<{
      user: {
        similarUsers: Array<{ user: { id: string }; score: number; sharedTitles: Array<{ id: string }> }>;
      };
    }>(`{ user(id: "${ANA}") { similarUsers(first: 5) { user { id } score sharedTitles { id } } } }`);
    expect(res.errors).toBeUndefined();
    const similar = res.data!.user.similarUsers;
    expect(similar.length).toBeGreaterThan(0);
    for (const s of similar) {
      expect(SCI_FI_FAN_IDS).toContain(s.user.id);
      expect(s.sharedTitles.length).toBeGreaterThanOrEqual(2);
      for (const t of s.sharedTitles) expect(ANA_WATCHED).toContain(t.id);
    }
    const scores = similar.map((s) => s.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);

    const content = await app.gql<{ content: { similar: Array<{ id: string }> } }>(
      `{ content(id: "${title('S1')}") { similar(first: 5) { id } } }`,
    );
    expect(content.errors).toBeUndefined();
    const ids = content.data!.content.similar.map((c) => c.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(title('S1'));
  });

  it('when a new run writes shorter lists, then no rank of the longer old list survives (one batch per user)', async () => {
    const second = await runSpark(4);
    expect(second.listsWritten).toBe(ALL_USER_IDS.length);
    const list = await forYou(ANA);
    expect(list.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    const listed = new Set(list.map((r) => r.content!.id));
    for (const key of TITLE_KEYS) {
      const holders = await app.repos.recommendations.listsHolding(title(key), null, 100);
      expect(holders.some((h) => h.userId === ANA)).toBe(listed.has(title(key)));
    }
    // The previous model's snapshot is kept (a server may still load it); the pointer names the new run.
    expect((await app.repos.recommenderModel.current())?.version).toBe(second.runId);
  });

  it('when a --conf setting is malformed, then it fails before anything is submitted or recorded', async () => {
    const before = (await app.repos.recommenderModel.recentRuns(1))[0].runId;
    await expect(
      runSparkRecommendJob(app.repos, app.config.cassandra, app.config.cassandra.contactPoints ?? [], {
        conf: ['no-equals-sign'],
        log: () => undefined,
      }),
    ).rejects.toThrow(SparkEngineError);
    expect((await app.repos.recommenderModel.recentRuns(1))[0].runId).toBe(before);
  });
});
