import { types } from 'cassandra-driver';
import { runRecommendJob } from '../src/jobs/recommend';
import { createTestApp, type TestApp } from './support/app';
import {
  ALL_USER_IDS,
  ANA,
  ANA_EXCLUDED,
  ANA_WATCHED,
  CORA,
  NINA,
  quiet,
  seedRecommenderFixture,
  title,
  TITLE_KEYS,
  expectServedList,
  readForYou,
} from './support/recommender-fixture';

jest.setTimeout(180_000);

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp();
  await seedRecommenderFixture(app);
});
afterAll(() => app.close());

const forYou = (userId: string, first = 50) => readForYou(app, userId, first);

describe('npm run recommend (the batch job)', () => {
  it('when it runs in dry-run mode, then it prints the lists with reasons and issues no write statement', async () => {
    const writes: string[] = [];
    const record = (q: unknown) => {
      const texts = Array.isArray(q) ? q.map((x) => (typeof x === 'string' ? x : x.query)) : [String(q)];
      for (const t of texts) if (/^\s*(INSERT|UPDATE|DELETE)/i.test(t)) writes.push(t);
    };
    const execute = jest.spyOn(app.client, 'execute');
    const batch = jest.spyOn(app.client, 'batch');
    const printed: string[] = [];
    try {
      const summary = await runRecommendJob(app.repos, {
        ...quiet,
        dryRun: true,
        print: (l) => printed.push(l),
      });
      for (const call of execute.mock.calls) record(call[0]);
      for (const call of batch.mock.calls) record(call[0]);
      expect(summary.lists).toHaveLength(ALL_USER_IDS.length);
      expect(summary.runId).toBeNull();
    } finally {
      execute.mockRestore();
      batch.mockRestore();
    }
    expect(writes).toEqual([]);
    expect(printed.some((l) => l.startsWith(`user ${ANA}: 10 recommendations`))).toBe(true);
    expect(printed.some((l) => /BECAUSE_YOU_WATCHED: Because you watched Fixture S/.test(l))).toBe(true);
  });

  it('when it has run, then forYou serves each list in ranks 1..n with reasons whose becauseOf titles the user watched', async () => {
    const summary = await runRecommendJob(app.repos, quiet);
    expect(summary.listsWritten).toBe(ALL_USER_IDS.length);
    const list = await forYou(ANA);
    expectServedList(list, 10, ANA_WATCHED);
    const because = list.filter((r) => r.reason.kind === 'BECAUSE_YOU_WATCHED');
    expect(because.length).toBeGreaterThan(0);
    expect(because[0].reason.becauseOf.length).toBeGreaterThan(0);
    expect(because[0].reason.text).toContain(because[0].reason.becauseOf[0].title);
  });

  it('when it has run, then no list holds a title its user finished, rated, dismissed or has in progress', async () => {
    await runRecommendJob(app.repos, quiet);
    const recommended = (await forYou(ANA)).map((r) => r.content!.id);
    expect(recommended).toHaveLength(10);
    for (const id of ANA_EXCLUDED) expect(recommended).not.toContain(id);
    // The same holds for every user: nothing in a list appears in that user's interaction rows.
    for (const userId of ALL_USER_IDS) {
      const touched = new Set((await app.repos.trainingData.interactionsOf(userId)).map((r) => r.contentId));
      const page = await app.repos.recommendations.forYou(userId, 100, null);
      for (const r of page.items) expect(touched.has(r.contentId)).toBe(false);
    }
  });

  it('when a user has no history, then they get popular titles of their preferred genres (MATCHES_YOUR_GENRES), or TRENDING without preferences, in a full list', async () => {
    await runRecommendJob(app.repos, quiet);
    const cora = await forYou(CORA);
    expect(cora).toHaveLength(10);
    const comedy = cora.filter((r) => r.content!.genre === 'comedy');
    expect(comedy).toHaveLength(4); // the whole comedy catalog, first
    expect(cora.slice(0, 4).map((r) => r.content!.genre)).toEqual(['comedy', 'comedy', 'comedy', 'comedy']);
    for (const r of comedy) expect(r.reason.kind).toBe('MATCHES_YOUR_GENRES');
    for (const r of cora) expect(r.reason.becauseOf).toEqual([]);
    const nina = await forYou(NINA);
    expect(nina).toHaveLength(10);
    for (const r of nina) expect(r.reason.kind).toBe('TRENDING');
  });

  it('when a new run writes shorter lists, then no rank of the longer old list survives', async () => {
    await runRecommendJob(app.repos, { ...quiet, listSize: 10 });
    expect(await forYou(ANA)).toHaveLength(10);
    await runRecommendJob(app.repos, { ...quiet, listSize: 4 });
    const list = await forYou(ANA);
    expect(list.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
    // The reverse index (used by renames and dismissals) forgot the titles that left the list as well.
    const listed = new Set(list.map((r) => r.content!.id));
    for (const key of TITLE_KEYS) {
      const holders = await app.repos.recommendations.listsHolding(title(key), null, 100);
      expect(holders.some((h) => h.userId === ANA)).toBe(listed.has(title(key)));
    }
  });

  it('when an interrupted run is resumed, then the chunks it finished are skipped and the rest are written', async () => {
    let finishedChunks = 0;
    await expect(
      runRecommendJob(app.repos, {
        ...quiet,
        chunkUsers: 3, // 21 users → 7 chunks
        afterChunk: () => {
          if (++finishedChunks === 2) throw new Error('simulated crash');
        },
      }),
    ).rejects.toThrow('simulated crash');
    const [run] = await app.repos.recommenderModel.recentRuns(1);
    expect(run.status).toBe('failed');
    const done = await app.repos.recommenderModel.chunksDone(run.runId);
    expect(done.size).toBe(2);
    const before = new Map<string, number>();
    for (const id of ALL_USER_IDS)
      before.set(id, (await app.repos.recommendations.entries(id))[0]?.writtenAt ?? 0);

    const summary = await runRecommendJob(app.repos, { ...quiet, resume: true });
    expect(summary.runId).toBe(run.runId);
    expect(summary.resumed).toBe(true);
    // It crashed while writing lists: the model, embeddings and similar users were done and are not redone.
    expect(summary.phasesSkipped).toEqual(['model', 'embeddings', 'similar-users']);
    expect(summary.chunksSkipped).toBe(2);
    expect(summary.listsWritten + summary.usersSkipped).toBe(ALL_USER_IDS.length);
    const { chunkOf } = await import('../src/jobs/recommend');
    for (const id of ALL_USER_IDS) {
      const after = (await app.repos.recommendations.entries(id))[0]?.writtenAt ?? 0;
      if (done.has(chunkOf(id, run.chunks))) expect(after).toBe(before.get(id));
      else expect(after).toBeGreaterThan(before.get(id)!);
    }
    expect((await app.repos.recommenderModel.recentRuns(1))[0].status).toBe('finished');
  });

  it('when it runs for one user, then only that user’s list is rewritten', async () => {
    await runRecommendJob(app.repos, quiet);
    const other = (await app.repos.recommendations.entries(CORA))[0].writtenAt;
    const mine = (await app.repos.recommendations.entries(ANA))[0].writtenAt;
    const summary = await runRecommendJob(app.repos, { ...quiet, userId: ANA, listSize: 6 });
    expect(summary.listsWritten).toBe(1);
    expect(await forYou(ANA)).toHaveLength(6);
    expect((await app.repos.recommendations.entries(ANA))[0].writtenAt).toBeGreaterThan(mine);
    expect((await app.repos.recommendations.entries(CORA))[0].writtenAt).toBe(other);
  });

  it('when models are published one after another, then the current and the previous snapshot are kept and older ones deleted', async () => {
    const repo = app.repos.recommenderModel;
    const item = (id: string) => ({ contentId: id, title: 'T', genre: 'drama', tags: [], popularity: 1 });
    const versions = [0, 1, 2].map(() => types.TimeUuid.now().toString());
    for (const v of versions) {
      await repo.writeSnapshot(v, [item(title('D1')), item(title('D2'))]);
      // A model name of its own, so the job's 'default' model is untouched; a resumed run re-publishes its version.
      const model = {
        name: 'spec',
        version: v,
        buckets: 1,
        weights: { collaborative: 1, content: 0, popularity: 0 },
        collaborativeKind: 'ease',
        listSize: 10,
        titles: 2,
        trainedAt: new Date(),
      };
      await repo.publish(model);
      await repo.publish(model);
    }
    expect((await repo.current('spec'))?.version).toBe(versions[2]);
    expect(await repo.readSnapshot(versions[2], 1)).toHaveLength(2);
    expect(await repo.readSnapshot(versions[1], 1)).toHaveLength(2);
    expect(await repo.readSnapshot(versions[0], 1)).toEqual([]);
  });
});
