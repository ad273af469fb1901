import { uuidFromName } from '../src/domain/ids';
import { contentId, DEMO_TITLES } from '../src/seed/demo-data';
import { createTestApp, type TestApp } from './support/app';

let app: TestApp;
const USER = uuidFromName('user:walker');
const BASE = Date.parse('2025-01-01T00:00:00Z');

beforeAll(async () => {
  app = await createTestApp({ seed: true });
  await app.repos.users.create({
    id: USER,
    name: 'Walker',
    email: 'walker@example.com',
    signupDate: null,
    preferredGenres: [],
    preferredLanguage: null,
  });
  for (let i = 0; i < 250; i++) {
    const t = DEMO_TITLES[i % DEMO_TITLES.length];
    await app.repos.history.recordWatch({
      userId: USER,
      contentId: contentId(t.slug),
      title: t.title,
      // Every 10th session shares its timestamp with the previous one, so the cursor must break ties on content_id.
      watchedAt: new Date(BASE + (i - (i % 10 === 9 ? 1 : 0)) * 60_000),
      progressPct: 50,
      rating: null,
      eventId: uuidFromName(`walk:${i}`),
    });
  }
});
afterAll(() => app.close());

type Page = {
  edges: Array<{ cursor: string; node: { watchedAt: string; title: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
};

describe('paging through a 250-session history', () => {
  it('when walked page by page while new sessions are recorded, then every original session comes exactly once, newest first', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: { data?: { user: { recentlyWatched: Page } } | null } = await app.gql(
        `query ($after: String) { user(id: "${USER}") { recentlyWatched(first: 20, after: $after) { edges { cursor node { watchedAt title } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      );
      const page: Page = res.data!.user.recentlyWatched;
      page.edges.forEach((e) => seen.push(`${e.node.watchedAt}|${e.node.title}`));
      pages += 1;
      // A new session arrives between page reads; it is newer than everything already paged past.
      await app.repos.history.recordWatch({
        userId: USER,
        contentId: contentId('ocean-depths'),
        title: 'Ocean Depths',
        watchedAt: new Date(BASE + (1000 + pages) * 60_000),
        progressPct: 10,
        rating: null,
        eventId: uuidFromName(`walk:new:${pages}`),
      });
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(13);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    const times = seen.map((s) => Date.parse(s.split('|')[0]));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});
