import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { uuidFromName } from '../src/domain/ids';
import { contentId, LENA, MARCO, YUKI } from '../src/seed/demo-data';
import { scanDrift } from '../src/services/drift';
import { WriteServices } from '../src/services/writes';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/app';
import type { Loose } from './writes-support';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..');

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

type Res = GraphQLResponse<Record<string, Loose>>;
const gql = (q: string, v?: Record<string, unknown>) => app.gql<Record<string, Loose>>(q, v) as Promise<Res>;
const WATCH = `mutation ($u: UUID!, $c: UUID!, $p: Int!, $at: DateTime!) { recordWatch(userId: $u, contentId: $c, progressPct: $p, watchedAt: $at) { event { title } } }`;
const RENAME = `mutation ($id: UUID!, $t: String!) { renameContent(id: $id, title: $t) { rowsUpdated } }`;
const RATE = `mutation ($u: UUID!, $c: UUID!, $r: Int!) { rateContent(userId: $u, contentId: $c, rating: $r) { rating } }`;

/** Runs one of the project's CLIs against this test's keyspace, as `npm run <script>` would. */
async function cli(
  script: 'drift-report' | 'repair-titles',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    CASSANDRA_CONTACT_POINTS: process.env.TEST_CASSANDRA_CONTACT_POINTS!,
    CASSANDRA_KEYSPACE: app.keyspace,
    CASSANDRA_REPLICATION_FACTOR: '1',
    NODE_ENV: 'test',
  };
  try {
    const { stdout, stderr } = await run(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      [path.join(ROOT, `src/cli/${script}.ts`), '--slices', '8'],
      { cwd: ROOT, env },
    );
    return { code: 0, stdout, stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

describe('renames racing watches', () => {
  it('when a rename lands between a session reading the title and writing it, then the session corrects its own copy', async () => {
    const id = contentId('stellar-drift');
    const racing = new WriteServices(app.repos, app.config, {
      step: async (name) => {
        // The whole rename runs here: its fan-out cannot see the session, which has not written yet.
        if (name === 'recordWatch:beforeWrite') await gql(RENAME, { id, t: 'Stellar Drift: Redux' });
      },
    });
    const { event } = await racing.recordWatch({
      userId: MARCO,
      contentId: id,
      progressPct: 25,
      watchedAt: new Date(Date.now() - 1000),
    });
    expect(event.title).toBe('Stellar Drift: Redux');
    const res = await gql(
      `{ user(id: "${MARCO}") { recentlyWatched(first: 1) { edges { node { title } } } continueWatching { title content { id } } } }`,
    );
    expect(res.data!.user.recentlyWatched.edges[0].node.title).toBe('Stellar Drift: Redux');
    expect(res.data!.user.continueWatching.filter((c: Loose) => c.content.id === id)).toEqual([
      { title: 'Stellar Drift: Redux', content: { id } },
    ]);
    expect((await scanDrift(app.repos, { slices: 8 })).drift).toEqual([]);
  });

  it('when a finished session removes the entry between a progress update reading it and writing, then the entry comes back whole', async () => {
    const id = contentId('laugh-track');
    await gql(WATCH, { u: YUKI, c: id, p: 40, at: new Date(Date.now() - 60_000).toISOString() });
    const racing = new WriteServices(app.repos, app.config, {
      step: async (name) => {
        // Its delete carries the session time, earlier than the progress update's write.
        if (name === 'updateProgress:afterRead')
          await gql(WATCH, { u: YUKI, c: id, p: 100, at: new Date(Date.now() - 30_000).toISOString() });
      },
    });
    const { entry } = await racing.updateProgress(YUKI, id, 70);
    expect(entry).toMatchObject({ title: 'Laugh Track', progressPct: 70 });
    const res = await gql(
      `{ user(id: "${YUKI}") { continueWatching { title progressPct content { id } } } }`,
    );
    expect(res.data!.user.continueWatching.filter((c: Loose) => c.content.id === id)).toEqual([
      { title: 'Laugh Track', progressPct: 70, content: { id } },
    ]);
    expect((await scanDrift(app.repos, { slices: 8 })).drift).toEqual([]);
  });

  it('when a rename lands between a progress update reading the title and writing it, then the update corrects its copy', async () => {
    const id = contentId('the-last-algorithm');
    const racing = new WriteServices(app.repos, app.config, {
      step: async (name) => {
        if (name === 'updateProgress:afterRead') await gql(RENAME, { id, t: 'The Last Algorithm: Redux' });
      },
    });
    const { entry } = await racing.updateProgress(LENA, id, 65);
    expect(entry).toMatchObject({ title: 'The Last Algorithm: Redux', progressPct: 65 });
    const res = await gql(`{ user(id: "${LENA}") { continueWatching { title content { id } } } }`);
    expect(res.data!.user.continueWatching.filter((c: Loose) => c.content.id === id)).toEqual([
      { title: 'The Last Algorithm: Redux', content: { id } },
    ]);
    expect((await scanDrift(app.repos, { slices: 8 })).drift).toEqual([]);
  });

  it('when renames of a title run concurrently with watches, ratings and progress of it, then the drift check finds 0 mismatches', async () => {
    const created = await gql(
      `mutation { upsertContent(input: { title: "Racing Title 0", contentType: MOVIE, genre: "thriller" }) { content { id } } }`,
    );
    const id = created.data!.upsertContent.content.id as string;
    const viewers = Array.from({ length: 16 }, (_, i) => uuidFromName(`racer-viewer:${i}`));
    await Promise.all(
      viewers.map((u, i) =>
        app.repos.users.create({
          id: u,
          name: `Racer ${i}`,
          email: `racer-${i}@example.com`,
          signupDate: null,
          preferredGenres: [],
          preferredLanguage: null,
        }),
      ),
    );
    // Copies to rename: earlier sessions, a rating (leaderboards) and recommendation lists holding the title.
    const base = Date.now() - 60_000;
    await Promise.all(
      viewers
        .slice(0, 8)
        .map((u, i) => gql(WATCH, { u, c: id, p: 30, at: new Date(base + i).toISOString() })),
    );
    await gql(RATE, { u: viewers[0], c: id, r: 4 });
    for (const u of [LENA, MARCO, YUKI]) {
      await app.repos.recommendations.replaceList(u, [
        {
          contentId: id,
          title: 'Racing Title 0',
          score: 0.9,
          reason: { kind: 'TRENDING', text: 'Trending now', becauseOf: [] },
        },
      ]);
    }

    const ops: Array<Promise<Res>> = [];
    for (let i = 1; i <= 6; i++) ops.push(gql(RENAME, { id, t: `Racing Title ${i}` }));
    viewers.forEach((u, i) => {
      ops.push(gql(WATCH, { u, c: id, p: 10 + i, at: new Date(Date.now() - 500 + i).toISOString() }));
      ops.push(
        gql(WATCH, { u, c: id, p: i % 3 ? 50 : 100, at: new Date(Date.now() - 200 + i).toISOString() }),
      );
      if (i % 4 === 0) ops.push(gql(RATE, { u, c: id, r: (i % 5) + 1 }));
      if (i % 4 === 1)
        ops.push(
          gql(
            `mutation { updateProgress(userId: "${u}", contentId: "${id}", progressPct: 70) { progressPct } }`,
          ),
        );
    });
    const results = await Promise.all(ops);
    expect(results.filter((r) => r.errors)).toEqual([]);

    const scan = await scanDrift(app.repos, { slices: 16 });
    expect(scan.drift).toEqual([]);
    const final = (await gql(`{ content(id: "${id}") { title } }`)).data!.content.title;
    expect(final).toMatch(/^Racing Title [1-6]$/);
    // The copies exist (the check compared something) and every one a client sees shows the final title.
    const copies = scan.checked;
    expect(copies).toBeGreaterThan(30);
    const seen = await gql(`{ topPicks(genre: "thriller", first: 100) { title content { id } } }`);
    expect(seen.data!.topPicks.filter((p: Loose) => p.content.id === id).map((p: Loose) => p.title)).toEqual([
      final,
    ]);
  });
});

describe('npm run drift-report / repair-titles', () => {
  it('when copies went stale behind the catalog, then drift-report lists each and exits 1, and repair-titles fixes them all', async () => {
    const ocean = contentId('ocean-depths');
    const stale = 'Ocean Depths (stale)';
    const ks = app.keyspace;
    const late = { prepare: true, timestamp: (Date.now() + 1) * 1000 };
    // A copy of every kind, stale (as a bug or a lost write would leave it).
    await app.client.execute(
      `UPDATE ${ks}.watch_history SET title = ? WHERE user_id = ? AND watched_at = ? AND content_id = ?`,
      [stale, LENA, new Date('2025-03-03T21:30:00Z'), ocean],
      late,
    );
    await app.client.execute(
      `UPDATE ${ks}.continue_watching SET title = ? WHERE user_id = ? AND content_id = ?`,
      [stale, MARCO, ocean],
      late,
    );
    await app.client.execute(
      `UPDATE ${ks}.recommendations SET title = ? WHERE user_id = ? AND rank = ?`,
      [stale, YUKI, 1],
      late,
    );
    const wild = contentId('wild-planet-rainforests');
    const board = await app.client.execute(
      `SELECT rating_avg, content_id FROM ${ks}.top_picks_by_scope WHERE scope = 'documentary'`,
    );
    const row = board.rows.find((r) => String(r.content_id) === wild)!;
    await app.client.execute(
      `UPDATE ${ks}.top_picks_by_scope SET title = ? WHERE scope = 'documentary' AND rating_avg = ? AND content_id = ?`,
      ['Wild Planet (stale)', row.rating_avg, wild],
      late,
    );

    const report = await cli('drift-report');
    expect(report.code).toBe(1);
    const lines = report.stdout.split('\n').filter((l) => l.includes('copy "'));
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual([
      'continue_watching',
      'recommendations',
      'top_picks_by_scope',
      'watch_history',
    ]);
    expect(report.stdout).toContain(`copy "${stale}" ≠ content has "Ocean Depths"`);
    expect(report.stdout).toMatch(/4 of \d+ copies differ from content/);

    const repair = await cli('repair-titles');
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain('no drift left');

    const again = await cli('drift-report');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^no drift: \d+ copies/m);
    const lena = await gql(
      `{ user(id: "${LENA}") { recentlyWatched(first: 100) { edges { node { title content { id } } } } } }`,
    );
    expect(
      lena
        .data!.user.recentlyWatched.edges.filter((e: Loose) => e.node.content.id === ocean)
        .map((e: Loose) => e.node.title),
    ).toEqual(['Ocean Depths']);
  });

  it('when the cluster cannot be reached, then drift-report prints a clear error and exits 2', async () => {
    const env = {
      ...process.env,
      CASSANDRA_CONTACT_POINTS: '127.0.0.1:1',
      CASSANDRA_KEYSPACE: app.keyspace,
      NODE_ENV: 'test',
      CASSANDRA_REQUEST_TIMEOUT_MS: '1000',
    };
    const res = await run(
      path.join(ROOT, 'node_modules/.bin/tsx'),
      [path.join(ROOT, 'src/cli/drift-report.ts')],
      { cwd: ROOT, env },
    ).catch((e) => e);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^error: cannot use Cassandra/m);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
