/**
 * Hostile requests for the fuzz specification: deterministic (seeded), grouped by category. Every case is malformed
 * in a way the service must refuse with an error that has a code — none of them is a valid request.
 */
import { LENA, MARCO } from '../../src/seed/demo-data';

export interface FuzzRequest {
  method: string;
  /** Appended to the endpoint URL (query string for GET). */
  search?: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Send the body chunked (no content-length). */
  chunked?: boolean;
}

export interface FuzzCase {
  category: string;
  name: string;
  request: FuzzRequest;
}

/** Real cursors from the running service, for tampering. */
export interface RealCursors {
  lenaHistory: string;
  marcoHistory: string;
  lenaForYou: string;
  genre: string;
}

/** mulberry32: a small seeded PRNG, so every run sends the same requests. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JSON_CT = { 'content-type': 'application/json' };

function gql(query: string, variables?: unknown, extra: Record<string, unknown> = {}): FuzzRequest {
  return {
    method: 'POST',
    headers: JSON_CT,
    body: JSON.stringify({ query, ...(variables === undefined ? {} : { variables }), ...extra }),
  };
}

/** Fields that take a UUID, as (inline value) → query and (variable) → query + variables. */
const UUID_INLINE: Array<(v: string) => string> = [
  (v) => `{ user(id: ${v}) { name } }`,
  (v) => `{ content(id: ${v}) { title } }`,
  (v) => `{ contents(ids: [${v}]) { title } }`,
];
const UUID_VARIABLE: Array<[string, (v: unknown) => unknown]> = [
  ['query ($id: UUID!) { user(id: $id) { name } }', (v) => ({ id: v })],
  ['query ($id: UUID!) { content(id: $id) { title } }', (v) => ({ id: v })],
  ['query ($ids: [UUID!]!) { contents(ids: $ids) { title } }', (v) => ({ ids: [v] })],
];

const PAGED: Array<(first: string, after?: string) => string> = [
  (f, a) =>
    `{ user(id: "${LENA}") { recentlyWatched(first: ${f}${a ? `, after: ${a}` : ''}) { edges { cursor } } } }`,
  (f, a) => `{ user(id: "${LENA}") { forYou(first: ${f}${a ? `, after: ${a}` : ''}) { edges { cursor } } } }`,
  (f, a) =>
    `{ contentByGenre(genre: "sci-fi", first: ${f}${a ? `, after: ${a}` : ''}) { edges { cursor } } }`,
  (f, a) => `{ usersWhoLike(genre: "sci-fi", first: ${f}${a ? `, after: ${a}` : ''}) { edges { cursor } } }`,
];

const INVALID_UUIDS = [
  '',
  ' ',
  '1234',
  'not-a-uuid',
  'aaaa1111-1111-1111-1111-11111111111',
  'aaaa1111-1111-1111-1111-1111111111111',
  'gggg1111-1111-1111-1111-111111111111',
  'aaaa1111_1111_1111_1111_111111111111',
  'aaaa1111-1111-1111-1111-111111111111 ',
  ' aaaa1111-1111-1111-1111-111111111111',
  'aaaa1111-1111-1111-1111-11111111111z',
  "'; DROP TABLE users; --",
  'aaaa1111-1111-1111-1111-111111111111\u0000',
  'aaaa1111-1111-1111-1111-111111111111\u200b',
  '\u0661\u0662\u0663\u0664aaaa-1111-1111-1111-111111111111',
  'ａａａａ1111-1111-1111-1111-111111111111',
  'now()',
  'uuid()',
  '../../etc/passwd',
  '%00',
  'null',
  'undefined',
  '[object Object]',
  '{aaaa1111-1111-1111-1111-111111111111',
  'aaaa1111-1111-1111-1111-111111111111}',
  'aaaa1111-1111-1111-1111--11111111111',
  '-aaaa1111-1111-1111-1111-11111111111',
  'aaaa11111111-1111-1111-111111111111-',
  'x'.repeat(36),
  '0x' + 'a'.repeat(32),
];

/** JSON.stringify escapes lone surrogates; this writes them raw so the server sees invalid UTF-16 in a JSON string. */
function jsonWithLoneSurrogate(query: string, value: string): string {
  return `{"query":${JSON.stringify(query)},"variables":{"v":"${value}"}}`;
}

export function buildFuzzCases(cursors: RealCursors, seed = 20261123): FuzzCase[] {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const cases: FuzzCase[] = [];
  const add = (category: string, name: string, request: FuzzRequest) =>
    cases.push({ category, name, request });

  // ---- invalid JSON ------------------------------------------------------------------------------------------
  const valid = JSON.stringify({
    query: `query Q($id: UUID!) { user(id: $id) { name } }`,
    variables: { id: LENA },
  });
  for (let i = 1; i < valid.length; i += Math.max(1, Math.floor(valid.length / 60))) {
    add('invalid JSON', `truncated at ${i}`, { method: 'POST', headers: JSON_CT, body: valid.slice(0, i) });
  }
  const junk = [
    '{',
    '}',
    '[',
    '{"query"}',
    "{'query':'{ __typename }'}",
    '{"query":"{ __typename }",}',
    'NaN',
    'undefined',
    '{"query":"{ __typename }"}}',
    '{"query":"{ __typename }"} trailing',
    '\ufeff{"query":"{ __typename }"}',
    '{"query":"\\x41"}',
    '{"query":"{ __typename }","variables":{',
    '{"query":01}',
    '{"query":"a\nb"}',
    '{"query":"{ __typename }" "x":1}',
    '0',
    'true',
    'null',
    '"{ __typename }"',
    '[]',
    '{}',
    '{"query":null}',
    '{"query":""}',
    '{"query":"   "}',
    '{"query":["{ __typename }"]}',
    '{"query":{"kind":"Document"}}',
  ];
  for (const j of junk)
    add('invalid JSON', `junk ${JSON.stringify(j).slice(0, 30)}`, {
      method: 'POST',
      headers: JSON_CT,
      body: j,
    });
  for (let i = 0; i < 25; i++) {
    const bytes = Buffer.alloc(1 + int(400));
    for (let k = 0; k < bytes.length; k++) bytes[k] = int(256);
    add('invalid JSON', `random bytes ${i}`, { method: 'POST', headers: JSON_CT, body: bytes });
  }

  // ---- wrong content types and methods ----------------------------------------------------------------------
  const body = JSON.stringify({ query: `{ user(id: "${LENA}") { name } }` });
  const types = [
    'text/plain',
    'text/plain; charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
    'text/html',
    'application/octet-stream',
    'image/png',
    'application/graphql',
    'application/jsonp',
    'application/javascript',
    'text/json',
    'json',
    '*/*',
    'application/',
    'application/x-json',
  ];
  for (const ct of types) {
    add('wrong content type', ct, { method: 'POST', headers: { 'content-type': ct }, body });
    add('wrong content type', `${ct} (GraphQL text body)`, {
      method: 'POST',
      headers: { 'content-type': ct },
      body: `{ user(id: "${LENA}") { name } }`,
    });
  }
  add('wrong content type', 'no content-type', { method: 'POST', headers: {}, body });
  for (const m of ['PUT', 'DELETE', 'PATCH'])
    add('wrong content type', `method ${m}`, { method: m, headers: JSON_CT, body });
  add('wrong content type', 'GET without CSRF preflight header', {
    method: 'GET',
    search: `?query=${encodeURIComponent('{ __typename }')}`,
    headers: {},
  });
  add('wrong content type', 'GET without a query', {
    method: 'GET',
    headers: { 'apollo-require-preflight': '1' },
  });
  add('wrong content type', 'GET with a mutation', {
    method: 'GET',
    search: `?query=${encodeURIComponent('mutation { x }')}`,
    headers: { 'apollo-require-preflight': '1' },
  });
  add('wrong content type', 'GET with variables not JSON', {
    method: 'GET',
    search: `?query=${encodeURIComponent('query ($id: UUID!) { user(id: $id) { name } }')}&variables=%7Bnope`,
    headers: { 'apollo-require-preflight': '1' },
  });
  add('wrong content type', 'GET with extensions not JSON', {
    method: 'GET',
    search: `?query=${encodeURIComponent('{ __typename }')}&extensions=%5B`,
    headers: { 'apollo-require-preflight': '1' },
  });
  add('wrong content type', 'POST with an empty body', { method: 'POST', headers: JSON_CT, body: '' });

  // ---- wrong variable types ---------------------------------------------------------------------------------
  const wrong: unknown[] = [123, -1, 1.5, true, false, {}, [], [[]], { id: LENA }, null, 1e308, '', ' '];
  for (const [query, vars] of UUID_VARIABLE)
    for (const w of wrong)
      add('wrong variable types', `${query.slice(8, 30)} ← ${JSON.stringify(w)}`, gql(query, vars(w)));
  const firstQ = `query ($f: Int) { user(id: "${LENA}") { recentlyWatched(first: $f) { edges { cursor } } } }`;
  for (const w of ['10', 1.5, {}, [], true, 2 ** 31, -(2 ** 31) - 1, 1e100, '1e3', [10], -1, 101])
    add('wrong variable types', `first ← ${JSON.stringify(w)}`, gql(firstQ, { f: w }));
  const emailQ = 'query ($e: EmailAddress!) { userByEmail(email: $e) { name } }';
  for (const w of [
    5,
    true,
    {},
    [],
    null,
    '',
    'not-an-email',
    'a@',
    '@example.com',
    'lena@@example.com',
    'lena example.com',
    'lena@example..com',
  ])
    add('wrong variable types', `email ← ${JSON.stringify(w)}`, gql(emailQ, { e: w }));
  const genreQ = 'query ($g: String!) { contentByGenre(genre: $g, first: 3) { edges { cursor } } }';
  for (const w of [5, true, {}, [], null, '', '   ', 'sci-fi; DROP', 'a'.repeat(41), '<script>'])
    add('wrong variable types', `genre ← ${JSON.stringify(w)}`, gql(genreQ, { g: w }));
  const entQ =
    'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { name } ... on Content { title } } }';
  for (const w of [
    [{}],
    [{ __typename: 'Nope', id: LENA }],
    [{ __typename: 'User' }],
    [{ __typename: 'User', id: 'bad' }],
    [{ __typename: 'Content', id: 42 }],
    [null],
    'x',
    [{ __typename: 5 }],
    [{ __typename: 'User', id: { nested: true } }],
  ])
    add('wrong variable types', `representations ← ${JSON.stringify(w).slice(0, 40)}`, gql(entQ, { r: w }));
  for (const v of ['variables as string', 'variables as array', 'variables as number'] as const) {
    const value = v.endsWith('string') ? '{"id":"x"}' : v.endsWith('array') ? [LENA] : 5;
    add('wrong variable types', v, gql(UUID_VARIABLE[0][0], value));
  }
  add('wrong variable types', 'required variable missing', gql(UUID_VARIABLE[0][0], {}));
  add('wrong variable types', 'variable not declared', gql('{ user(id: $id) { name } }', { id: LENA }));
  add(
    'wrong variable types',
    'variable of an unknown type',
    gql('query ($id: Nope!) { user(id: $id) { name } }', { id: LENA }),
  );
  add(
    'wrong variable types',
    'variable type mismatch (String for UUID)',
    gql('query ($id: String!) { user(id: $id) { name } }', { id: LENA }),
  );

  // ---- huge strings -----------------------------------------------------------------------------------------
  for (const size of [1_000, 10_000, 100_000, 500_000, 900_000]) {
    const s = 'a'.repeat(size);
    add('huge strings', `id variable ${size}`, gql(UUID_VARIABLE[0][0], { id: s }));
    add('huge strings', `id inline ${size}`, gql(`{ user(id: "${s}") { name } }`));
    add('huge strings', `email ${size}`, gql(emailQ, { e: `${s}@example.com` }));
    add('huge strings', `genre ${size}`, gql(genreQ, { g: s }));
    add(
      'huge strings',
      `cursor ${size}`,
      gql(
        `query ($a: String) { user(id: "${LENA}") { recentlyWatched(first: 2, after: $a) { edges { cursor } } } }`,
        { a: s },
      ),
    );
    add(
      'huge strings',
      `operationName ${size}`,
      gql('query Q { __typename }', undefined, { operationName: s }),
    );
    add('huge strings', `field name ${size}`, gql(`{ ${'f'.repeat(size)} }`));
    add('huge strings', `unicode genre ${size}`, gql(genreQ, { g: '💥'.repeat(Math.floor(size / 4)) }));
  }

  // ---- deep nesting -----------------------------------------------------------------------------------------
  for (const d of [11, 12, 20, 50, 100, 300, 600, 999, 1500]) {
    add('deep nesting', `selection depth ${d}`, gql(`{ ${'user { '.repeat(d)}name${' }'.repeat(d)} }`));
    add(
      'deep nesting',
      `list literal depth ${d}`,
      gql(`{ contents(ids: ${'['.repeat(d)}"${LENA}"${']'.repeat(d)}) { title } }`),
    );
    add(
      'deep nesting',
      `variable array depth ${d}`,
      gql('query ($ids: [UUID!]!) { contents(ids: $ids) { title } }', {
        ids: JSON.parse(`${'['.repeat(d)}"${LENA}"${']'.repeat(d)}`),
      }),
    );
  }
  for (const d of [1_000, 5_000, 20_000, 100_000]) {
    add('deep nesting', `JSON body nesting ${d}`, {
      method: 'POST',
      headers: JSON_CT,
      body: `{"query":"{ __typename }","variables":{"v":${'['.repeat(d)}${']'.repeat(d)}}, "x": 1`,
    });
    add('deep nesting', `JSON variable nesting ${d}`, {
      method: 'POST',
      headers: JSON_CT,
      body: `{"query":"query ($ids: [UUID!]!) { contents(ids: $ids) { title } }","variables":{"ids":${'['.repeat(d)}${']'.repeat(d)}}}`,
    });
  }
  for (const d of [11, 30, 100]) {
    const frags = Array.from(
      { length: d },
      (_, i) => `fragment F${i} on User { ${i + 1 < d ? `similar: user { ...F${i + 1} }` : 'name'} }`,
    );
    add('deep nesting', `fragment chain ${d}`, gql(`{ user(id: "${LENA}") { ...F0 } } ${frags.join(' ')}`));
  }
  for (const d of [11, 15, 25]) {
    const q = `{ user(id: "${LENA}") { ${'recentlyWatched(first: 1) { edges { node { content { '.repeat(1)}title } } } } ${'__typename '.repeat(0)}}}`;
    add(
      'deep nesting',
      `real fields + padding depth ${d}`,
      gql(q.replace('title', `${'a { '.repeat(d)}b${' }'.repeat(d)}`)),
    );
  }

  // ---- alias bombs ------------------------------------------------------------------------------------------
  for (const n of [16, 20, 32, 64, 100, 200, 300, 500]) {
    add(
      'alias bombs',
      `${n} aliased user reads`,
      gql(`{ ${Array.from({ length: n }, (_, i) => `u${i}: user(id: "${LENA}") { name }`).join(' ')} }`),
    );
    add(
      'alias bombs',
      `${n} aliased home screens`,
      gql(
        `{ ${Array.from({ length: n }, (_, i) => `h${i}: user(id: "${LENA}") { homeScreen { shelves { id } } }`).join(' ')} }`,
      ),
    );
    add(
      'alias bombs',
      `${n} same alias`,
      gql(`{ ${Array.from({ length: n }, () => `a: topPicks(first: 1) { title }`).join(' ')} }`),
    );
    add(
      'alias bombs',
      `${n} nested aliases`,
      gql(
        `{ user(id: "${LENA}") { ${Array.from({ length: n }, (_, i) => `r${i}: recentlyWatched(first: 100) { edges { cursor } }`).join(' ')} } }`,
      ),
    );
    add(
      'alias bombs',
      `${n} aliases through a fragment`,
      gql(
        `{ user(id: "${LENA}") { ...A } } fragment A on User { ${Array.from({ length: n }, (_, i) => `n${i}: name`).join(' ')} }`,
      ),
    );
    add(
      'alias bombs',
      `${n} aliased _entities`,
      gql(
        `{ ${Array.from({ length: n }, (_, i) => `e${i}: _entities(representations: [{__typename: "User", id: "${LENA}"}]) { __typename }`).join(' ')} }`,
      ),
    );
  }

  // ---- fragment bombs ---------------------------------------------------------------------------------------
  for (const k of [5, 8, 10, 15, 20, 25, 30]) {
    const frags = Array.from({ length: k }, (_, i) =>
      i + 1 < k
        ? `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} a${i}: topPicks(first: 1) { title } }`
        : `fragment F${i} on Query { topPicks(first: 100) { title ratingAvg } }`,
    );
    add('fragment bombs', `exponential fragments ${k}`, gql(`{ ...F0 } ${frags.join(' ')}`));
    const fields = Array.from(
      { length: k },
      (_, i) => `fragment G${i} on User { ${i + 1 < k ? `...G${i + 1} ...G${i + 1}` : 'name email'} }`,
    );
    add(
      'fragment bombs',
      `exponential field fragments ${k}`,
      gql(`{ user(id: "${LENA}") { ...G0 } } ${fields.join(' ')}`),
    );
  }
  add(
    'fragment bombs',
    'two-fragment cycle',
    gql('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }'),
  );
  add('fragment bombs', 'self-spreading fragment', gql('{ ...A } fragment A on Query { ...A }'));
  add(
    'fragment bombs',
    'cycle through a field',
    gql(
      `{ user(id: "${LENA}") { ...U } } fragment U on User { homeScreen { shelves { items { content { id } } } } ...V } fragment V on User { ...U }`,
    ),
  );
  for (const n of [2, 10, 50, 200]) {
    add(
      'fragment bombs',
      `${n} unused fragments`,
      gql(
        `{ __typename } ${Array.from({ length: n }, (_, i) => `fragment X${i} on Query { __typename }`).join(' ')}`,
      ),
    );
    add(
      'fragment bombs',
      `${n}-long cycle`,
      gql(
        `{ ...C0 } ${Array.from({ length: n }, (_, i) => `fragment C${i} on Query { ...C${(i + 1) % n} }`).join(' ')}`,
      ),
    );
    add(
      'fragment bombs',
      `${n} spreads of an unknown fragment`,
      gql(`{ ${Array.from({ length: n }, () => '...Nope').join(' ')} }`),
    );
  }
  add('fragment bombs', 'fragment on an unknown type', gql('{ ...A } fragment A on Nope { x }'));
  add(
    'fragment bombs',
    'fragment on an impossible type',
    gql(`{ user(id: "${LENA}") { ...A } } fragment A on Content { title }`),
  );
  add(
    'fragment bombs',
    'duplicate fragment names',
    gql('{ ...A } fragment A on Query { __typename } fragment A on Query { __typename }'),
  );
  for (let i = 0; i < 20; i++) {
    const width = 2 + int(4);
    const depth = 6 + int(20);
    const frags = Array.from({ length: depth }, (_, j) =>
      j + 1 < depth
        ? `fragment R${j} on Query { ${Array.from({ length: width }, () => `...R${j + 1}`).join(' ')} }`
        : `fragment R${j} on Query { topPicks(first: 50) { title } }`,
    );
    add('fragment bombs', `random fan-out ${width}^${depth}`, gql(`{ ...R0 } ${frags.join(' ')}`));
  }

  // ---- unknown fields ---------------------------------------------------------------------------------------
  const unknownQueries = [
    '{ nope }',
    '{ users { id } }',
    '{ usr(id: "x") { id } }',
    `{ user(id: "${LENA}") { password } }`,
    `{ user(id: "${LENA}") { name { first } } }`,
    `{ user(id: "${LENA}") }`,
    `{ user(id: "${LENA}", admin: true) { name } }`,
    `{ user(uid: "${LENA}") { name } }`,
    `{ user { name } }`,
    '{ topPicks(first: 3, orderBy: "x") { title } }',
    '{ topPicks(first: 3) { title @nope } }',
    '{ __typename @skip }',
    '{ __typename @include(if: "yes") }',
    'mutation { deleteEverything }',
    'mutation { recordWatch }',
    'subscription { ticks }',
    '{ _service { nope } }',
    '{ _entities { id } }',
    '{ ... on Nope { x } }',
    '{ user(id: $undeclared) { name } }',
    'query A { __typename } query A { __typename }',
    'query A { __typename } query B { __typename }',
    '{ __typename } { __typename }',
    'query { ... on Query { nope } }',
    '{ content(id: null) { title } }',
    `{ contents(ids: null) { title } }`,
    `{ homeScreen { shelves { id } } }`,
    `{ user(id: "${LENA}") { homeScreen { nope } } }`,
    `{ user(id: "${LENA}") { recentlyWatched { nodes { title } } } }`,
    `{ user(id: "${LENA}") { forYou { edges { node { reason { nope } } } } } }`,
    'directive @x on FIELD',
    'type Foo { id: ID }',
    'schema { query: Query }',
    'extend type Query { x: Int }',
    'scalar X',
    '{',
    '{ }',
    '}',
    'query',
    'query ($: Int) { __typename }',
    '{ __typename(arg: 1) }',
    '{ __schema { nope } }',
    `{ user(id: "${LENA}") { ... on Content { title } } }`,
  ];
  for (const q of unknownQueries) add('unknown fields', q.slice(0, 50), gql(q));
  for (let i = 0; i < 30; i++) {
    const name = Array.from({ length: 3 + int(12) }, () =>
      pick('abcdefghijklmnopqrstuvwxyz_'.split('')),
    ).join('');
    add(
      'unknown fields',
      `random field ${name}`,
      gql(rnd() < 0.5 ? `{ ${name} }` : `{ user(id: "${LENA}") { ${name} } }`),
    );
  }
  add(
    'unknown fields',
    'unknown operationName',
    gql('query A { __typename }', undefined, { operationName: 'B' }),
  );
  add(
    'unknown fields',
    'operationName not a string',
    gql('query A { __typename }', undefined, { operationName: 5 }),
  );
  add('unknown fields', 'extensions not an object', gql('{ __typename }', undefined, { extensions: 'x' }));
  add(
    'unknown fields',
    'persisted query not found',
    gql(undefined as never, undefined, {
      extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
    }),
  );

  // ---- invalid UUIDs ----------------------------------------------------------------------------------------
  for (const bad of INVALID_UUIDS) {
    for (const q of UUID_INLINE)
      add(
        'invalid UUIDs',
        `${q('X').slice(2, 20)} ${JSON.stringify(bad).slice(0, 30)}`,
        gql(q(JSON.stringify(bad))),
      );
    const [query, vars] = pick(UUID_VARIABLE);
    add('invalid UUIDs', `variable ${JSON.stringify(bad).slice(0, 30)}`, gql(query, vars(bad)));
    add(
      'invalid UUIDs',
      `_entities User ${JSON.stringify(bad).slice(0, 30)}`,
      gql(entQ, { r: [{ __typename: rnd() < 0.5 ? 'User' : 'Content', id: bad }] }),
    );
  }

  // ---- negative and huge `first` ----------------------------------------------------------------------------
  for (const f of [
    '-1',
    '-2',
    '-100',
    '-2147483648',
    '101',
    '1000',
    '65536',
    '2147483647',
    '2147483648',
    '99999999999999999999',
    '1.5',
    '"10"',
    'null1',
    '-0.5',
    'true',
  ]) {
    for (const q of PAGED) add('first', `${q('F').slice(2, 28)} first=${f}`, gql(q(f)));
    add('first', `topPicks first=${f}`, gql(`{ topPicks(first: ${f}) { title } }`));
  }
  for (const f of ['-1', '101', '2147483648']) {
    add(
      'first',
      `homeScreen itemsPerShelf=${f}`,
      gql(`{ user(id: "${LENA}") { homeScreen(itemsPerShelf: ${f}) { shelves { id } } } }`),
    );
    add(
      'first',
      `continueWatching first=${f}`,
      gql(`{ user(id: "${LENA}") { continueWatching(first: ${f}) { title } } }`),
    );
  }

  // ---- forged cursors ---------------------------------------------------------------------------------------
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
  const forged: string[] = [
    ' ',
    'x',
    '.',
    '..',
    'null',
    '{}',
    '[]',
    '%%%',
    '\u0000',
    '😀',
    'WyJ4Il0',
    'WyJ4Il0.',
    '.abc',
    Buffer.from(JSON.stringify([0, LENA])).toString('base64url') + '.AAAAAAAAAAAAAAAAAAAAAA',
    Buffer.from('not json').toString('base64url') + '.' + cursors.lenaHistory.split('.')[1],
    cursors.lenaHistory.split('.')[0] + '.',
    cursors.lenaHistory + '.extra',
    cursors.lenaHistory.replace('.', '..'),
    cursors.lenaHistory.toUpperCase(),
  ];
  for (let i = 0; i < 20; i++)
    forged.push(Array.from({ length: 8 + int(80) }, () => pick(b64.split(''))).join(''));
  for (let i = 0; i < 12; i++) forged.push(flip(cursors.lenaHistory, int(cursors.lenaHistory.length)));
  for (let i = 0; i < 6; i++) forged.push(flip(cursors.genre, int(cursors.genre.length)));
  for (const c of forged)
    add('forged cursors', `recentlyWatched after ${c.slice(0, 24)}`, gql(PAGED[0]('2', JSON.stringify(c))));
  add(
    'forged cursors',
    "Lena's history cursor on Marco's history",
    gql(
      `{ user(id: "${MARCO}") { recentlyWatched(first: 2, after: ${JSON.stringify(cursors.lenaHistory)}) { edges { cursor } } } }`,
    ),
  );
  add(
    'forged cursors',
    "Marco's history cursor on Lena's history",
    gql(PAGED[0]('2', JSON.stringify(cursors.marcoHistory))),
  );
  add('forged cursors', 'history cursor on forYou', gql(PAGED[1]('2', JSON.stringify(cursors.lenaHistory))));
  add('forged cursors', 'forYou cursor on history', gql(PAGED[0]('2', JSON.stringify(cursors.lenaForYou))));
  add('forged cursors', 'genre cursor on usersWhoLike', gql(PAGED[3]('2', JSON.stringify(cursors.genre))));
  add(
    'forged cursors',
    'history cursor on contentByGenre',
    gql(PAGED[2]('2', JSON.stringify(cursors.lenaHistory))),
  );
  add(
    'forged cursors',
    'forYou cursor on usersWhoLike',
    gql(PAGED[3]('2', JSON.stringify(cursors.lenaForYou))),
  );
  add(
    'forged cursors',
    'genre cursor on another genre',
    gql(
      `{ contentByGenre(genre: "documentary", first: 2, after: ${JSON.stringify(cursors.genre)}) { edges { cursor } } }`,
    ),
  );
  for (const c of forged.slice(0, 20))
    add('forged cursors', `forYou after ${c.slice(0, 24)}`, gql(PAGED[1]('2', JSON.stringify(c))));

  // ---- oversized bodies -------------------------------------------------------------------------------------
  for (const size of [1_000_001, 1_200_000, 2_000_000, 5_000_000, 10_000_000, 15_000_000]) {
    const pad = 'x'.repeat(size);
    add('oversized bodies', `${size} bytes`, {
      method: 'POST',
      headers: JSON_CT,
      body: JSON.stringify({ query: '{ __typename }', pad }),
    });
    add('oversized bodies', `${size} bytes, chunked`, {
      method: 'POST',
      headers: JSON_CT,
      body: JSON.stringify({ query: '{ __typename }', pad }),
      chunked: true,
    });
    add('oversized bodies', `${size} bytes of query`, {
      method: 'POST',
      headers: JSON_CT,
      body: JSON.stringify({ query: `{ ${'__typename '.repeat(Math.ceil(size / 11))}}` }),
    });
    add('oversized bodies', `${size} bytes, not JSON`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: pad,
    });
  }

  // ---- unicode edge cases -----------------------------------------------------------------------------------
  const weird = [
    '\ud800',
    '\udfff',
    '\ud83d',
    '\\u0000',
    '\u202e',
    '\u200b',
    '\ufeff',
    '\u0301',
    'ﬀ',
    'İ',
    '\u2028',
    '\u2029',
    '𝕬',
    '👩‍👩‍👧',
    '\u00a0',
    '\uffff',
    '\u0085',
  ];
  for (const w of weird) {
    const esc = JSON.stringify(w).slice(1, -1);
    add(
      'unicode',
      `UUID with ${esc}`,
      gql(UUID_VARIABLE[0][0], { id: `aaaa1111-1111-1111-1111-11111111111${w}` }),
    );
    add('unicode', `email with ${esc}`, gql(emailQ, { e: `le${w}na@exa${w}mple.com` }));
    add('unicode', `field name with ${esc}`, gql(`{ us${w}er(id: "${LENA}") { name } }`));
    add('unicode', `genre with ${esc}`, gql(genreQ, { g: `sci${w}fi` }));
    add('unicode', `cursor with ${esc}`, gql(PAGED[0]('2', JSON.stringify(cursors.lenaHistory + w))));
    add('unicode', `lone surrogate escape in variable (${esc})`, {
      method: 'POST',
      headers: JSON_CT,
      body: jsonWithLoneSurrogate(
        UUID_VARIABLE[0][0].replace('$id', '$v').replace('$id', '$v'),
        '\\ud800' + esc,
      ),
    });
  }
  for (const bytes of [
    [0xff],
    [0xfe, 0xff],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe2, 0x82],
    [0x80],
  ]) {
    const raw = Buffer.concat([
      Buffer.from(
        `{"query":"query ($id: UUID!) { user(id: $id) { name } }","variables":{"id":"aaaa1111-1111-1111-1111-1111111111`,
      ),
      Buffer.from(bytes),
      Buffer.from('"}}'),
    ]);
    add('unicode', `invalid UTF-8 ${bytes.map((b) => b.toString(16)).join(' ')} in a value`, {
      method: 'POST',
      headers: JSON_CT,
      body: raw,
    });
    const rawQuery = Buffer.concat([
      Buffer.from('{"query":"{ us'),
      Buffer.from(bytes),
      Buffer.from('er { name } }"}'),
    ]);
    add('unicode', `invalid UTF-8 ${bytes.map((b) => b.toString(16)).join(' ')} in the query`, {
      method: 'POST',
      headers: JSON_CT,
      body: rawQuery,
    });
  }
  add('unicode', 'UTF-16 body', {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-16' },
    body: Buffer.from(`{"query":"{ nope }"}`, 'utf16le'),
  });
  add('unicode', 'homoglyph e-mail (Cyrillic е)', gql(emailQ, { e: 'lеna@example.com' }));
  add('unicode', 'fullwidth digits in first', gql(`{ topPicks(first: ２) { title } }`));
  add('unicode', 'RTL override in operation name', gql('query Q\u202eX { __typename }'));
  add('unicode', 'NUL in query text', gql('{ __typename\u0000 }'));
  add('unicode', 'emoji operation name', gql('query 😀 { __typename }'));
  return cases;
}
