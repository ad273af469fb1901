import { Client } from 'cassandra-driver';
import { CQL_DIR } from '../src/cassandra/connect';
import { readMigrations } from '../src/cassandra/migrations';
import { createLogger } from '../src/logger';
import { createRepositories } from '../src/repositories';
import { LENA } from '../src/seed/demo-data';
import { createServer, type AppServer } from '../src/server';
import { createTestApp, testConfig, type GraphQLResponse, type TestApp } from './support/app';

/** Every JSON line the app logged. */
const lines: string[] = [];
let app: TestApp;
let base: string;

beforeAll(async () => {
  app = await createTestApp({
    seed: true,
    log: createLogger('info', {}, { write: (s: string) => void lines.push(s) }),
  });
  base = app.url.replace(/\/graphql$/, '');
});
afterAll(() => app.close());

const LATEST = readMigrations(CQL_DIR).at(-1)!.version;

function logged(): Array<Record<string, unknown>> {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** POSTs as an administrator (every field readable), like `app.gql`, but returns the raw response too. */
async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await app.authHeader()), ...headers },
    body: JSON.stringify(body),
  });
  return { res, body: (await res.json()) as GraphQLResponse };
}

/** The value of one sample in Prometheus text format, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{(.*)\})? (.+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]] as const),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

async function metrics(): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

describe('/health and /ready', () => {
  it('when the process runs, then /health answers 200', async () => {
    const res = await fetch(`${base}/health`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('when Cassandra answers and the keyspace has the latest migration, then /ready answers 200', async () => {
    const res = await fetch(`${base}/ready`);
    expect([res.status, await res.json()]).toEqual([200, { status: 'ready', migration: LATEST }]);
  });

  it('when the keyspace lacks the latest migration, then /ready answers 503 and names both versions', async () => {
    const row = await app.client.execute('SELECT * FROM schema_migrations WHERE version = ?', [LATEST]);
    await app.client.execute('DELETE FROM schema_migrations WHERE version = ?', [LATEST]);
    try {
      const res = await fetch(`${base}/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'unavailable', expectedMigration: LATEST });
    } finally {
      const r = row.first();
      await app.client.execute(
        'INSERT INTO schema_migrations (version, file, checksum, statements, applied_at) VALUES (?, ?, ?, ?, ?)',
        [r.version, r.file, r.checksum, r.statements, r.applied_at],
        { prepare: true },
      );
    }
  });

  it('when Cassandra cannot be reached, then /ready answers 503', async () => {
    const config = testConfig({ CASSANDRA_KEYSPACE: app.keyspace });
    const client = new Client({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'datacenter1' });
    const server: AppServer = await createServer({
      config,
      repos: createRepositories(client, config),
      client,
      log: createLogger('silent'),
    });
    try {
      const url = (await server.listen(0, '127.0.0.1')).replace(/\/graphql$/, '');
      const res = await fetch(`${url}/ready`);
      expect([res.status, await res.json()]).toEqual([
        503,
        { status: 'unavailable', reason: 'Cassandra unreachable' },
      ]);
    } finally {
      await server.stop();
      await client.shutdown();
    }
  });
});

describe('/metrics', () => {
  it('when a named operation ran, then its request count and latency histogram are exposed under its name', async () => {
    await post({ query: `query HomeForMetrics { user(id: "${LENA}") { name } }` });
    const text = await metrics();
    expect(sample(text, 'graphql_requests_total', { operation: 'HomeForMetrics', status: '200' })).toBe(1);
    expect(sample(text, 'graphql_request_duration_seconds_count', { operation: 'HomeForMetrics' })).toBe(1);
  });

  it('when an error is returned, then it is counted under its code', async () => {
    const before = sample(await metrics(), 'graphql_errors_total', { code: 'BAD_USER_INPUT' }) ?? 0;
    await post({ query: '{ user(id: "not-a-uuid") { name } }' });
    expect(sample(await metrics(), 'graphql_errors_total', { code: 'BAD_USER_INPUT' })).toBe(before + 1);
  });

  it('when resolvers read Cassandra, then the statements are counted', async () => {
    const before = sample(await metrics(), 'cql_statements_total', { kind: 'statement', outcome: 'ok' }) ?? 0;
    const n = await app.countStatements(() => post({ query: `{ user(id: "${LENA}") { name } }` }));
    expect(sample(await metrics(), 'cql_statements_total', { kind: 'statement', outcome: 'ok' })).toBe(
      before + n,
    );
  });

  it('when titles are loaded through the content loader, then the batch size is observed', async () => {
    const before = sample(await metrics(), 'dataloader_batch_size_count', { loader: 'content' }) ?? 0;
    await post({
      query: `{ user(id: "${LENA}") { recentlyWatched(first: 5) { edges { node { content { genre } } } } } }`,
    });
    expect(sample(await metrics(), 'dataloader_batch_size_count', { loader: 'content' })).toBe(before + 1);
  });

  it('when the driver is connected, then the pool state (hosts, connections, in-flight) is exposed', async () => {
    const text = await metrics();
    expect(sample(text, 'cassandra_pool_connected_hosts')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cassandra_hosts_up')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^cassandra_pool_open_connections\{host="[^"]+"\} [1-9]/m);
    expect(text).toMatch(/^cassandra_pool_in_flight_queries\{host="[^"]+"\} \d+/m);
  });
});

describe('request logs and request ids', () => {
  it('when a request is handled, then one JSON line has its id, operation name, duration and statement count', async () => {
    let res!: Response;
    const statements = await app.countStatements(async () => {
      ({ res } = await post({
        query: `query LoggedOp { user(id: "${LENA}") { continueWatching(first: 5) { title } } }`,
      }));
    });
    const requestId = res.headers.get('x-request-id');
    const line = logged().filter((l) => l.msg === 'request' && l.requestId === requestId);
    expect(line).toHaveLength(1);
    expect(line[0]).toMatchObject({ operationName: 'LoggedOp', status: 200, statements });
    expect(typeof line[0].durationMs).toBe('number');
  });

  it('when a mutation is handled, then its log line counts the statements its writes issued', async () => {
    let res!: Response;
    const statements = await app.countStatements(async () => {
      ({ res } = await post({
        query: `mutation LoggedWrite { updatePreferences(userId: "${LENA}", preferredLanguage: "en") { user { id } } }`,
      }));
    });
    const line = logged().filter(
      (l) => l.msg === 'request' && l.requestId === res.headers.get('x-request-id'),
    );
    expect(statements).toBeGreaterThan(1);
    expect(line[0]).toMatchObject({ operationName: 'LoggedWrite', status: 200, statements });
  });

  it('when the client sends an x-request-id, then the same id is in the response header, every error and the log line', async () => {
    const { res, body } = await post(
      { query: '{ user(id: "1234") { name } }' },
      { 'x-request-id': 'gateway-abc-123' },
    );
    expect(res.headers.get('x-request-id')).toBe('gateway-abc-123');
    expect(body.errors?.[0].extensions?.requestId).toBe('gateway-abc-123');
    expect(logged().some((l) => l.msg === 'request' && l.requestId === 'gateway-abc-123')).toBe(true);
  });

  it('when a request failed before GraphQL ran (invalid JSON), then its error still carries the request id', async () => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":',
    });
    const body = (await res.json()) as GraphQLResponse;
    expect(res.status).toBe(400);
    expect(body.errors?.[0].extensions).toEqual({
      code: 'BAD_REQUEST',
      requestId: res.headers.get('x-request-id'),
    });
  });

  it('when requests carry e-mails and tokens, then neither appears in any log line', async () => {
    await post(
      {
        query: 'query ($e: EmailAddress!) { userByEmail(email: $e) { name } }',
        variables: { e: 'lena@example.com' },
      },
      { authorization: 'Bearer secret-token-value' },
    );
    await post({ query: '{ userByEmail(email: "nobody-here@example.org") { name } }' });
    const all = lines.join('\n');
    expect(all).not.toMatch(/@example\.(com|org)/);
    expect(all).not.toContain('secret-token-value');
  });

  it('when a resolver fails unexpectedly, then the full error is logged under the request id the client got', async () => {
    const out: string[] = [];
    const repos = createRepositories(app.client, app.config);
    const failing = {
      ...repos,
      users: Object.assign(Object.create(repos.users) as object, {
        getById: () => Promise.reject(new Error('disk on fire (internal detail)')),
      }),
    };
    const server: AppServer = await createServer({
      config: app.config,
      repos: failing as never,
      client: app.client,
      log: createLogger('info', {}, { write: (s: string) => void out.push(s) }),
    });
    try {
      const url = await server.listen(0, '127.0.0.1');
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await app.authHeader()) },
        body: JSON.stringify({ query: `{ user(id: "${LENA}") { name } }` }),
      });
      const body = (await res.json()) as GraphQLResponse;
      const requestId = res.headers.get('x-request-id');
      expect(body.errors?.[0]).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
      });
      const logs = out.map((l) => JSON.parse(l) as Record<string, unknown>);
      const errorLine = logs.find((l) => l.msg === 'unexpected error in resolver');
      expect(errorLine).toMatchObject({ requestId, err: { message: 'disk on fire (internal detail)' } });
      expect(logs.find((l) => l.msg === 'request')).toMatchObject({ requestId, statementErrors: 0 });
    } finally {
      await server.stop();
    }
  });

  it('when a logger is given an e-mail or authorization field, then it is redacted', () => {
    const out: string[] = [];
    const log = createLogger('info', {}, { write: (s: string) => void out.push(s) });
    log.info({ email: 'x@example.com', user: { email: 'y@example.com' }, authorization: 'Bearer t' }, 'm');
    expect(out.join('')).not.toMatch(/example\.com|Bearer/);
  });
});
