import { contentId, LENA } from '../src/seed/demo-data';
import { createTestApp, type TestApp } from './support/app';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

const LAST_ALGORITHM = contentId('the-last-algorithm');

/** POSTs an operation and returns the `cache-control` header a router or CDN would see (and any errors). */
async function post(
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ header: string | null; errors?: unknown[] }> {
  const res = await fetch(app.url, {
    method: 'POST',
    // As Lena: the user queries below read her data (src/auth/policy.ts); catalog hints do not depend on the viewer.
    headers: { 'content-type': 'application/json', ...(await app.authHeader(LENA)) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: unknown[] };
  return { header: res.headers.get('cache-control'), errors: body.errors };
}

/** The header of an operation that must succeed. */
async function cacheControl(query: string, variables?: Record<string, unknown>): Promise<string | null> {
  const { header, errors } = await post(query, variables);
  expect(errors).toBeUndefined();
  return header;
}

describe('cache hints (cache-control header)', () => {
  it('when a query reads only catalog data, then the response is public for 5 minutes', async () => {
    const header = await cacheControl(`{
      content(id: "${LAST_ALGORITHM}") { title genre ratingAvg }
      topPicks(genre: "sci-fi", first: 3) { rank title content { title } }
      contentByGenre(genre: "documentary", first: 2) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } }
    }`);
    expect(header).toBe('max-age=300, public');
  });

  it("when a query reads a user's profile, then the response is private", async () => {
    expect(await cacheControl(`{ user(id: "${LENA}") { name email preferredGenres } }`)).toBe(
      'max-age=60, private',
    );
  });

  it("when a query reads a user's home screen, then the response is private and short-lived (it changes with every watch)", async () => {
    const header = await cacheControl(`{
      user(id: "${LENA}") {
        homeScreen(itemsPerShelf: 3) { shelves { id kind title items { title progressPct reason { kind text } content { title } } } }
      }
    }`);
    expect(header).toBe('max-age=10, private');
  });

  it('when a query mixes catalog and personal data, then the whole response is private', async () => {
    const header = await cacheControl(`{
      content(id: "${LAST_ALGORITHM}") { title }
      user(id: "${LENA}") { forYou(first: 2) { edges { node { title content { title } } } } }
    }`);
    expect(header).toBe('max-age=60, private');
  });

  it('when a gateway resolves Content entities, then the response is public like the catalog', async () => {
    const header = await cacheControl(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Content { title } } }',
      {
        r: [{ __typename: 'Content', id: LAST_ALGORITHM }],
      },
    );
    expect(header).toBe('max-age=300, public');
  });

  it('when a response carries an error, then nothing may cache it', async () => {
    const { header, errors } = await post(
      '{ content(id: "00000000-0000-4000-8000-000000000000") { title } }',
    );
    expect(errors).toHaveLength(1);
    expect(header).toBe('no-store');
  });
});
