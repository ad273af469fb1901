/**
 * The graphql-jit executor (src/graphql/jit-executor.ts) and the static cache policy (src/graphql/cache-control.ts)
 * answer exactly as stock Apollo (graphql-js execution, Apollo's cache-control plugin): for each operation below, a
 * server with every optimization on and one with `jit` and `staticCacheControl` off (same keyspace, same
 * repositories) return the same HTTP status, the same body (request ids aside) and the same cache-control header —
 * for successes and for every kind of error, including variables that do not coerce (BAD_USER_INPUT).
 */
import { errors as driverErrors } from 'cassandra-driver';
import { createLogger } from '../src/logger';
import type { Repositories } from '../src/repositories';
import { contentId, LENA, MARCO } from '../src/seed/demo-data';
import { createServer, type AppServer } from '../src/server';
import { createTestApp, tokenFor, type TestApp } from './support/app';

let app: TestApp;
const servers: AppServer[] = [];
let jitUrl: string;
let stockUrl: string;
/** A pair on repositories whose user reads fail in chosen ways (database down, a bug, a null in a non-null field). */
let brokenJitUrl: string;
let brokenStockUrl: string;
let lena: string;

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const BROKEN_DB = '11111111-0000-4000-8000-000000000001';
const BROKEN_BUG = '11111111-0000-4000-8000-000000000002';
const BROKEN_NULL = '11111111-0000-4000-8000-000000000003';

async function serverPair(repos: Repositories): Promise<[string, string]> {
  const urls: string[] = [];
  for (const on of [true, false]) {
    const s = await createServer({
      config: app.config,
      repos,
      client: app.client,
      log: createLogger('silent'),
      tuning: { jit: on, staticCacheControl: on },
    });
    servers.push(s);
    urls.push(await s.listen(0, '127.0.0.1'));
  }
  return [urls[0], urls[1]];
}

beforeAll(async () => {
  app = await createTestApp({ seed: true });
  [jitUrl, stockUrl] = await serverPair(app.repos);
  const broken = {
    ...app.repos,
    users: {
      ...app.repos.users,
      getById: async (id: string) => {
        if (id === BROKEN_DB) throw new driverErrors.NoHostAvailableError({});
        if (id === BROKEN_BUG) throw new Error('a bug with secret details');
        if (id === BROKEN_NULL) return { id, name: null } as never;
        return app.repos.users.getById(id);
      },
    },
  } as unknown as Repositories;
  [brokenJitUrl, brokenStockUrl] = await serverPair(broken);
  lena = `Bearer ${await tokenFor(app.config, LENA)}`;
});

afterAll(async () => {
  for (const s of servers) await s.stop();
  await app.close();
});

interface Answer {
  status: number;
  cacheControl: string | null;
  body: unknown;
}

async function ask(url: string, payload: unknown, authorization: string | null): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(payload),
  });
  const text = await res.text();
  // Request ids differ per request; everything else must be identical.
  const body = JSON.parse(text.replace(/"requestId":"[^"]+"/g, '"requestId":"…"')) as unknown;
  return { status: res.status, cacheControl: res.headers.get('cache-control'), body };
}

async function both(payload: unknown, opts: { as?: 'lena' | 'anonymous'; broken?: boolean } = {}) {
  const auth = opts.as === 'anonymous' ? null : lena;
  const [j, s] = opts.broken ? [brokenJitUrl, brokenStockUrl] : [jitUrl, stockUrl];
  const jit = await ask(j, payload, auth);
  const stock = await ask(s, payload, auth);
  return { jit, stock };
}

const HOME = `query Home($id: UUID!, $n: Int) {
  user(id: $id) {
    id name
    homeScreen(itemsPerShelf: $n) {
      shelves { id kind title genre items { title progressPct reason { kind text becauseOf { title } } content { id title genre ratingAvg tags } } }
    }
  }
}`;

describe('graphql-jit executor and static cache policy: the same answers as stock Apollo', () => {
  const successes: Array<[string, unknown]> = [
    ['the home screen, with catalog fields batched', { query: HOME, variables: { id: LENA, n: 5 } }],
    [
      'a history page with cursors, aliases and a fragment',
      {
        query: `query ($id: UUID!) { u: user(id: $id) { ...F } }
          fragment F on User { first: recentlyWatched(first: 2) { edges { cursor node { title watchedAt progressPct rating content { title } } } pageInfo { hasNextPage endCursor } } }`,
        variables: { id: LENA },
      },
    ],
    [
      '@skip / @include driven by variables',
      {
        query: `query ($id: UUID!, $yes: Boolean!, $no: Boolean!) { user(id: $id) { name @include(if: $yes) email @skip(if: $yes) continueWatching @include(if: $no) { title } forYou(first: 2) @skip(if: $no) { edges { node { rank score title reason { kind text } } } } } }`,
        variables: { id: LENA, yes: true, no: false },
      },
    ],
    [
      'public catalog reads, anonymously',
      {
        query: `{ topPicks(first: 3) { rank title ratingAvg content { title tags } } content(id: "${contentId('ocean-depths')}") { title genre releaseYear } }`,
      },
    ],
    [
      'contents with an unknown id (null in the list)',
      {
        query: 'query ($ids: [UUID!]!) { contents(ids: $ids) { title } }',
        variables: { ids: [contentId('laugh-track'), UNKNOWN] },
      },
    ],
    [
      'federation entities (User and Content) and __typename',
      {
        query:
          'query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Content { title } ... on User { name } } }',
        variables: {
          r: [
            { __typename: 'Content', id: contentId('ocean-depths') },
            { __typename: 'User', id: LENA },
          ],
        },
      },
    ],
    ['the subgraph SDL (_service)', { query: '{ _service { sdl } }' }],
    [
      'introspection',
      { query: '{ __schema { queryType { name } } __type(name: "Shelf") { fields { name } } }' },
    ],
    [
      'a named operation chosen among several',
      {
        query: 'query A { topPicks(first: 1) { title } } query B { topPicks(first: 2) { rank } }',
        operationName: 'B',
      },
    ],
  ];

  it.each(successes)('success: %s', async (_name, payload) => {
    const { jit, stock } = await both(payload);
    expect((stock.body as { errors?: unknown }).errors).toBeUndefined();
    expect(jit).toEqual(stock);
  });

  it('federated tracing: when a gateway asks for an ftv1 trace, then the jit path returns one too, with the fields', async () => {
    const traced = async (url: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: lena,
          'apollo-federation-include-trace': 'ftv1',
        },
        body: JSON.stringify({ query: `{ user(id: "${LENA}") { name continueWatching { title } } }` }),
      });
      return (await res.json()) as { data: unknown; extensions?: { ftv1?: string } };
    };
    const [jit, stock] = [await traced(jitUrl), await traced(stockUrl)];
    expect(jit.data).toEqual(stock.data);
    expect(typeof stock.extensions?.ftv1).toBe('string');
    expect(typeof jit.extensions?.ftv1).toBe('string');
    // The trace encodes the resolved fields' names: the compiled query ran the instrumented resolvers.
    const fields = (b64: string) =>
      ['continueWatching', 'title', 'name'].filter((f) => Buffer.from(b64, 'base64').includes(f));
    expect(fields(jit.extensions!.ftv1!)).toEqual(fields(stock.extensions!.ftv1!));
    expect(fields(jit.extensions!.ftv1!)).toHaveLength(3);
  });

  const failures: Array<[string, unknown, { as?: 'lena' | 'anonymous'; broken?: boolean }?]> = [
    [
      '1 a malformed UUID in a variable (BAD_USER_INPUT)',
      { query: 'query ($id: UUID!) { user(id: $id) { name } }', variables: { id: 'not-a-uuid' } },
    ],
    [
      '2 a required variable missing (BAD_USER_INPUT)',
      { query: 'query ($id: UUID!) { user(id: $id) { name } }', variables: {} },
    ],
    ['3 a variable of the wrong type (BAD_USER_INPUT)', { query: HOME, variables: { id: LENA, n: 'ten' } }],
    ['4 a malformed UUID inline (validation, BAD_USER_INPUT)', { query: '{ user(id: "1234") { name } }' }],
    ['5 an unknown user (NOT_FOUND, null)', { query: `{ user(id: "${UNKNOWN}") { name } }` }],
    [
      '6 itemsPerShelf above the maximum (resolver BAD_USER_INPUT)',
      { query: HOME, variables: { id: LENA, n: 51 } },
    ],
    [
      '7 a forged cursor (BAD_USER_INPUT)',
      {
        query: `{ user(id: "${LENA}") { recentlyWatched(first: 2, after: "forged") { edges { cursor } } } }`,
      },
    ],
    [
      '8 more than 100 ids (BAD_USER_INPUT)',
      {
        query: 'query ($ids: [UUID!]!) { contents(ids: $ids) { title } }',
        variables: { ids: Array.from({ length: 101 }, () => UNKNOWN) },
      },
    ],
    [
      '9 a private field read anonymously (UNAUTHENTICATED in a nested field)',
      { query: `{ user(id: "${LENA}") { name homeScreen { shelves { id } } } }` },
      { as: 'anonymous' },
    ],
    [
      "10 another user's private field (FORBIDDEN)",
      { query: `{ user(id: "${MARCO}") { name continueWatching { title } } }` },
    ],
    ['11 a syntax error (GRAPHQL_PARSE_FAILED)', { query: '{ user(id: ' }],
    ['12 an unknown field (GRAPHQL_VALIDATION_FAILED)', { query: '{ user(id: "' + LENA + '") { nope } }' }],
    ['13 an unknown operation name', { query: 'query A { topPicks { title } }', operationName: 'Z' }],
    [
      '14 several operations and no name',
      { query: 'query A { topPicks { title } } query B { topPicks { rank } }' },
    ],
    [
      '15 the database unavailable (SERVICE_UNAVAILABLE, retryable)',
      { query: `{ user(id: "${BROKEN_DB}") { name } }` },
      { broken: true },
    ],
    [
      '16 an unexpected error (masked INTERNAL_SERVER_ERROR)',
      { query: `{ user(id: "${BROKEN_BUG}") { name } }` },
      { broken: true },
    ],
    [
      '17 null in a non-null field (masked, parent nulled)',
      { query: `{ user(id: "${BROKEN_NULL}") { id name } }` },
      { broken: true },
    ],
    [
      '18 a bad entity representation',
      {
        query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { name } } }',
        variables: { r: [{ __typename: 'User' }] },
      },
    ],
  ];

  // Every row has its three elements: jest would take a missing one for a `done` callback.
  it.each(failures.map(([n, p, o]) => [n, p, o ?? {}] as const))(
    'error: %s',
    async (_name, payload, opts) => {
      const { jit, stock } = await both(payload, opts);
      expect((stock.body as { errors?: unknown[] }).errors?.length).toBeGreaterThan(0);
      expect(jit).toEqual(stock);
    },
  );
});
