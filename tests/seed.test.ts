import { contentId, DEMO_SESSIONS, DEMO_TITLES, DEMO_USERS, LENA } from '../src/seed/demo-data';
import { seedDemo } from '../src/seed/demo';
import { createTestApp, type TestApp } from './support/app';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

const titleOf = new Map(DEMO_TITLES.map((t) => [contentId(t.slug), t.title]));

describe('demo seed', () => {
  it('when seeded, then every history row points at a real title and copies its current name', async () => {
    const rows = [];
    for (const u of DEMO_USERS) {
      const rs = await app.client.execute(
        'SELECT content_id, title FROM watch_history WHERE user_id = ?',
        [u.id],
        { prepare: true },
      );
      rows.push(...rs.rows);
    }
    expect(rows).toHaveLength(DEMO_SESSIONS.length);
    for (const r of rows) {
      const content = await app.repos.catalog.getById(r.content_id.toString());
      expect({ id: r.content_id.toString(), title: r.title }).toEqual({
        id: content?.id,
        title: content?.title,
      });
    }
  });

  it('when seeded, then every recommendation and every cited title is a real title with the same name', async () => {
    let count = 0;
    for (const u of DEMO_USERS) {
      const { items } = await app.repos.recommendations.forYou(u.id, 100, null);
      for (const r of items) {
        count += 1;
        expect(r.title).toBe(titleOf.get(r.contentId));
        for (const cited of r.reason.becauseOf) expect(titleOf.has(cited)).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(0);
  });

  it('when seeded, then rating aggregates equal the mean of the sessions’ ratings', async () => {
    const ocean = await app.repos.catalog.getById(contentId('ocean-depths'));
    expect(ocean).toMatchObject({ ratingAvg: 4, ratingCount: 1 });
    const kyoto = await app.repos.catalog.getById(contentId('midnight-in-kyoto'));
    expect(kyoto?.ratingAvg).toBeCloseTo(3.5);
    expect(kyoto?.ratingCount).toBe(2);
  });

  it('when seeded twice, then nothing is duplicated', async () => {
    await seedDemo(app.repos);
    const { items } = await app.repos.history.recentlyWatched(LENA, 100, null);
    expect(items).toHaveLength(DEMO_SESSIONS.filter((s) => s.userId === LENA).length);
  });

  it('when seeded, then the reverse index lists every session of a title', async () => {
    const sessions = DEMO_SESSIONS.filter((s) => s.slug === 'the-last-algorithm');
    let found = 0;
    for (let shard = 0; shard < 16; shard++) {
      const rs = await app.client.execute(
        'SELECT user_id FROM history_by_content WHERE content_id = ? AND shard = ?',
        [contentId('the-last-algorithm'), shard],
        {
          prepare: true,
        },
      );
      found += rs.rowLength;
    }
    expect(found).toBe(sessions.length);
  });
});
