import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { LENA } from '../src/seed/demo-data';
import { createServer, type AppServer } from '../src/server';
import { createTestApp, type GraphQLResponse, type TestApp } from './support/app';

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

const servers: AppServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.stop())));

/** A server with no database behind it (every repository call fails loudly), configured from `env`. */
async function serverWith(env: Record<string, string>): Promise<string> {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    CASSANDRA_CONTACT_POINTS: '127.0.0.1',
    CURSOR_SECRET: 'a-secret-of-at-least-16-chars',
    AUTH_JWT_SECRET: 'a-test-secret-that-is-not-the-development-one',
    ...env,
  });
  const noDatabase = new Proxy(
    {},
    {
      // Every repository exists; each of its methods fails loudly.
      get: () =>
        new Proxy(
          {},
          {
            get: () => () => {
              throw new Error('no database in this test');
            },
          },
        ),
    },
  );
  const server = await createServer({ config, repos: noDatabase as never, log: createLogger('silent') });
  servers.push(server);
  return server.listen(0, '127.0.0.1');
}

async function post(url: string, body: unknown): Promise<GraphQLResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { ...((await res.json()) as GraphQLResponse), status: res.status };
}

const HOME = `{ user(id: "${LENA}") { homeScreen(itemsPerShelf: 10) { shelves { id kind title genre items { title progressPct content { id genre ratingAvg } reason { kind text } } } } } }`;

/** `user { recentlyWatched { edges { node { content { … } } } } }` nested `levels` deep through an unknown field chain. */
function nested(levels: number): string {
  return `{ ${'a { '.repeat(levels)}b${' }'.repeat(levels)} }`;
}

function aliases(n: number): string {
  return `{ ${Array.from({ length: n }, (_, i) => `t${i}: topPicks(first: 1) { title }`).join(' ')} }`;
}

describe('query limits (graphql-armor rules, graphql-js token limit)', () => {
  it("when the README's home-screen query is sent, then it passes every default limit", async () => {
    const res = await app.gql(HOME);
    expect(res.errors).toBeUndefined();
    expect(res.status).toBe(200);
  });

  it('when a query nests deeper than GRAPHQL_MAX_DEPTH, then it is refused with limit "depth" before any CQL', async () => {
    let res!: GraphQLResponse;
    const statements = await app.countStatements(async () => {
      res = await post(app.url, { query: nested(11) });
    });
    expect(res.status).toBe(400);
    const error = res.errors!.find((e) => e.extensions?.limit === 'depth');
    expect(error?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', max: 10 });
    expect(statements).toBe(0);
  });

  it('when a query has more aliases than GRAPHQL_MAX_ALIASES, then it is refused with limit "aliases"', async () => {
    const res = await post(app.url, { query: aliases(16) });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'aliases',
      max: 15,
    });
  });

  it('when GRAPHQL_MAX_ALIASES is raised, then the same query is allowed', async () => {
    const url = await serverWith({ GRAPHQL_MAX_ALIASES: '16' });
    const res = await post(url, { query: aliases(16) });
    expect(res.errors?.some((e) => e.extensions?.limit === 'aliases') ?? false).toBe(false);
  });

  it('when a query carries more directives than GRAPHQL_MAX_DIRECTIVES, then it is refused with limit "directives"', async () => {
    const fields = Array.from({ length: 21 }, (_, i) => `f${i}: __typename @include(if: true)`).join(' ');
    const res = await post(app.url, { query: `{ ${fields} }` });
    expect(res.status).toBe(400);
    expect(res.errors?.some((e) => e.extensions?.limit === 'directives')).toBe(true);
  });

  it('when a query costs more than GRAPHQL_MAX_COST, then it is refused with limit "cost"', async () => {
    const url = await serverWith({ GRAPHQL_MAX_COST: '1000' });
    const res = await post(url, {
      query: `{ user(id: "${LENA}") { recentlyWatched(first: 100) { edges { node { title content { title } } } } } }`,
    });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'cost',
      max: 1000,
    });
  });

  it('when a document has more tokens than GRAPHQL_MAX_TOKENS, then parsing stops with GRAPHQL_PARSE_FAILED', async () => {
    const res = await post(app.url, { query: `{ ${'__typename '.repeat(2001)}}` });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors?.[0].message).toMatch(/more tha[nt] 2000 tokens/);
  });

  it('when `first` is above PAGE_SIZE_MAX, then BAD_USER_INPUT (the cap stays)', async () => {
    const res = await app.gql(`{ user(id: "${LENA}") { recentlyWatched(first: 101) { edges { cursor } } } }`);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('HTTP limits', () => {
  it('when the body is larger than MAX_BODY_BYTES, then the client reads a 413 JSON error with PAYLOAD_TOO_LARGE', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(1_500_000) }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as GraphQLResponse;
    expect(body.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('when MAX_BODY_BYTES is lowered, then a body above it is refused with 413', async () => {
    const url = await serverWith({ MAX_BODY_BYTES: '2000' });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ${'__typename '.repeat(200)}}` }),
    });
    expect(res.status).toBe(413);
  });

  it('when several operations are posted as a JSON array, then 400 BAD_REQUEST: HTTP batching is off', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as GraphQLResponse;
    expect(body.errors?.[0].extensions?.code).toBe('BAD_REQUEST');
  });
});

describe('production defaults', () => {
  const INTROSPECTION = '{ __schema { queryType { name } } }';

  it('when NODE_ENV=production and INTROSPECTION_ENABLED is unset, then introspection is refused', async () => {
    const url = await serverWith({ NODE_ENV: 'production' });
    const res = await post(url, { query: INTROSPECTION });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0].message).toMatch(/introspection/i);
  });

  it('when NODE_ENV=production and INTROSPECTION_ENABLED=true, then introspection answers', async () => {
    const url = await serverWith({ NODE_ENV: 'production', INTROSPECTION_ENABLED: 'true' });
    const res = await post(url, { query: INTROSPECTION });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('when introspection is off and a field is misspelled, then the error suggests no field names', async () => {
    const url = await serverWith({ NODE_ENV: 'production' });
    const res = await post(url, { query: '{ usr { id } }' });
    expect(res.errors?.[0].message).toBe('Cannot query field "usr" on type "Query".');
  });

  it('when a resolver fails unexpectedly in production, then the client sees a generic message with a request id, no internals', async () => {
    const url = await serverWith({ NODE_ENV: 'production' });
    const res = await post(url, { query: `{ user(id: "${LENA}") { name } }` });
    expect(res.errors?.[0]).toEqual({
      message: 'Internal server error',
      path: ['user'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
  });
});
