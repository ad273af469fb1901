import pLimit from 'p-limit';
import { createLogger } from '../src/logger';
import { LENA, MARCO } from '../src/seed/demo-data';
import { buildFuzzCases, type FuzzCase, type FuzzRequest } from './support/fuzz-cases';
import { createTestApp, type TestApp } from './support/app';

/**
 * Hostile input: more than a thousand malformed requests, each of which must be answered (no crash, no dropped
 * connection), never with a 5xx, always with `errors[]` whose every entry has a message and an `extensions.code`;
 * nothing may be written, and the service must answer normally afterwards.
 */
const HOME = `{ user(id: "${LENA}") { name homeScreen(itemsPerShelf: 5) { shelves { id items { title content { genre } } } } } }`;

interface Outcome {
  category: string;
  name: string;
  status: number | null;
  problem: string | null;
  codes: string[];
}

let app: TestApp;
const logLines: string[] = [];

beforeAll(async () => {
  app = await createTestApp({
    seed: true,
    log: createLogger('warn', {}, { write: (s: string) => void logLines.push(s) }),
  });
});
afterAll(() => app.close());

/** Sent as an administrator, so user-scoped fields get past authorization and their arguments are really checked. */
let adminHeader: Record<string, string> = {};

async function send(
  url: string,
  r: FuzzRequest,
): Promise<{ status: number; contentType: string; text: string }> {
  let body: RequestInit['body'] = r.body as RequestInit['body'];
  const init: RequestInit & { duplex?: 'half' } = {
    method: r.method,
    headers: { ...adminHeader, ...r.headers },
  };
  if (r.chunked && r.body !== undefined) {
    const bytes = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
    body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 256 * 1024)
          controller.enqueue(bytes.subarray(i, i + 256 * 1024));
        controller.close();
      },
    });
    init.duplex = 'half';
  }
  if (body !== undefined) init.body = body;
  const res = await fetch(url + (r.search ?? ''), init);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** What is wrong with an answer to a malformed request, or null when it is a clear error with a code. */
function judge(res: { status: number; contentType: string; text: string }): {
  problem: string | null;
  codes: string[];
} {
  if (res.status >= 500) return { problem: `status ${res.status}`, codes: [] };
  if (!res.contentType.includes('json'))
    return { problem: `content-type ${res.contentType || '(none)'}`, codes: [] };
  let body: { data?: unknown; errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> };
  try {
    body = JSON.parse(res.text);
  } catch {
    return { problem: 'body is not JSON', codes: [] };
  }
  const errors = body.errors;
  if (!Array.isArray(errors) || errors.length === 0)
    return { problem: `no errors (status ${res.status})`, codes: [] };
  const codes = errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : ''));
  if (codes.some((c) => c === '')) return { problem: 'an error without a code', codes };
  if (errors.some((e) => typeof e.message !== 'string' || e.message === ''))
    return { problem: 'an error without a message', codes };
  if (codes.includes('INTERNAL_SERVER_ERROR'))
    return { problem: 'INTERNAL_SERVER_ERROR (an unexpected failure)', codes };
  if (
    res.status === 200 &&
    !codes.includes('BAD_USER_INPUT') &&
    !codes.includes('NOT_FOUND') &&
    !codes.includes('PERSISTED_QUERY_NOT_FOUND')
  ) {
    return { problem: `status 200 with ${codes.join(',')}`, codes };
  }
  return { problem: null, codes };
}

/** Row counts of every table of the test keyspace. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await app.client.execute(
    'SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?',
    [app.keyspace],
  );
  const counts: Record<string, number> = {};
  for (const { table_name: t } of tables.rows) {
    const rs = await app.client.execute(`SELECT COUNT(*) AS n FROM ${app.keyspace}.${t}`);
    counts[t as string] = Number(rs.first().n);
  }
  return counts;
}

async function realCursors() {
  const page = async (query: string) => {
    const res = await app.gql<Record<string, unknown>>(query);
    expect(res.errors).toBeUndefined();
    return JSON.stringify(res.data).match(/"endCursor":"([^"]+)"/)![1];
  };
  return {
    lenaHistory: await page(
      `{ user(id: "${LENA}") { recentlyWatched(first: 1) { pageInfo { endCursor } } } }`,
    ),
    marcoHistory: await page(
      `{ user(id: "${MARCO}") { recentlyWatched(first: 1) { pageInfo { endCursor } } } }`,
    ),
    lenaForYou: await page(`{ user(id: "${LENA}") { forYou(first: 1) { pageInfo { endCursor } } } }`),
    genre: await page('{ contentByGenre(genre: "sci-fi", first: 1) { pageInfo { endCursor } } }'),
  };
}

describe('hostile input', () => {
  let cases: FuzzCase[];
  const outcomes: Outcome[] = [];
  const writes: string[] = [];
  let before: Record<string, number>;
  let homeBefore: unknown;

  beforeAll(async () => {
    adminHeader = await app.authHeader();
    cases = buildFuzzCases(await realCursors());
    homeBefore = (await app.gql(HOME)).data;
    before = await rowCounts();
    // Every statement the fuzz run causes, to prove that none of them writes.
    const execute = app.client.execute.bind(app.client) as (...a: unknown[]) => Promise<unknown>;
    const batch = app.client.batch.bind(app.client) as (...a: unknown[]) => Promise<unknown>;
    const spyE = jest.spyOn(app.client, 'execute').mockImplementation(((...a: unknown[]) => {
      if (!/^\s*SELECT/i.test(String(a[0]))) writes.push(String(a[0]));
      return execute(...a);
    }) as never);
    const spyB = jest.spyOn(app.client, 'batch').mockImplementation(((...a: unknown[]) => {
      writes.push('BATCH');
      return batch(...a);
    }) as never);
    const limit = pLimit(8);
    try {
      await Promise.all(
        cases.map((c) =>
          limit(async () => {
            try {
              const res = await send(app.url, c.request);
              outcomes.push({ category: c.category, name: c.name, status: res.status, ...judge(res) });
            } catch (err) {
              outcomes.push({
                category: c.category,
                name: c.name,
                status: null,
                problem: `no answer: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? '')}`,
                codes: [],
              });
            }
          }),
        ),
      );
    } finally {
      spyE.mockRestore();
      spyB.mockRestore();
    }
    const byCategory = new Map<string, { n: number; bad: number; statuses: Map<string, number> }>();
    for (const o of outcomes) {
      const row = byCategory.get(o.category) ?? { n: 0, bad: 0, statuses: new Map() };
      row.n += 1;
      if (o.problem) row.bad += 1;
      const s = String(o.status ?? 'none');
      row.statuses.set(s, (row.statuses.get(s) ?? 0) + 1);
      byCategory.set(o.category, row);
    }
    const lines = [...byCategory].map(
      ([cat, r]) =>
        `  ${cat.padEnd(22)} ${String(r.n).padStart(5)} requests, ${r.bad} not a clear error; statuses ${[...r.statuses].map(([s, n]) => `${s}×${n}`).join(' ')}`,
    );
    process.stderr.write(`\n[fuzz] ${outcomes.length} malformed requests\n${lines.join('\n')}\n`);
    const problems = outcomes.filter((o) => o.problem);
    if (problems.length) {
      process.stderr.write(
        `[fuzz] not a clear error:\n${problems.map((o) => `  ${o.category} / ${o.name.slice(0, 60)}: ${o.problem} [${o.codes.join(',')}]`).join('\n')}\n`,
      );
    }
  }, 300_000);

  it('when the fuzz cases are built, then there are at least 1,000 of them in every required category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(cases.map((c) => c.category))).toEqual(
      new Set([
        'invalid JSON',
        'wrong content type',
        'wrong variable types',
        'huge strings',
        'deep nesting',
        'alias bombs',
        'fragment bombs',
        'unknown fields',
        'invalid UUIDs',
        'first',
        'forged cursors',
        'oversized bodies',
        'unicode',
      ]),
    );
  });

  it('when malformed requests are sent, then every one is answered (no crash, no dropped connection)', () => {
    expect(outcomes.filter((o) => o.status === null)).toEqual([]);
  });

  it('when malformed requests are sent, then none is answered with a 5xx status', () => {
    expect(outcomes.filter((o) => o.status !== null && o.status >= 500)).toEqual([]);
  });

  it('when malformed requests are sent, then every answer is a JSON error with a message and a code', () => {
    expect(outcomes.filter((o) => o.problem !== null)).toEqual([]);
  });

  it('when malformed requests are sent, then nothing is written', async () => {
    expect(writes).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  });

  it('when malformed requests were sent, then the service logged no unhandled error', () => {
    expect(logLines.filter((l) => /unhandled error|unexpected error/.test(l))).toEqual([]);
  });

  it('when the fuzz run is over, then the service answers a normal request as before', async () => {
    const res = await app.gql(HOME);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual(homeBefore);
  });
});

describe('hostile input the fuzz run found (each refused before any CQL)', () => {
  const ENTITIES = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on User { name } } }';

  async function refusedWithoutCql(query: string, variables?: Record<string, unknown>) {
    let res!: Awaited<ReturnType<TestApp['gql']>>;
    const statements = await app.countStatements(async () => {
      res = await app.gql(query, variables);
    });
    return { codes: res.errors?.map((e) => e.extensions?.code), statements, status: res.status };
  }

  it('when a representation names a type that is not an entity, then BAD_USER_INPUT', async () => {
    expect(await refusedWithoutCql(ENTITIES, { r: [{ __typename: 'Nope', id: LENA }] })).toEqual({
      codes: ['BAD_USER_INPUT'],
      statements: 0,
      status: 200,
    });
  });

  it('when a representation lacks its key field, then BAD_USER_INPUT', async () => {
    expect(await refusedWithoutCql(ENTITIES, { r: [{ __typename: 'User' }] })).toEqual({
      codes: ['BAD_USER_INPUT'],
      statements: 0,
      status: 200,
    });
  });

  it("when a representation's id is not a UUID, then BAD_USER_INPUT", async () => {
    expect(await refusedWithoutCql(ENTITIES, { r: [{ __typename: 'User', id: 'not-a-uuid' }] })).toEqual({
      codes: ['BAD_USER_INPUT'],
      statements: 0,
      status: 200,
    });
  });

  it('when more than 1,000 representations are sent, then BAD_USER_INPUT', async () => {
    const r = Array.from({ length: 1001 }, () => ({ __typename: 'User', id: LENA }));
    expect(await refusedWithoutCql(ENTITIES, { r })).toEqual({
      codes: ['BAD_USER_INPUT'],
      statements: 0,
      status: 200,
    });
  });

  it('when an e-mail is longer than 254 characters, then BAD_USER_INPUT (not a Cassandra key-length error)', async () => {
    const e = `${'a'.repeat(250)}@example.com`;
    expect(
      await refusedWithoutCql('query ($e: EmailAddress!) { userByEmail(email: $e) { name } }', { e }),
    ).toEqual({ codes: ['BAD_USER_INPUT'], statements: 0, status: 400 });
  });

  it('when a UUID has an unbalanced brace, then BAD_USER_INPUT', async () => {
    const res = await refusedWithoutCql(`{ user(id: "${LENA}}") { name } }`);
    expect([res.codes, res.statements]).toEqual([['BAD_USER_INPUT'], 0]);
  });

  it('when a valid cursor has characters appended, then BAD_USER_INPUT', async () => {
    const first = await app.gql<{ user: { recentlyWatched: { pageInfo: { endCursor: string } } } }>(
      `{ user(id: "${LENA}") { recentlyWatched(first: 1) { pageInfo { endCursor } } } }`,
    );
    const cursor = `${first.data!.user.recentlyWatched.pageInfo.endCursor}\u200b`;
    const res = await app.gql(
      `query ($a: String) { user(id: "${LENA}") { recentlyWatched(first: 1, after: $a) { edges { cursor } } } }`,
      { a: cursor },
    );
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('when a subscription is sent to this subgraph (it has none), then 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await app.gql('subscription { ticks }');
    expect([res.status, res.errors?.[0].extensions?.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
  });

  it('when operationName names no operation of the document, then 400 OPERATION_RESOLUTION_FAILURE (not a 500)', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query A { __typename }', operationName: 'B' }),
    });
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect([res.status, body.errors[0].extensions.code]).toEqual([400, 'OPERATION_RESOLUTION_FAILURE']);
  });

  it('when the content type is application/jsonp, then the body is not taken as JSON: 400 BAD_REQUEST', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/jsonp' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    const body = (await res.json()) as { errors: Array<{ extensions: { code: string } }> };
    expect([res.status, body.errors[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
  });
});
