import crypto from 'node:crypto';
import { uuidFromName } from '../src/domain/ids';
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
const code = (res: Res) => res.errors?.[0]?.extensions?.code;
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

const UPSERT = `mutation ($input: UpsertContentInput!) { upsertContent(input: $input) {
  created rowsUpdated content { id title contentType genre releaseYear tags externalId ratingAvg ratingCount } } }`;
const RENAME = `mutation ($id: UUID!, $title: String!) { renameContent(id: $id, title: $title) { rowsUpdated resumed content { id title } } }`;

/** Every copied title of a content id that a client can see, read through the API. */
async function visibleCopies(id: string): Promise<string[]> {
  const titles: string[] = [];
  for (const user of [LENA, MARCO, YUKI]) {
    const res = await gql(`{ user(id: "${user}") {
      recentlyWatched(first: 100) { edges { node { title content { id } } } }
      continueWatching(first: 100) { title content { id } }
      forYou(first: 100) { edges { node { title content { id } } } }
      homeScreen(itemsPerShelf: 50) { shelves { items { title content { id } } } } } }`);
    const u = res.data!.user;
    const all = [
      ...u.recentlyWatched.edges.map((e: Loose) => e.node),
      ...u.continueWatching,
      ...u.forYou.edges.map((e: Loose) => e.node),
      ...u.homeScreen.shelves.flatMap((s: Loose) => s.items),
    ];
    titles.push(...all.filter((x: Loose) => x.content?.id === id).map((x: Loose) => x.title));
  }
  const top = await gql('{ topPicks(first: 100) { title content { id genre } } }');
  for (const p of top.data!.topPicks) if (p.content.id === id) titles.push(p.title);
  return titles;
}

describe('upsertContent', () => {
  it('when a title is created without an id, then it gets one and is readable and browsable by genre', async () => {
    const res = await gql(UPSERT, {
      input: {
        title: 'Deep Field',
        contentType: 'DOCUMENTARY',
        genre: 'Documentary',
        releaseYear: 2025,
        tags: ['Space', 'space', 'telescope'],
      },
    });
    expect(res.errors).toBeUndefined();
    const c = res.data!.upsertContent;
    expect(c).toMatchObject({ created: true, rowsUpdated: 0 });
    expect(c.content).toMatchObject({
      title: 'Deep Field',
      genre: 'documentary',
      tags: ['space', 'telescope'],
      ratingAvg: null,
      ratingCount: 0,
    });
    const read = await gql(`{ content(id: "${c.content.id}") { title releaseYear } }`);
    expect(read.data!.content).toEqual({ title: 'Deep Field', releaseYear: 2025 });
    const browse = await gql(
      '{ contentByGenre(genre: "documentary", first: 100) { edges { node { title } } } }',
    );
    expect(browse.data!.contentByGenre.edges.map((e: Loose) => e.node.title)).toContain('Deep Field');
  });

  it('when catalog fields of an existing title change, then they are stored and its rating aggregate is kept', async () => {
    const id = contentId('stellar-drift');
    const res = await gql(UPSERT, {
      input: {
        id,
        title: 'Stellar Drift',
        contentType: 'SERIES',
        genre: 'sci-fi',
        releaseYear: 2022,
        tags: ['space'],
        externalId: 'ml:42',
      },
    });
    expect(res.data!.upsertContent).toMatchObject({ created: false, rowsUpdated: 0 });
    expect(res.data!.upsertContent.content).toMatchObject({
      releaseYear: 2022,
      tags: ['space'],
      externalId: 'ml:42',
      ratingAvg: 5,
      ratingCount: 1,
    });
  });

  it('when the genre of a rated title changes, then it leaves the old genre leaderboard and joins the new one', async () => {
    const id = contentId('the-quantum-heist');
    expect(
      (await gql('{ topPicks(genre: "thriller") { title } }')).data!.topPicks.map((p: Loose) => p.title),
    ).toContain('The Quantum Heist');
    const res = await gql(UPSERT, {
      input: {
        id,
        title: 'The Quantum Heist',
        contentType: 'MOVIE',
        genre: 'sci-fi',
        releaseYear: 2023,
        tags: ['heist'],
      },
    });
    expect(res.data!.upsertContent.rowsUpdated).toBe(2);
    expect(
      (await gql('{ topPicks(genre: "thriller") { title } }')).data!.topPicks.map((p: Loose) => p.title),
    ).not.toContain('The Quantum Heist');
    expect(
      (await gql('{ topPicks(genre: "sci-fi") { title } }')).data!.topPicks.map((p: Loose) => p.title),
    ).toContain('The Quantum Heist');
    const all = (await gql('{ topPicks(first: 100) { title } }')).data!.topPicks.filter(
      (p: Loose) => p.title === 'The Quantum Heist',
    );
    expect(all).toHaveLength(1);
  });

  it('when the title changes through upsertContent, then every copy is renamed too', async () => {
    const id = contentId('midnight-in-kyoto');
    const res = await gql(UPSERT, {
      input: {
        id,
        title: 'Midnight in Kyoto (Director’s Cut)',
        contentType: 'MOVIE',
        genre: 'drama',
        releaseYear: 2021,
        tags: ['japan'],
      },
    });
    expect(res.data!.upsertContent.rowsUpdated).toBeGreaterThan(0);
    const copies = await visibleCopies(id);
    expect(copies.length).toBeGreaterThan(0);
    expect(new Set(copies)).toEqual(new Set(['Midnight in Kyoto (Director’s Cut)']));
  });

  it('when a field is invalid or the external id belongs to another title, then BAD_USER_INPUT and nothing changes', async () => {
    const id = contentId('laugh-track');
    const base = { id, title: 'Laugh Track', contentType: 'SERIES', genre: 'comedy' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, title: '' }, 'title'],
      [{ ...base, genre: 'Comedy!!' }, 'genre'],
      [{ ...base, releaseYear: 1200 }, 'releaseYear'],
      [{ ...base, tags: ['x'.repeat(41)] }, 'tags'],
      [{ ...base, externalId: 'ml:42' }, 'externalId'],
    ];
    for (const [input, argument] of cases) {
      const res = await gql(UPSERT, { input });
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    }
    const read = await gql(`{ content(id: "${id}") { title genre releaseYear tags externalId } }`);
    expect(read.data!.content).toEqual({
      title: 'Laugh Track',
      genre: 'comedy',
      releaseYear: 2020,
      tags: ['sitcom', 'workplace'],
      externalId: null,
    });
  });
});

describe('renameContent', () => {
  it('when The Last Algorithm is renamed, then every copy shows the new title and the count of rows updated is exact', async () => {
    const id = contentId('the-last-algorithm');
    const res = await gql(RENAME, { id, title: 'The Final Algorithm' });
    expect(res.errors).toBeUndefined();
    // history: Lena + Yuki; continue-watching: Lena; recommendations: Marco; leaderboards: ALL + sci-fi.
    expect(res.data!.renameContent).toEqual({
      rowsUpdated: 6,
      resumed: false,
      content: { id, title: 'The Final Algorithm' },
    });
    const copies = await visibleCopies(id);
    expect(copies.length).toBeGreaterThanOrEqual(6);
    expect(new Set(copies)).toEqual(new Set(['The Final Algorithm']));
  });

  it('when the title is already the current one, then nothing is rewritten', async () => {
    const res = await gql(RENAME, { id: contentId('the-last-algorithm'), title: 'The Final Algorithm' });
    expect(res.data!.renameContent.rowsUpdated).toBe(0);
  });

  it('when the title is empty, too long or the id unknown, then the error names it and the title is unchanged', async () => {
    const id = contentId('neon-shadows');
    expect((await gql(RENAME, { id, title: '  ' })).errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'title',
    });
    expect((await gql(RENAME, { id, title: 'x'.repeat(201) })).errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argument: 'title',
    });
    expect((await gql(RENAME, { id: UNKNOWN, title: 'Anything' })).errors![0].extensions).toMatchObject({
      code: 'NOT_FOUND',
      argument: 'id',
    });
    expect(code(await gql(`{ content(id: "${UNKNOWN}") { id } }`))).toBe('NOT_FOUND');
    expect(new Set(await visibleCopies(id))).toEqual(new Set(['Neon Shadows']));
  });

  it('when a large fan-out is interrupted, then renaming again resumes from the checkpoint and finishes every copy once', async () => {
    const big = await gql(UPSERT, { input: { title: 'Blockbuster', contentType: 'MOVIE', genre: 'action' } });
    const id = big.data!.upsertContent.content.id as string;
    const viewers = Array.from({ length: 40 }, (_, i) => uuidFromName(`viewer:${i}`));
    await Promise.all(
      viewers.map(async (u, i) => {
        await app.repos.users.create({
          id: u,
          name: `Viewer ${i}`,
          email: `viewer-${i}@example.com`,
          signupDate: null,
          preferredGenres: [],
          preferredLanguage: null,
        });
        const watchedAt = new Date(Date.UTC(2025, 4, 1, 12, i));
        await app.repos.history.recordWatch({
          userId: u,
          contentId: id,
          title: 'Blockbuster',
          watchedAt,
          progressPct: i % 2 ? 100 : 40,
          rating: null,
          eventId: crypto.randomUUID(),
        });
      }),
    );
    const total = 40 + 20; // history rows + continue-watching rows of the viewers still watching

    let pages = 0;
    const crashing = new WriteServices(app.repos, app.config, {
      rename: {
        pageSize: 3,
        afterPage: () => {
          if (++pages === 6) throw new Error('simulated crash after six pages');
        },
      },
    });
    await expect(crashing.renameContent(id, 'Blockbuster: Extended')).rejects.toThrow('simulated crash');
    const job = await app.repos.copyJobs.latest(id);
    expect(job).toMatchObject({ status: 'running', title: 'Blockbuster: Extended' });
    expect(job!.rowsUpdated).toBeGreaterThan(0);
    expect(job!.rowsUpdated).toBeLessThan(total);

    const res = await gql(RENAME, { id, title: 'Blockbuster: Extended' });
    // Cumulative over both runs and equal to the total: the resumed run did not start over.
    expect(res.data!.renameContent).toMatchObject({ resumed: true, rowsUpdated: total });
    const rows = await app.client.execute(`SELECT user_id, title FROM ${app.keyspace}.watch_history`, [], {
      fetchSize: 10000,
    });
    const theirs = rows.rows.filter((r) => viewers.includes(String(r.user_id)));
    expect(theirs).toHaveLength(40);
    expect(new Set(theirs.map((r) => r.title))).toEqual(new Set(['Blockbuster: Extended']));
    const cw = await gql(`{ user(id: "${viewers[0]}") { continueWatching { title } } }`);
    expect(cw.data!.user.continueWatching).toEqual([{ title: 'Blockbuster: Extended' }]);
    expect(await app.repos.copyJobs.latest(id)).toMatchObject({
      status: 'done',
      phase: 'done',
      rowsUpdated: total,
    });
  });
});
