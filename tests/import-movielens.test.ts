import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importMovieLens, ImportError, movieLensUserId, readMovieLens } from '../src/importers/movielens';
import { createTestApp, type TestApp } from './support/app';

/** A small directory in MovieLens-100K format, generated here (the real dataset is not ours to ship). */
function writeMovieLensDir(files: Partial<Record<'u.data' | 'u.item' | 'u.user', string>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-'));
  const flags = (set: number[]) =>
    Array.from({ length: 19 }, (_, i) => (set.includes(i) ? '1' : '0')).join('|');
  const item =
    files['u.item'] ??
    [
      `1|Toy Story (1995)|01-Jan-1995||http://x|${flags([3, 4, 5])}`,
      `2|GoldenEye (1995)|01-Jan-1995||http://x|${flags([1, 2, 16])}`,
      `3|Hoop Dreams (1994)|01-Jan-1994||http://x|${flags([7])}`,
      `4|Star Wars (1977)|01-Jan-1977||http://x|${flags([1, 2, 14, 15, 17])}`,
    ].join('\n');
  const data =
    files['u.data'] ??
    [
      '196\t1\t5\t881250949',
      '196\t4\t4\t881250950',
      '186\t1\t3\t891717742',
      '186\t2\t2\t878887116',
      '22\t3\t5\t880606923',
    ].join('\n');
  fs.writeFileSync(path.join(dir, 'u.item'), Buffer.from(item, 'latin1'));
  fs.writeFileSync(path.join(dir, 'u.data'), data);
  if (files['u.user']) fs.writeFileSync(path.join(dir, 'u.user'), files['u.user']);
  return dir;
}

let app: TestApp;
let dir: string;

beforeAll(async () => {
  app = await createTestApp();
  dir = writeMovieLensDir({
    'u.user':
      '196|49|M|writer|55105\n186|39|F|executive|00000\n22|25|M|writer|40206\n7|57|M|administrator|91344\n',
  });
  await importMovieLens(app.repos, dir);
});
afterAll(() => app.close());

describe('MovieLens import', () => {
  it('when imported, then a title is found by its original item id with its title, year and genre', async () => {
    const res = await app.gql(
      '{ contentByExternalId(externalId: "4") { title releaseYear genre tags contentType externalId ratingAvg ratingCount } }',
    );
    expect(res.data).toEqual({
      contentByExternalId: {
        title: 'Star Wars',
        releaseYear: 1977,
        genre: 'action',
        tags: ['action', 'adventure', 'romance', 'sci-fi', 'war'],
        contentType: 'MOVIE',
        externalId: '4',
        ratingAvg: 4,
        ratingCount: 1,
      },
    });
  });

  it('when imported, then each rating is a finished session with that rating at its original time', async () => {
    const res = await app.gql<{ userByExternalId: { recentlyWatched: { edges: Array<{ node: unknown }> } } }>(
      '{ userByExternalId(externalId: "196") { externalId recentlyWatched { edges { node { title rating progressPct watchedAt } } } } }',
    );
    expect(res.data!.userByExternalId.recentlyWatched.edges.map((e) => e.node)).toEqual([
      { title: 'Star Wars', rating: 4, progressPct: 100, watchedAt: '1997-12-04T15:55:50.000Z' },
      { title: 'Toy Story', rating: 5, progressPct: 100, watchedAt: '1997-12-04T15:55:49.000Z' },
    ]);
  });

  it('when a documentary is imported, then its type is DOCUMENTARY', async () => {
    const res = await app.gql('{ contentByExternalId(externalId: "3") { contentType genre } }');
    expect(res.data).toEqual({ contentByExternalId: { contentType: 'DOCUMENTARY', genre: 'documentary' } });
  });

  it('when u.user lists a user without ratings, then that user exists too', async () => {
    const user = await app.repos.users.getById(movieLensUserId('7'));
    expect(user?.externalId).toBe('7');
  });

  it('when imported twice, then nothing is duplicated and aggregates stay exact', async () => {
    await importMovieLens(app.repos, dir);
    const res = await app.gql<{ contentByExternalId: { ratingAvg: number; ratingCount: number } }>(
      '{ contentByExternalId(externalId: "1") { ratingAvg ratingCount } }',
    );
    expect(res.data!.contentByExternalId).toEqual({ ratingAvg: 4, ratingCount: 2 });
    const { items } = await app.repos.history.recentlyWatched(movieLensUserId('186'), 100, null);
    expect(items).toHaveLength(2);
  });

  it('when an external id is unknown, then NOT_FOUND', async () => {
    const res = await app.gql('{ userByExternalId(externalId: "99999") { id } }');
    expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('when a u.data line is malformed, then the error names the file and line', () => {
    const bad = writeMovieLensDir({ 'u.data': '196\t1\t5\t881250949\n196\tone\t5\t881250949\n' });
    expect(() => readMovieLens(bad)).toThrow(ImportError);
    expect(() => readMovieLens(bad)).toThrow(/u\.data:2: expected/);
  });

  it('when a rating names an item missing from u.item, then the error says so', () => {
    const bad = writeMovieLensDir({ 'u.data': '196\t42\t5\t881250949\n' });
    expect(() => readMovieLens(bad)).toThrow(/item 42 is not in u\.item/);
  });

  it('when the directory has no u.data, then the error says what a MovieLens directory needs', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ml-empty-'));
    expect(() => readMovieLens(empty)).toThrow(/u\.data is missing/);
  });
});
