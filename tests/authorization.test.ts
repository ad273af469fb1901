/**
 * Who may see what (src/auth/policy.ts), through the HTTP API as clients use it.
 *
 * The leak probe derives its probes from the schema itself: every non-public field of `User` and every root field
 * that is not public, each with a selection set and arguments generated from its types. A field added to the schema
 * later is either classified in the policy (and then probed here) or fails the classification test below.
 */
import crypto from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  getNamedType,
  graphql,
  parse,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';
import {
  AccessPolicy,
  MUTATION_ACCESS,
  PUBLIC_TYPES,
  QUERY_ACCESS,
  USER_FIELD_ACCESS,
  applyAccessPolicy,
  type RootRule,
} from '../src/auth/policy';
import { buildSchema } from '../src/server';
import { contentId, DEMO_TITLES, LENA, MARCO, YUKI } from '../src/seed/demo-data';
import { ADMIN_SUBJECT, createTestApp, type GraphQLResponse, type TestApp } from './support/app';

const schema = buildSchema();
const queryType = schema.getQueryType()!;
const mutationType = schema.getMutationType()!;
const userType = schema.getType('User');
if (!isObjectType(userType)) throw new Error('the schema has no User type');

const isPublicUserField = (name: string) => USER_FIELD_ACCESS[name] === 'public';
const ruleOf = (table: Readonly<Record<string, RootRule>>, name: string): RootRule =>
  table[name] ?? { access: 'admin' };

/** Every field of User that is not public: the user-scoped fields (unclassified ones count as private). */
const PRIVATE_USER_FIELDS = Object.values(userType.getFields()).filter((f) => !isPublicUserField(f.name));
/** Root fields naming a user: the viewer must be that user (or an admin). */
const SELF_ROOT_FIELDS = [
  ...Object.values(queryType.getFields()).map((f) => ({
    op: 'query' as const,
    f,
    rule: ruleOf(QUERY_ACCESS, f.name),
  })),
  ...Object.values(mutationType.getFields()).map((f) => ({
    op: 'mutation' as const,
    f,
    rule: ruleOf(MUTATION_ACCESS, f.name),
  })),
].filter((r) => r.rule.access === 'self');
const ADMIN_ROOT_FIELDS = [
  ...Object.values(queryType.getFields()).map((f) => ({
    op: 'query' as const,
    f,
    rule: ruleOf(QUERY_ACCESS, f.name),
  })),
  ...Object.values(mutationType.getFields()).map((f) => ({
    op: 'mutation' as const,
    f,
    rule: ruleOf(MUTATION_ACCESS, f.name),
  })),
].filter((r) => r.rule.access === 'admin');

// ---------------------------------------------------------------------------------------------------------------
// Operations generated from the schema

/**
 * A selection set for `type`: every leaf field without required arguments, and object fields down to `depth`. A User
 * met below the top gets only its public fields (it may be someone else, e.g. a similar user).
 */
function selection(type: GraphQLOutputType, depth: number): string {
  const named: GraphQLNamedType = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isUnionType(named) || isInterfaceType(named)) return '{ __typename }';
  if (!isObjectType(named)) return '';
  const parts: string[] = [];
  for (const field of Object.values(named.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    if (named.name === 'User' && !isPublicUserField(field.name)) continue;
    const inner = getNamedType(field.type);
    if (isLeafType(inner)) parts.push(field.name);
    else if (depth > 0) parts.push(`${field.name} ${selection(field.type, depth - 1)}`);
  }
  return `{ ${parts.length ? parts.join(' ') : '__typename'} }`;
}

/** The selection of a field when it is the one probed (a User at the top gets every field: that is the point). */
function fieldSelection(field: GraphQLField<unknown, unknown>, depth = 3): string {
  const inner = getNamedType(field.type);
  if (isLeafType(inner)) return '';
  if (inner.name === 'User') return '{ id name }';
  return selection(field.type, depth);
}

interface Values {
  userId: string;
  contentId: string;
}

/** A valid value for an argument, from its name and type, so a probe is refused for who is asking, not for its input. */
function valueFor(name: string, type: GraphQLInputType, v: Values): unknown {
  if (isNonNullType(type)) return valueFor(name, type.ofType, v);
  if (isListType(type)) return [valueFor(name, type.ofType, v)];
  if (isEnumType(type)) return type.getValues()[0].value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => [f.name, valueFor(f.name, f.type, v)]),
    );
  }
  switch (type.name) {
    case 'UUID':
      return /user/i.test(name) ? v.userId : v.contentId;
    case 'Int':
    case 'NonNegativeInt':
    case 'PositiveInt':
      return name === 'rating' ? 4 : name === 'progressPct' ? 50 : 2;
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTime':
      return new Date(Date.now() - 3_600_000).toISOString();
    case 'Date':
      return '2024-01-01';
    case 'EmailAddress':
      return `probe-${crypto.randomBytes(4).toString('hex')}@example.com`;
    case 'String':
      return /genre/i.test(name) ? 'sci-fi' : 'probe';
    default:
      throw new Error(`no probe value for ${name}: ${type.name}`);
  }
}

/** `op Probe($a: T!, …) { field(a: $a, …) { … } }` with variables for the field's required (and user) arguments. */
function rootOperation(op: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, v: Values) {
  const args = field.args.filter(
    (a: GraphQLArgument) => (isNonNullType(a.type) && a.defaultValue === undefined) || a.name === 'userId',
  );
  const variables = Object.fromEntries(args.map((a) => [a.name, valueFor(a.name, a.type, v)]));
  const decl = args.length ? `(${args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ')})` : '';
  const call = args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  return { query: `${op} Probe${decl} { ${field.name}${call} ${fieldSelection(field)} }`, variables };
}

/** Two ways to reach user `id`'s field by id: the root field and federation's entity resolution. */
function userFieldOperations(field: GraphQLField<unknown, unknown>, id: string) {
  const sel = `${field.name} ${fieldSelection(field)}`;
  return [
    { path: 'user', query: `query Probe($id: UUID!) { user(id: $id) { id ${sel} } }`, variables: { id } },
    {
      path: '_entities',
      query: `query Probe($r: [_Any!]!) { _entities(representations: $r) { ... on User { id ${sel} } } }`,
      variables: { r: [{ __typename: 'User', id }] },
    },
  ];
}

/** The third way: the other users on the viewer's own similar-user list. */
function similarUsersOperation(field: GraphQLField<unknown, unknown>, me: string) {
  return {
    query: `query Probe($me: UUID!) { user(id: $me) { similarUsers { user { id ${field.name} ${fieldSelection(field)} } } } }`,
    variables: { me },
  };
}

// ---------------------------------------------------------------------------------------------------------------

let app: TestApp;
const TITLE = contentId(DEMO_TITLES[0].slug);
const extraUsers: string[] = [];
/** Every victim's private values that must never appear in another viewer's response. */
const secrets = new Map<string, string[]>();

async function snapshotOf(id: string) {
  const sel = PRIVATE_USER_FIELDS.map((f) => `${f.name} ${fieldSelection(f, 2)}`).join(' ');
  const res = await app.gql(`query Snap($id: UUID!) { user(id: $id) { id name ${sel} } }`, { id });
  if (res.errors?.length && res.errors.some((e) => e.extensions?.code !== 'NOT_FOUND')) {
    throw new Error(`snapshot of ${id}: ${JSON.stringify(res.errors)}`);
  }
  return JSON.stringify(res.data);
}

beforeAll(async () => {
  app = await createTestApp({ seed: true });
  // Two more real users with every private field set, and history of their own.
  for (const [i, lang] of ['it', 'ja'].entries()) {
    const res = await app.gql<{ createUser: { user: { id: string } } }>(
      `mutation ($input: CreateUserInput!) { createUser(input: $input) { user { id } } }`,
      {
        input: {
          name: `Probe Victim ${i}`,
          email: `victim-${i}-${crypto.randomBytes(3).toString('hex')}@example.com`,
          preferredGenres: ['documentary'],
          preferredLanguage: lang,
        },
      },
    );
    expect(res.errors).toBeUndefined();
    const id = res.data!.createUser.user.id;
    extraUsers.push(id);
    const watched = await app.gql(
      `mutation ($u: UUID!, $c: UUID!, $at: DateTime!) { recordWatch(userId: $u, contentId: $c, progressPct: 30, watchedAt: $at) { event { title } } }`,
      { u: id, c: TITLE, at: new Date(Date.now() - 7_200_000).toISOString() },
    );
    expect(watched.errors).toBeUndefined();
  }
  // Similar-user lists, so other users' objects are reachable from a viewer's own data.
  const shared = [TITLE];
  for (const [owner, others] of [
    [LENA, [MARCO, YUKI, ...extraUsers]],
    [MARCO, [LENA, YUKI]],
  ] as const) {
    await app.repos.recommendations.replaceSimilarUsers(
      owner,
      others.map((o, i) => ({ otherUserId: o, score: 0.9 - i / 10, shared })),
    );
  }
  for (const id of [LENA, MARCO, YUKI, ...extraUsers]) {
    const res = await app.gql<{ user: { email: string } }>(`query ($id: UUID!) { user(id: $id) { email } }`, {
      id,
    });
    secrets.set(id, [res.data!.user.email]);
  }
}, 180_000);
afterAll(() => app?.close());

describe('the policy covers the whole schema', () => {
  it('when the schema is built, then every root field and every User field is classified in src/auth/policy.ts', () => {
    const unclassified = [
      ...Object.keys(queryType.getFields())
        .filter((n) => !(n in QUERY_ACCESS))
        .map((n) => `Query.${n}`),
      ...Object.keys(mutationType.getFields())
        .filter((n) => !(n in MUTATION_ACCESS))
        .map((n) => `Mutation.${n}`),
      ...Object.keys(userType.getFields())
        .filter((n) => !(n in USER_FIELD_ACCESS))
        .map((n) => `User.${n}`),
    ];
    expect(unclassified).toEqual([]);
    // And the tables name nothing that is not in the schema (a renamed field would otherwise keep a stale rule).
    expect(Object.keys(QUERY_ACCESS).filter((n) => !queryType.getFields()[n])).toEqual([]);
    expect(Object.keys(MUTATION_ACCESS).filter((n) => !mutationType.getFields()[n])).toEqual([]);
    expect(Object.keys(USER_FIELD_ACCESS).filter((n) => !userType.getFields()[n])).toEqual([]);
  });

  it('when everything reachable without a check is listed, then it is the public catalog and public User fields only', () => {
    const reached = new Set<string>();
    const visit = (t: GraphQLNamedType) => {
      if (reached.has(t.name) || isLeafType(t)) return;
      reached.add(t.name);
      if (isUnionType(t)) return t.getTypes().forEach(visit);
      if (!isObjectType(t)) return;
      for (const f of Object.values(t.getFields())) {
        if (t.name === 'User' && !isPublicUserField(f.name)) continue; // checked against the viewer
        visit(getNamedType(f.type));
      }
    };
    for (const f of Object.values(queryType.getFields())) {
      if (ruleOf(QUERY_ACCESS, f.name).access === 'public') visit(getNamedType(f.type));
    }
    const unexpected = [...reached].filter(
      (t) => t !== 'User' && t !== '_Entity' && !PUBLIC_TYPES.includes(t),
    );
    expect(unexpected).toEqual([]);
  });

  it('when a field is missing from the tables, then it is enforced as private (fail closed)', async () => {
    const s = applyAccessPolicy(
      buildSubgraphSchema([
        {
          typeDefs: parse(
            `type Query { user: User, brandNew: String }  type User { id: ID! name: String newSecret: String }`,
          ),
          resolvers: {
            Query: { user: () => ({ id: 'u1', name: 'N', newSecret: 'S' }), brandNew: () => 'x' },
          } as never,
        },
      ]),
    );
    const run = (source: string, viewer?: ConstructorParameters<typeof AccessPolicy>[0]) =>
      graphql({ schema: s, source, contextValue: { auth: new AccessPolicy(viewer) } });
    const asOther = { kind: 'user', userId: 'u2', admin: false, scopes: [] } as const;
    const other = await run('{ user { name newSecret } }', asOther);
    expect(other.data).toEqual({ user: { name: 'N', newSecret: null } });
    expect(other.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const own = await run('{ user { newSecret } }', { ...asOther, userId: 'u1' });
    expect(own).toEqual({ data: { user: { newSecret: 'S' } } });
    expect((await run('{ brandNew }', asOther)).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe("another user's data: the leak probe", () => {
  it("when many real and random user ids are probed with another user's token across every user-scoped field and mutation, then nothing leaks", async () => {
    const randomIds: string[] = Array.from({ length: 12 }, () => crypto.randomUUID());
    const realVictims = [LENA, MARCO, YUKI, ...extraUsers];
    const before = new Map(
      await Promise.all(realVictims.map(async (id) => [id, await snapshotOf(id)] as const)),
    );

    interface Probe {
      label: string;
      attacker: string;
      victimIsReal: boolean;
      query: string;
      variables: Record<string, unknown>;
      /** Where the victim's data would be in `data`. */
      at: (data: Record<string, unknown> | null | undefined) => unknown;
    }
    const probes: Probe[] = [];
    const attackers = [LENA, MARCO];
    for (const attacker of attackers) {
      for (const field of PRIVATE_USER_FIELDS) {
        const op = similarUsersOperation(field, attacker);
        probes.push({
          label: `similarUsers → User.${field.name} of the users on ${attacker}'s list`,
          attacker,
          victimIsReal: true,
          query: op.query,
          variables: op.variables,
          at: (d) =>
            (
              d?.user as { similarUsers?: Array<{ user: Record<string, unknown> | null }> } | null
            )?.similarUsers
              ?.map((s) => s.user?.[field.name] ?? null)
              .find((x) => x !== null),
        });
      }
      const victims = [...realVictims.filter((v) => v !== attacker), ...randomIds];
      for (const victim of victims) {
        const victimIsReal = !randomIds.includes(victim);
        for (const field of PRIVATE_USER_FIELDS) {
          for (const op of userFieldOperations(field, victim)) {
            probes.push({
              label: `${op.path} → User.${field.name} of ${victimIsReal ? 'real' : 'random'} ${victim}`,
              attacker,
              victimIsReal,
              query: op.query,
              variables: op.variables,
              at: (d) => {
                const u =
                  op.path === 'user'
                    ? (d?.user as Record<string, unknown> | null | undefined)
                    : ((d?._entities as unknown[] | undefined)?.[0] as
                        Record<string, unknown> | null | undefined);
                return u?.[field.name];
              },
            });
          }
        }
        for (const { op, f } of SELF_ROOT_FIELDS) {
          const { query, variables } = rootOperation(op, f, { userId: victim, contentId: TITLE });
          probes.push({
            label: `${op} ${f.name}(userId: ${victimIsReal ? 'real' : 'random'} ${victim})`,
            attacker,
            victimIsReal,
            query,
            variables,
            at: (d) => d?.[f.name],
          });
        }
      }
    }

    const leaks: string[] = [];
    const unexpected: string[] = [];
    const codes = new Map<string, number>();
    const run = async (p: Probe) => {
      const res = await app.gqlAs(p.attacker, p.query, p.variables);
      const text = JSON.stringify(res);
      const found = p.at(res.data as Record<string, unknown> | null | undefined);
      if (found !== null && found !== undefined && !(Array.isArray(found) && found.length === 0)) {
        leaks.push(`${p.label}: ${JSON.stringify(found).slice(0, 200)}`);
      }
      for (const [owner, values] of secrets) {
        if (owner !== p.attacker && values.some((s) => text.includes(s)))
          leaks.push(`${p.label}: ${owner}'s e-mail`);
      }
      const got = (res.errors ?? []).map((e) => String(e.extensions?.code));
      for (const c of got) codes.set(c, (codes.get(c) ?? 0) + 1);
      // The probe must be refused for who is asking, never fail for another reason (which would prove nothing).
      const refused = got.includes('FORBIDDEN');
      const absent = got.length > 0 && got.every((c) => c === 'NOT_FOUND');
      const quietlyNull = got.length === 0 && found == null && !p.victimIsReal;
      if (res.status !== 200 || !(refused || (!p.victimIsReal && (absent || quietlyNull)))) {
        unexpected.push(`${p.label}: ${res.status} ${text.slice(0, 300)}`);
      }
    };
    const queue = [...probes];
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let p = queue.shift(); p; p = queue.shift()) await run(p);
      }),
    );

    const after = new Map(
      await Promise.all(realVictims.map(async (id) => [id, await snapshotOf(id)] as const)),
    );
    const changed = realVictims.filter((id) => before.get(id) !== after.get(id));
    process.stderr.write(
      `[authorization] ${probes.length} probes (${PRIVATE_USER_FIELDS.length} User fields × 3 paths, ` +
        `${SELF_ROOT_FIELDS.length} user-scoped root fields; ${realVictims.length} real and ${randomIds.length} random ids; ` +
        `2 attackers): ${leaks.length} leaks, ${changed.length} victims changed; errors ${JSON.stringify(Object.fromEntries(codes))}\n`,
    );
    expect(probes.length).toBeGreaterThan(500);
    expect(unexpected).toEqual([]);
    expect(leaks).toEqual([]);
    expect(changed).toEqual([]);
  }, 600_000);

  it('when the same probes are sent anonymously, then each is UNAUTHENTICATED and nothing is returned', async () => {
    const victim = MARCO;
    const failures: string[] = [];
    for (const field of PRIVATE_USER_FIELDS) {
      const [op] = userFieldOperations(field, victim);
      const res = await app.gqlAs(null, op.query, op.variables);
      const u = (res.data as { user: Record<string, unknown> | null } | null)?.user;
      if (u?.[field.name] != null || !res.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) {
        failures.push(`User.${field.name}: ${JSON.stringify(res)}`);
      }
    }
    for (const { op, f } of [...SELF_ROOT_FIELDS, ...ADMIN_ROOT_FIELDS]) {
      const { query, variables } = rootOperation(op, f, { userId: victim, contentId: TITLE });
      const res = await app.gqlAs(null, query, variables);
      if (
        (res.data as Record<string, unknown> | null)?.[f.name] != null ||
        res.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED'
      ) {
        failures.push(`${op} ${f.name}: ${JSON.stringify(res)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('when a viewer without the admin scope uses an administration field, then it is FORBIDDEN and nothing is written', async () => {
    const failures: string[] = [];
    for (const { op, f } of ADMIN_ROOT_FIELDS) {
      const { query, variables } = rootOperation(op, f, { userId: LENA, contentId: TITLE });
      const res = await app.gqlAs(LENA, query, variables);
      if (
        (res.data as Record<string, unknown> | null)?.[f.name] != null ||
        res.errors?.[0]?.extensions?.code !== 'FORBIDDEN'
      ) {
        failures.push(`${op} ${f.name}: ${JSON.stringify(res)}`);
      }
    }
    expect(failures).toEqual([]);
    const title = await app.gqlAs<{ content: { title: string } }>(
      null,
      `{ content(id: "${TITLE}") { title } }`,
    );
    expect(title.data?.content.title).toBe(DEMO_TITLES[0].title);
  });
});

describe('own data, administrators and anonymous viewers', () => {
  it("when a viewer reads every private field of their own user, then it is all there, with other users' public fields only", async () => {
    const sel = PRIVATE_USER_FIELDS.map((f) => `${f.name} ${fieldSelection(f)}`).join(' ');
    const res = await app.gqlAs<{ user: Record<string, unknown> }>(
      LENA,
      `query ($id: UUID!) { user(id: $id) { id name ${sel} } }`,
      { id: LENA },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.user.email).toBe('lena@example.com');
    expect(
      (res.data!.user.similarUsers as Array<{ user: { name: string } }>).map((s) => s.user.name),
    ).toContain('Marco Rossi');
  });

  it('when a viewer names their own id in upper case or braces, then it is still theirs', async () => {
    const res = await app.gqlAs<{ user: { email: string } }>(
      LENA,
      `query ($id: UUID!) { user(id: $id) { email } }`,
      {
        id: `{${LENA.toUpperCase()}}`,
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.user.email).toBe('lena@example.com');
  });

  it('when a viewer changes their own data, then it works; the same change for another user is FORBIDDEN', async () => {
    const rate = `mutation ($u: UUID!, $c: UUID!) { rateContent(userId: $u, contentId: $c, rating: 5) { rating user { id } } }`;
    const own = await app.gqlAs<{ rateContent: { rating: number } }>(LENA, rate, { u: LENA, c: TITLE });
    expect(own.errors).toBeUndefined();
    expect(own.data!.rateContent.rating).toBe(5);
    const other = await app.gqlAs(LENA, rate, { u: MARCO, c: TITLE });
    expect(other.data).toBeNull();
    expect(other.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });

  it("when an admin reads and modifies any user's data and the catalog, then it works", async () => {
    const read = await app.gql<{ user: { email: string; recentlyWatched: { edges: unknown[] } } }>(
      `query ($id: UUID!) { user(id: $id) { email recentlyWatched(first: 2) { edges { node { title } } } } }`,
      { id: MARCO },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data!.user.email).toBe('marco@example.com');
    expect(read.data!.user.recentlyWatched.edges.length).toBeGreaterThan(0);
    const prefs = await app.gql<{ updatePreferences: { user: { preferredGenres: string[] } } }>(
      `mutation ($u: UUID!) { updatePreferences(userId: $u, addGenres: ["thriller"]) { user { preferredGenres } } }`,
      { u: YUKI },
    );
    expect(prefs.errors).toBeUndefined();
    expect(prefs.data!.updatePreferences.user.preferredGenres).toContain('thriller');
    const byEmail = await app.gql<{ userByEmail: { id: string } }>(
      `{ userByEmail(email: "yuki@example.com") { id } }`,
    );
    expect(byEmail.data?.userByEmail.id).toBe(YUKI);
    const renamed = await app.gql<{ renameContent: { content: { title: string } } }>(
      `mutation ($id: UUID!) { renameContent(id: $id, title: "The Last Algorithm") { content { title } } }`,
      { id: TITLE },
    );
    expect(renamed.errors).toBeUndefined();
    // The admin's own token names no user: it reads others' data by the admin scope alone.
    expect(ADMIN_SUBJECT).not.toBe(YUKI);
  });

  it('when an anonymous client reads the public catalog and public profile, then it works', async () => {
    const res = await app.gqlAs<{
      topPicks: unknown[];
      contentByGenre: { edges: unknown[] };
      content: { title: string };
      contents: unknown[];
      user: { name: string };
    }>(
      null,
      `query ($c: UUID!, $u: UUID!, $r: [_Any!]!) {
        topPicks(first: 3) { rank title content { title genre } }
        contentByGenre(genre: "sci-fi", first: 2) { edges { node { title } } pageInfo { hasNextPage } }
        content(id: $c) { title ratingAvg similar(first: 2) { title } }
        contents(ids: [$c]) { title }
        user(id: $u) { id name }
        _entities(representations: $r) { ... on Content { title } }
      }`,
      { c: TITLE, u: LENA, r: [{ __typename: 'Content', id: TITLE }] },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.topPicks.length).toBeGreaterThan(0);
    expect(res.data!.contentByGenre.edges.length).toBeGreaterThan(0);
    expect(res.data!.content.title).toBe(DEMO_TITLES[0].title);
    expect(res.data!.user.name).toBe('Lena Fischer');
  });

  it('when an anonymous client asks for user data, then UNAUTHENTICATED says a token is needed', async () => {
    const res: GraphQLResponse<{ user: unknown }> = await app.gqlAs(
      null,
      `{ user(id: "${LENA}") { name continueWatching { title } } }`,
    );
    expect(res.status).toBe(200);
    expect(res.data?.user).toBeNull();
    expect(res.errors).toEqual([
      expect.objectContaining({
        path: ['user', 'continueWatching'],
        message: expect.stringContaining('needs a bearer token'),
        extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }),
      }),
    ]);
  });
});
