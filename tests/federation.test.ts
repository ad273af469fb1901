import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type DocumentNode } from 'graphql';
import { subgraphSdl } from '../src/cli/schema-print';
import { contentId, DEMO_TITLES, DEMO_USERS, LENA, MARCO, YUKI } from '../src/seed/demo-data';
import { createTestApp, type TestApp } from './support/app';

const ROOT = path.resolve(__dirname, '..');
const run = promisify(execFile);

let app: TestApp;

beforeAll(async () => {
  app = await createTestApp({ seed: true });
});
afterAll(() => app.close());

const ENTITIES = `query ($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Content { id title }
    ... on User { id name }
  }
}`;

type Representation = { __typename: 'Content' | 'User'; id: string };
type Entity = { __typename: string; id: string; title?: string; name?: string } | null;

/** 50 representations as a gateway would send them for a list: 17 distinct ids (10 titles, 3 users, 4 unknown titles), most repeated. */
function fiftyRepresentations(): { reps: Representation[]; distinct: number } {
  const unknown = [
    '0000dead-0000-4000-8000-000000000001',
    '0000dead-0000-4000-8000-000000000002',
    '0000dead-0000-4000-8000-000000000003',
    '0000dead-0000-4000-8000-000000000004',
  ];
  const distinctReps: Representation[] = [
    ...DEMO_TITLES.map((t) => ({ __typename: 'Content' as const, id: contentId(t.slug) })),
    ...DEMO_USERS.map((u) => ({ __typename: 'User' as const, id: u.id })),
    ...unknown.map((id) => ({ __typename: 'Content' as const, id })),
  ];
  const reps = Array.from({ length: 50 }, (_, i) => distinctReps[(i * 7) % distinctReps.length]);
  return { reps, distinct: new Set(reps.map((r) => `${r.__typename}:${r.id}`)).size };
}

async function resolveEntities(reps: Representation[]): Promise<Entity[]> {
  const res = await app.gql<{ _entities: Entity[] }>(ENTITIES, { representations: reps });
  expect(res.errors).toBeUndefined();
  return res.data!._entities;
}

describe('federation: entity references (_entities)', () => {
  it('when a gateway sends 50 representations with repeats, then it costs one read per distinct id', async () => {
    const { reps, distinct } = fiftyRepresentations();
    expect(distinct).toBe(17);
    const statements = await app.countStatements(() => resolveEntities(reps));
    expect(statements).toBe(distinct);
  });

  it('when a gateway sends 50 representations, then every read is in flight before the first one returns (one batch, no sequential round trips)', async () => {
    const events: string[] = [];
    const catalog = app.repos.catalog;
    const users = app.repos.users;
    const originalContent = catalog.getById.bind(catalog);
    const originalUser = users.getById.bind(users);
    catalog.getById = async (id) => {
      events.push('start');
      try {
        return await originalContent(id);
      } finally {
        events.push('end');
      }
    };
    users.getById = async (id) => {
      events.push('start');
      try {
        return await originalUser(id);
      } finally {
        events.push('end');
      }
    };
    try {
      const { reps, distinct } = fiftyRepresentations();
      await resolveEntities(reps);
      expect(events.filter((e) => e === 'start')).toHaveLength(distinct);
      expect(events.indexOf('end')).toBe(distinct); // all `distinct` reads started before any completed
    } finally {
      catalog.getById = originalContent;
      users.getById = originalUser;
    }
  });

  it('when representations are resolved, then the entities come back in representation order with unknown ids as null', async () => {
    const { reps } = fiftyRepresentations();
    const entities = await resolveEntities(reps);
    expect(entities).toHaveLength(50);
    const titles = new Map(DEMO_TITLES.map((t) => [contentId(t.slug), t.title]));
    const names = new Map(DEMO_USERS.map((u) => [u.id, u.name]));
    expect(entities.map((e) => (e ? (e.title ?? e.name) : null))).toEqual(
      reps.map((r) => (r.__typename === 'User' ? names.get(r.id) : (titles.get(r.id) ?? null))),
    );
  });
});

// A second, small subgraph owned by another team: it extends User with a field of its own and has a root field
// that returns users, so queries cross the subgraph boundary in both directions.
const ACCOUNTS_TYPE_DEFS = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  scalar UUID

  enum Plan { FREE STANDARD PREMIUM }

  type User @key(fields: "id") {
    id: UUID!
    plan: Plan!
  }

  type Query {
    premiumMembers: [User!]!
  }
`);
const PLANS: Record<string, string> = { [LENA]: 'PREMIUM', [MARCO]: 'STANDARD', [YUKI]: 'FREE' };

function compose(ours: DocumentNode, accountsUrl: string, accounts: DocumentNode = ACCOUNTS_TYPE_DEFS) {
  return composeServices([
    { name: 'personalization', typeDefs: ours, url: app.url },
    { name: 'accounts', typeDefs: accounts, url: accountsUrl },
  ]);
}

/** Fails the test with composition's own messages, so a broken schema says what is wrong. */
function supergraphOrThrow(result: ReturnType<typeof compose>): string {
  if (result.errors)
    throw new Error(`composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

describe('federation: composition and a gateway', () => {
  let accounts: ApolloServer;
  let accountsUrl: string;
  let gateway: ApolloServer<{ authorization?: string }>;
  const silent = { debug() {}, info() {}, warn() {}, error() {} };

  beforeAll(async () => {
    accounts = new ApolloServer({
      schema: buildSubgraphSchema([
        {
          typeDefs: ACCOUNTS_TYPE_DEFS,
          resolvers: {
            User: {
              __resolveReference: (ref: { id: string }) => ({ id: ref.id, plan: PLANS[ref.id] ?? 'FREE' }),
            },
            Query: {
              premiumMembers: () =>
                Object.keys(PLANS)
                  .filter((id) => PLANS[id] === 'PREMIUM')
                  .map((id) => ({ id, plan: PLANS[id] })),
            },
          } as never,
        },
      ]),
      logger: silent,
    });
    ({ url: accountsUrl } = await startStandaloneServer(accounts, {
      listen: { port: 0, host: '127.0.0.1' },
    }));

    const supergraphSdl = supergraphOrThrow(compose(parse(await subgraphSdl()), accountsUrl));
    const urls: Record<string, string> = { personalization: app.url, accounts: accountsUrl };
    const apolloGateway = new ApolloGateway({
      supergraphSdl,
      logger: silent,
      buildService: ({ name }) =>
        new RemoteGraphQLDataSource<{ authorization?: string }>({
          url: urls[name],
          // As a router is configured to: the client's Authorization header goes on to the subgraphs.
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          },
        }),
    });
    gateway = new ApolloServer<{ authorization?: string }>({
      gateway: apolloGateway as never,
      logger: silent,
    });
    await gateway.start();
  });
  afterAll(async () => {
    await gateway?.stop();
    await accounts?.stop();
  });

  async function viaGateway<T>(query: string): Promise<T> {
    // As Lena, whose data the queries read (src/auth/policy.ts).
    const { authorization } = await app.authHeader(LENA);
    const res = await gateway.executeOperation({ query }, { contextValue: { authorization } });
    if (res.body.kind !== 'single') throw new Error('expected a single result');
    expect(res.body.singleResult.errors).toBeUndefined();
    return res.body.singleResult.data as T;
  }

  it('when schema:print runs, then it writes the SDL that the running server reports in _service { sdl }', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sdl-')), 'personalization.graphql');
    await run(
      process.execPath,
      [path.join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/schema-print.ts', file],
      { cwd: ROOT },
    );
    const served = await app.gql<{ _service: { sdl: string } }>('{ _service { sdl } }');
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(served.data!._service.sdl.trim());
  });

  it('when our SDL is composed with a subgraph that declares User.id with another type, then composition reports the conflict', async () => {
    const conflicting = parse(
      `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
       type User @key(fields: "id") { id: ID! plan: String! }
       type Query { premiumMembers: [User!]! }`,
    );
    const result = compose(parse(await subgraphSdl()), accountsUrl, conflicting);
    expect(result.errors?.map((e) => e.extensions?.code)).toContain('FIELD_TYPE_MISMATCH');
  });

  it('when a query starts at our user and asks for the accounts plan, then the gateway joins both subgraphs on the same User', async () => {
    const data = await viaGateway<{
      user: {
        name: string;
        plan: string;
        homeScreen: { shelves: Array<{ title: string; items: Array<{ title: string }> }> };
      };
    }>(`{
      user(id: "${LENA}") {
        name
        plan
        homeScreen(itemsPerShelf: 2) { shelves { title items { title } } }
      }
    }`);
    expect(data.user.name).toBe('Lena Fischer');
    expect(data.user.plan).toBe('PREMIUM');
    expect(data.user.homeScreen.shelves.map((s) => s.title)).toEqual([
      'Continue Watching',
      'For You',
      'Top Picks',
      'Recently Watched',
      'Top Documentary',
      'Top Sci-Fi',
    ]);
    expect(data.user.homeScreen.shelves[0].items.map((i) => i.title)).toEqual([
      'The Silk Road Diaries',
      'The Last Algorithm',
    ]);
  });

  it("when the gateway answers a catalog-only query, then it passes on our subgraph's public cache hint", async () => {
    const res = await gateway.executeOperation(
      { query: '{ topPicks(genre: "sci-fi", first: 2) { title } }' },
      { contextValue: {} },
    );
    expect(res.http.headers.get('cache-control')).toBe('max-age=300, public');
  });

  it('when a query starts in the accounts subgraph, then our homeScreen fields resolve for its users through _entities', async () => {
    const data = await viaGateway<{
      premiumMembers: Array<{
        id: string;
        plan: string;
        name: string;
        homeScreen: { shelves: Array<{ kind: string }> };
      }>;
    }>(`{
      premiumMembers {
        id
        plan
        name
        homeScreen(itemsPerShelf: 1) { shelves { kind } }
      }
    }`);
    expect(data.premiumMembers.map((u) => [u.id, u.plan, u.name])).toEqual([
      [LENA, 'PREMIUM', 'Lena Fischer'],
    ]);
    expect(data.premiumMembers[0].homeScreen.shelves[0].kind).toBe('CONTINUE_WATCHING');
  });
});
